"""Working days in mainland China (工作日): weekends, statutory holidays and 调休.

A year's schedule comes, in order of preference, from the State Council General Office's
notice loaded by an administrator (``notice``), from the PyPI ``chinese-calendar`` package
(``package``, 2004–2026 in 1.11.0), or is computed from the statutory rules in
``statutory_holidays.json`` (``statutory``): the holidays of the 放假办法 including the lunar
ones, weekends, and 补假 for a holiday on a weekend. Computed years are *provisional*: every
date derived from them says so, and is recomputed when the notice arrives.

Counting convention (domain.md §1.3, configurable): the start day is day 0, day 1 is the first
working day after it. ``chinese_calendar.find_workday`` counts from the first working day on or
after the start, one day late for a weekend start, so it is not used.
"""

import datetime as dt
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from typing import Any

import chinese_calendar
from lunar_python import Lunar

SATURDAY = 5
# The longest run of consecutive non-working days ever scheduled is 9 (春节 2026); a run this
# long means the calendar data is broken, and stopping beats looping for ever.
MAX_REST_RUN = 60


class ScheduleSource(StrEnum):
    """Where a year's schedule comes from."""

    NOTICE = "notice"
    PACKAGE = "package"
    STATUTORY = "statutory"


SOURCE_LABELS = {
    ScheduleSource.NOTICE: "国务院办公厅放假安排通知（已载入）",
    ScheduleSource.PACKAGE: "国务院办公厅历年放假安排（chinese-calendar 数据）",
    ScheduleSource.STATUTORY: "按《全国年节及纪念日放假办法》推算（暂定，待国务院办公厅通知）",
}

PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarRangeError(ValueError):
    """A date computation ran past the dates Python can represent (year 9999)."""

    def __init__(self) -> None:
        super().__init__("日期超出可计算的范围（公元 1 年至 9999 年），请检查输入的日期。")


@dataclass(frozen=True)
class YearSchedule:
    """One year's rest days (休息的节假日，含调休) and weekend days designated as working days."""

    year: int
    rest_days: Mapping[dt.date, str]
    working_days: Mapping[dt.date, str]
    source: ScheduleSource
    notice: str | None = None

    @property
    def provisional(self) -> bool:
        return self.source is ScheduleSource.STATUTORY

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.working_days:
            return True
        if day in self.rest_days:
            return False
        return day.weekday() < SATURDAY


@dataclass(frozen=True)
class WorkdayResult:
    """A date found by counting working days, and the provisional years it depends on."""

    date: dt.date
    provisional_years: tuple[int, ...] = ()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


def _statutory_rules() -> list[dict[str, Any]]:
    text = resources.files("services.common").joinpath("statutory_holidays.json").read_text("utf-8")
    rules: list[dict[str, Any]] = json.loads(text)["rules"]
    return sorted(rules, key=lambda r: int(r["from_year"]))


STATUTORY_RULES = _statutory_rules()


def _lunar_to_solar(year: int, month: int, day: int) -> dt.date | None:
    try:
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    except (ValueError, IndexError, KeyError, OverflowError):
        return None


def _solar_term(year: int, name: str) -> dt.date | None:
    try:
        solar = Lunar.fromYmd(year, 1, 1).getJieQiTable()[name]
        return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    except (ValueError, IndexError, KeyError, OverflowError):
        return None


def _holiday_start(year: int, rule: Mapping[str, Any]) -> dt.date | None:
    start: dt.date | None
    if "solar" in rule:
        start = dt.date(year, *rule["solar"])
    elif "lunar" in rule:
        start = _lunar_to_solar(year, *rule["lunar"])
    else:
        start = _solar_term(year, rule["solar_term"])
    if start is None:
        return None
    try:
        return start + dt.timedelta(days=int(rule.get("offset", 0)))
    except OverflowError:
        return None


@functools.lru_cache(maxsize=256)
def statutory_schedule(year: int) -> YearSchedule:
    """The schedule the 放假办法 implies for ``year``: provisional, no 调休 working weekends."""
    rules = [r for r in STATUTORY_RULES if int(r["from_year"]) <= year][-1]
    rest: dict[dt.date, str] = {}
    blocks: list[tuple[str, list[dt.date]]] = []
    for holiday in rules["holidays"]:
        start = _holiday_start(year, holiday)
        if start is None:
            continue
        days = []
        for offset in range(int(holiday["days"])):
            try:
                day = start + dt.timedelta(days=offset)
            except OverflowError:
                break
            rest[day] = holiday["name"]
            days.append(day)
        blocks.append((holiday["name"], days))
    # 补假: a holiday on a Saturday or Sunday is made up on the next free weekday after it.
    for name, days in blocks:
        if not days:
            continue
        cursor = days[-1]
        for _ in [d for d in days if d.weekday() >= SATURDAY]:
            try:
                cursor += dt.timedelta(days=1)
                while cursor.weekday() >= SATURDAY or cursor in rest:
                    cursor += dt.timedelta(days=1)
            except OverflowError:
                break
            rest[cursor] = f"{name}（补假）"
    rest = {d: n for d, n in rest.items() if d.year == year}
    return YearSchedule(year, rest, {}, ScheduleSource.STATUTORY)


def _package_years() -> frozenset[int]:
    return frozenset(d.year for d in chinese_calendar.holidays) | frozenset(
        d.year for d in chinese_calendar.workdays
    )


PACKAGE_YEARS = _package_years()


@functools.lru_cache(maxsize=64)
def package_schedule(year: int) -> YearSchedule | None:
    """The official schedule of ``year`` as held by ``chinese-calendar``, if it knows the year."""
    if year not in PACKAGE_YEARS:
        return None

    def named(days: Mapping[dt.date, str]) -> dict[dt.date, str]:
        return {d: PACKAGE_NAMES.get(n, n) for d, n in days.items() if d.year == year}

    return YearSchedule(
        year,
        named(chinese_calendar.holidays),
        named(chinese_calendar.workdays),
        ScheduleSource.PACKAGE,
    )


@dataclass
class WorkdayCalendar:
    """Working days over notices, the package and the statutory rules; pure and cheap to build."""

    notices: Mapping[int, YearSchedule] = field(default_factory=dict)
    use_package: bool = True

    @classmethod
    def from_notices(cls, notices: Iterable[YearSchedule]) -> "WorkdayCalendar":
        return cls({n.year: n for n in notices})

    def schedule(self, year: int) -> YearSchedule:
        if year in self.notices:
            return self.notices[year]
        if self.use_package and (known := package_schedule(year)) is not None:
            return known
        return statutory_schedule(year)

    def is_working_day(self, day: dt.date) -> bool:
        return self.schedule(day.year).is_working_day(day)

    def is_provisional(self, year: int) -> bool:
        return self.schedule(year).provisional

    def add_working_days(
        self, start: dt.date, count: int, *, count_start: bool = False
    ) -> WorkdayResult:
        """The day on which the ``count``-th working day after ``start`` falls.

        ``count_start`` counts ``start`` itself as day 1 when it is a working day (the other
        reading of "within n working days of receipt"). ``count`` 0 gives ``start``.
        """
        if count < 0:
            raise ValueError("工作日数不能为负数")
        years: set[int] = set()
        day, left = start, count
        try:
            if count_start and count > 0 and self.is_working_day(start):
                left -= 1
                years.add(start.year)
            rest_run = 0
            while left > 0:
                day += dt.timedelta(days=1)
                years.add(day.year)
                if self.is_working_day(day):
                    left -= 1
                    rest_run = 0
                else:
                    rest_run += 1
                    if rest_run > MAX_REST_RUN:
                        raise RuntimeError(f"{day.year} 年的日历数据有误：连续 {rest_run} 天不上班")
        except OverflowError:
            raise CalendarRangeError() from None
        return WorkdayResult(day, tuple(sorted(y for y in years if self.is_provisional(y))))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        return self.add_working_days(day, 1).date

    def provisional_years(self, start: dt.date, end: dt.date) -> tuple[int, ...]:
        low, high = min(start, end), max(start, end)
        return tuple(y for y in range(low.year, high.year + 1) if self.is_provisional(y))


DEFAULT_CALENDAR = WorkdayCalendar()
