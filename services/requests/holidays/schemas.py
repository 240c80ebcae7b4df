"""Bodies of the holiday-notice API."""

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class NamedDay(BaseModel):
    model_config = ConfigDict(extra="forbid")

    date: dt.date
    name: str = Field(min_length=1, max_length=50, description="节日名称，如 春节")


class HolidayNoticeIn(BaseModel):
    """国务院办公厅关于某年部分节假日安排的通知：放假的日子和调休上班的周末."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    document_number: str | None = Field(
        None, max_length=100, description="如 国办发明电〔2025〕7号"
    )
    rest_days: list[NamedDay] = Field(min_length=1, max_length=60, description="放假调休的日子")
    working_days: list[NamedDay] = Field(
        default_factory=list, max_length=30, description="调休上班的星期六、星期日"
    )

    @model_validator(mode="after")
    def _consistent(self) -> "HolidayNoticeIn":
        rest = {d.date for d in self.rest_days}
        work = {d.date for d in self.working_days}
        if rest & work:
            raise ValueError(f"{min(rest & work)} 不能既放假又上班")
        for named in self.working_days:
            if named.date.weekday() < 5:
                raise ValueError(f"{named.date} 不是周末，调休上班的日子应为星期六或星期日")
        return self

    def check_year(self, year: int) -> str | None:
        """Why the days do not belong to ``year``, or None."""
        wrong = [d.date for d in [*self.rest_days, *self.working_days] if d.date.year != year]
        if wrong:
            return f"{min(wrong)} 不在 {year} 年内；每份通知只载入一年的安排"
        return None


class HolidayNoticeRead(BaseModel):
    year: int
    title: str
    document_number: str | None
    rest_days: list[NamedDay]
    working_days: list[NamedDay]
    loaded_by: str
    loaded_at: dt.datetime


class HolidayNoticeLoaded(BaseModel):
    notice: HolidayNoticeRead
    recomputed: int = Field(description="据此重新计算答复期限的未办结申请数")


class YearRead(BaseModel):
    year: int
    source: str
    source_label: str
    provisional: bool
    rest_days: list[NamedDay]
    working_days: list[NamedDay]
