"""The annual report's 第二十条第（一）项 figures (both formats) and the classification gap list."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field


class ReportFormat(StrEnum):
    """国办公开办函〔2019〕60号 (report years 2019–2020) or 〔2021〕30号 (from 2021)."""

    F2019 = "2019"
    F2021 = "2021"


class Column(BaseModel):
    key: str
    label: str


class Row(BaseModel):
    key: str
    label: str = Field(description="信息内容：规章 / 行政规范性文件（2019 格式：规范性文件）")
    values: dict[str, int]


class ReportCounts(BaseModel):
    year: int
    format: ReportFormat
    agency_id: uuid.UUID | None
    as_of: dt.date = Field(description="现行有效件数按此日计")
    public_only: bool = Field(description="仅统计主动公开的文件（公众调用时）")
    columns: list[Column]
    rows: list[Row]


class GapItem(BaseModel):
    item_id: uuid.UUID
    title: str


class GapList(BaseModel):
    agency_id: uuid.UUID
    written_from: dt.date | None
    written_to: dt.date | None
    items: list[GapItem] = Field(description="该时段内没有归入任何可见文件的目录事项")
