"""Dates and times in query strings as ISO 8601 text only.

Pydantic's lax mode reads a number as a Unix timestamp, so ``?since=0.5`` or ``?in_force_on=0``
would silently mean 1970; the OpenAPI document promises ``format: date``/``date-time``, and a
caller who sends a number has made a mistake worth a 422.
"""

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def not_a_number(value: Any) -> Any:
    if isinstance(value, int | float) or (isinstance(value, str) and _NUMBER.match(value)):
        raise ValueError(
            "日期或时间应写成 ISO 8601 格式，如 2024-05-01 或 2024-05-01T08:00:00+08:00"
        )
    return value


IsoDate = Annotated[dt.date, BeforeValidator(not_a_number)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(not_a_number)]
