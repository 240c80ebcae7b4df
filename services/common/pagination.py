"""Cursor pagination: opaque keyset cursors over (sort key…, id), with a ``next`` link."""

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from services.common.errors import BadRequest

MAX_LIMIT = 100
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list; follow ``next`` (or pass ``next_cursor``) for the following page."""

    items: list[T]
    next_cursor: str | None = Field(None, description="下一页游标；为空表示已到最后一页")
    next: str | None = Field(None, description="下一页的完整地址")


class PageParams(BaseModel):
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数，1–100")] = 20,
    cursor: Annotated[str | None, Query(max_length=512, description="上一页返回的游标")] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = orjson.dumps([_plain(v) for v in values])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_cursor(cursor: str, columns: Sequence[InstrumentedAttribute[Any]]) -> list[Any]:
    """The key values of a cursor, typed like ``columns``; a bad cursor is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(columns):
            raise ValueError("shape")
        return [_restore(v, c) for v, c in zip(values, columns, strict=True)]
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise BadRequest(
            "分页游标无效或已过期，请从第一页重新获取。", code="invalid-cursor"
        ) from None


def after_key(
    columns: Sequence[InstrumentedAttribute[Any]], values: Sequence[Any], *, descending: bool
) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the (columns…) ordering, portable to SQLite and PG."""
    clauses = []
    for i, column in enumerate(columns):
        equal = [columns[j] == values[j] for j in range(i)]
        beyond = column < values[i] if descending else column > values[i]
        clauses.append(and_(*equal, beyond))
    return or_(*clauses)


def next_link(request: Request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    return str(request.url.include_query_params(cursor=cursor))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | uuid.UUID):
        return value.isoformat() if not isinstance(value, uuid.UUID) else str(value)
    return value


def _restore(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    if value is None:
        return None
    python_type = column.type.python_type
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    if python_type is uuid.UUID:
        return uuid.UUID(str(value))
    if python_type is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError("int")
        return value
    if python_type is str:
        if not isinstance(value, str):
            raise TypeError("str")
        return value
    return value
