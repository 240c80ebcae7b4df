"""Report periods: the year, and the half-year and quarterly interim figures of the same code."""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class PeriodKind(StrEnum):
    YEAR = "year"
    H1 = "h1"
    H2 = "h2"
    Q1 = "q1"
    Q2 = "q2"
    Q3 = "q3"
    Q4 = "q4"


PERIOD_LABELS = {
    PeriodKind.YEAR: "年度",
    PeriodKind.H1: "上半年",
    PeriodKind.H2: "下半年",
    PeriodKind.Q1: "第一季度",
    PeriodKind.Q2: "第二季度",
    PeriodKind.Q3: "第三季度",
    PeriodKind.Q4: "第四季度",
}

# (first month, last month) of each period.
_MONTHS = {
    PeriodKind.YEAR: (1, 12),
    PeriodKind.H1: (1, 6),
    PeriodKind.H2: (7, 12),
    PeriodKind.Q1: (1, 3),
    PeriodKind.Q2: (4, 6),
    PeriodKind.Q3: (7, 9),
    PeriodKind.Q4: (10, 12),
}


@dataclass(frozen=True)
class Period:
    """A closed date range inside one report year; the year chooses the table format."""

    year: int
    kind: PeriodKind
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, year: int, kind: PeriodKind = PeriodKind.YEAR) -> "Period":
        first, last = _MONTHS[kind]
        start = dt.date(year, first, 1)
        following = dt.date(year + 1, 1, 1) if last == 12 else dt.date(year, last + 1, 1)
        return cls(year, kind, start, following - dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return f"{self.year}年{PERIOD_LABELS[self.kind]}"
