"""The publication deadline ledger (条例 Art. 26: 主动公开 within N working days)."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field


class DeadlineState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    ON_TIME = "on_time"
    LATE = "late"


STATE_LABELS = {
    DeadlineState.DUE: "待发布（未逾期）",
    DeadlineState.OVERDUE: "已逾期未发布",
    DeadlineState.ON_TIME: "按期发布",
    DeadlineState.LATE: "逾期发布",
}


class LedgerEntry(BaseModel):
    document_id: uuid.UUID
    index_number: str
    title: str
    agency_id: uuid.UUID
    agency_name: str
    written_on: dt.date = Field(description="成文日期（第 0 日）")
    deadline_days: int = Field(description="期限（工作日）")
    due_on: dt.date = Field(description="最后发布日")
    due_on_provisional: bool = Field(
        description="最后发布日是否暂定：所跨年份尚未载入国务院办公厅放假安排通知，"
        "按放假办法推算；载入通知后重新计算"
    )
    provisional_years: list[int] = Field(description="尚未载入放假安排通知、按推算计的年份")
    published_on: dt.date | None
    state: DeadlineState
    state_label: str
    working_days_late: int = Field(description="逾期的工作日数（按期或未到期为 0）")


class LedgerPage(BaseModel):
    items: list[LedgerEntry]
    next_cursor: str | None = None
    next: str | None = None


class AgencyTally(BaseModel):
    agency_id: uuid.UUID
    agency_name: str
    due: int
    overdue: int
    on_time: int
    late: int


class LedgerSummary(BaseModel):
    as_of: dt.date
    agencies: list[AgencyTally]
