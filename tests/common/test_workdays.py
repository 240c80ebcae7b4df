"""The working-day calendar: known official schedules, provisional years, and properties."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.workdays import (
    DEFAULT_CALENDAR,
    CalendarRangeError,
    ScheduleSource,
    WorkdayCalendar,
    YearSchedule,
    statutory_schedule,
)

D = dt.date


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Saturday before National Day 2020: 9/27 (Sun) and 10/10 (Sat) are 调休 working days,
        # 10/1–10/8 are off. Day 1 is Monday 9/21; chinese-calendar's find_workday says 10/23.
        (D(2020, 9, 19), 20, D(2020, 10, 22)),
        # Spring Festival 2019: 2/4–2/10 off, 2/2 (Sat) and 2/3 (Sun) working.
        (D(2019, 1, 25), 20, D(2019, 2, 27)),
        # Mid-autumn and National Day 2026: 9/20 (Sun) and 10/10 (Sat) working.
        (D(2026, 9, 18), 20, D(2026, 10, 22)),
        # A plain month: Friday receipt, four weeks of working days.
        (D(2021, 3, 5), 20, D(2021, 4, 2)),
        # The 7-working-day 补正 window across 元旦 2021 (1/1 Fri off).
        (D(2020, 12, 28), 7, D(2021, 1, 7)),
    ],
)
def test_known_due_dates(received: dt.date, days: int, due: dt.date) -> None:
    result = DEFAULT_CALENDAR.add_working_days(received, days)
    assert result.date == due
    assert not result.provisional


def test_counting_the_receipt_day_is_the_configurable_alternative() -> None:
    # Received on a working day: counting it as day 1 ends one working day earlier.
    assert DEFAULT_CALENDAR.add_working_days(D(2021, 3, 5), 20, count_start=True).date == D(
        2021, 4, 1
    )
    # Received on a Saturday: nothing changes, a rest day is never counted.
    assert DEFAULT_CALENDAR.add_working_days(D(2020, 9, 19), 20, count_start=True).date == D(
        2020, 10, 22
    )


def test_a_deadline_running_into_an_unknown_year_is_provisional_not_an_error() -> None:
    # December 2026, extended by 20 more working days: runs into 2027, which has no notice.
    result = DEFAULT_CALENDAR.add_working_days(D(2026, 12, 15), 40)
    assert result.provisional
    assert result.provisional_years == (2027,)
    assert result.date.year == 2027


def test_statutory_schedule_2027_has_the_lunar_holidays_and_makeup_days() -> None:
    rest = statutory_schedule(2027).rest_days
    # 除夕 2027-02-05 (Fri), 初一–初三 2/6–2/8; 2/6 and 2/7 are a weekend → 补假 2/9, 2/10.
    assert [d for d in rest if rest[d].startswith("春节")] == [
        D(2027, 2, 5) + dt.timedelta(days=i) for i in range(6)
    ]
    assert rest[D(2027, 4, 5)] == "清明节"
    assert rest[D(2027, 6, 9)] == "端午节"
    assert rest[D(2027, 9, 15)] == "中秋节"
    assert rest[D(2027, 5, 3)] == "劳动节（补假）"
    assert statutory_schedule(2027).provisional


def test_statutory_rules_reproduce_the_holidays_of_known_years() -> None:
    # Every statutory holiday the rules compute is a rest day in the official schedule.
    for year in range(2008, 2027):
        for day, name in statutory_schedule(year).rest_days.items():
            if "补假" not in name:
                assert not chinese_calendar.is_workday(day), (year, day, name)


def test_a_loaded_notice_replaces_the_provisional_computation() -> None:
    notice = YearSchedule(
        2027,
        {D(2027, 1, 1): "元旦", D(2027, 2, 10): "春节", D(2027, 2, 11): "春节"},
        {D(2027, 2, 20): "春节"},
        ScheduleSource.NOTICE,
        notice="国办发明电〔2026〕1号",
    )
    calendar = WorkdayCalendar.from_notices([notice])
    assert not calendar.is_provisional(2027)
    assert calendar.is_working_day(D(2027, 2, 20))  # a Saturday made a working day
    assert not calendar.is_working_day(D(2027, 2, 10))
    assert not calendar.add_working_days(D(2026, 12, 15), 40).provisional


def test_years_far_away_never_crash() -> None:
    assert DEFAULT_CALENDAR.add_working_days(D(2999, 12, 31), 40).provisional
    assert DEFAULT_CALENDAR.add_working_days(D(1, 1, 1), 20).date.year == 1
    with pytest.raises(CalendarRangeError):
        DEFAULT_CALENDAR.add_working_days(D(9999, 12, 20), 40)


def test_working_days_between_counts_the_half_open_interval() -> None:
    assert DEFAULT_CALENDAR.working_days_between(D(2020, 9, 19), D(2020, 10, 22)) == 20
    assert DEFAULT_CALENDAR.working_days_between(D(2020, 10, 22), D(2020, 9, 19)) == -20
    assert DEFAULT_CALENDAR.working_days_between(D(2020, 10, 1), D(2020, 10, 1)) == 0


dates = st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=dates, count=st.integers(min_value=1, max_value=60))
def test_add_working_days_lands_on_the_n_th_working_day(start: dt.date, count: int) -> None:
    result = DEFAULT_CALENDAR.add_working_days(start, count)
    assert result.date > start
    assert DEFAULT_CALENDAR.is_working_day(result.date)
    assert DEFAULT_CALENDAR.working_days_between(start, result.date) == count
    # Never earlier than the plain calendar count of weekdays would allow.
    assert (result.date - start).days >= count


@settings(max_examples=100, deadline=None)
@given(start=dates, first=st.integers(0, 40), second=st.integers(0, 40))
def test_counts_compose(start: dt.date, first: int, second: int) -> None:
    middle = DEFAULT_CALENDAR.add_working_days(start, first).date
    if second:
        assert (
            DEFAULT_CALENDAR.add_working_days(middle, second).date
            == DEFAULT_CALENDAR.add_working_days(start, first + second).date
        )


@settings(max_examples=100, deadline=None)
@given(day=st.dates(min_value=D(2004, 1, 1), max_value=D(2026, 12, 31)))
def test_known_years_agree_with_chinese_calendar(day: dt.date) -> None:
    assert DEFAULT_CALENDAR.is_working_day(day) == chinese_calendar.is_workday(day)


@settings(max_examples=60, deadline=None)
@given(year=st.integers(min_value=1, max_value=9999))
def test_any_year_has_a_schedule(year: int) -> None:
    schedule = statutory_schedule(year)
    assert all(d.year == year for d in schedule.rest_days)
    assert D(year, 1, 1) in schedule.rest_days
