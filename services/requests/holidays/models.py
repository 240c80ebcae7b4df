"""State Council holiday notices (国务院办公厅放假安排通知) loaded by an administrator."""

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.requests.db import RequestsTable


class HolidayNotice(RequestsTable, table=True):
    """One year's official schedule: rest days and 调休 working days, each with its holiday."""

    __tablename__ = "holiday_notice"

    year: int = Field(primary_key=True)
    title: str = Field(max_length=200)
    document_number: str | None = Field(default=None, max_length=100)
    rest_days: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    working_days: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    loaded_by: str = Field(max_length=200)
    loaded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
