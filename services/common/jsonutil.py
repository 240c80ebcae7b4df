"""JSON in and out with orjson: UTF-8, Chinese kept as characters, dates as ISO 8601."""

from typing import Any

import orjson


def dumps(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS, default=_fallback)


def loads(data: bytes | str) -> Any:
    return orjson.loads(data)


def _fallback(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")
