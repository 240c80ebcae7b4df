"""The due-date function: hand-checked cases across holidays, and properties of the clock."""

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.workdays import DEFAULT_CALENDAR, CalendarRangeError
from services.requests.deadlines import (
    ClockEvent,
    ClockEventKind,
    ClockRules,
    FeeEffect,
    PauseBoundary,
    clarification_window_ends,
    due_date,
)

D = dt.date
K = ClockEventKind


def received(on: dt.date) -> ClockEvent:
    return ClockEvent(K.RECEIVED, on)


def consultation(start: dt.date, end: dt.date | None, key: str = "a") -> list[ClockEvent]:
    events = [ClockEvent(K.CONSULTATION_STARTED, start, key=key, label="征求第三方意见")]
    if end is not None:
        events.append(ClockEvent(K.CONSULTATION_ENDED, end, key=key))
    return events


def test_saturday_before_national_day_2020() -> None:
    # 9/27 (Sun) and 10/10 (Sat) are 调休 working days; 10/1–10/8 are off.
    result = due_date([received(D(2020, 9, 19))], today=D(2020, 9, 21))
    assert result.due_on == D(2020, 10, 22)
    assert result.statutory_on == D(2020, 10, 22)
    assert not result.provisional
    assert result.days_left == 19
    assert [s.text for s in result.explanation] == [
        "收到申请，自次日起计算 20 个工作日",
        "答复期限：2020年10月22日",
    ]


def test_spring_festival_2021() -> None:
    # 2/11–2/17 off; 2/7 (Sun) and 2/20 (Sat) working. Counted by hand from Friday 1/29:
    # 2/1–2/5 (5), 2/7 (6), 2/8–2/10 (9), 2/18–2/20 (12), 2/22–2/26 (17), 3/1–3/3 (20).
    result = due_date([received(D(2021, 1, 29))], today=D(2021, 2, 1))
    assert result.due_on == D(2021, 3, 3)


def test_december_2026_extension_into_2027_is_provisional() -> None:
    events = [
        received(D(2026, 12, 15)),
        ClockEvent(K.EXTENDED, D(2027, 1, 5), days=20, approver="王主任"),
    ]
    result = due_date(events, today=D(2027, 1, 6))
    assert result.due_on is not None
    assert result.due_on.year == 2027
    assert result.statutory_on == D(2027, 1, 13)
    assert result.provisional
    assert result.provisional_years == (2027,)
    assert "延长答复期限 20 个工作日（批准人：王主任）" in [s.text for s in result.explanation]


def test_consultation_pause_is_not_counted() -> None:
    # Without the pause: 4/2/2021. Paused 3/11–3/17 = 5 working days; 4/3–4/5 is 清明.
    events = [received(D(2021, 3, 5)), *consultation(D(2021, 3, 10), D(2021, 3, 17))]
    result = due_date(events, today=D(2021, 3, 18))
    assert result.due_on == D(2021, 4, 12)
    assert "不计入答复期限的工作日合计 5 天（期间重叠的只计一次）" in [
        s.text for s in result.explanation
    ]
    # Counting the sending day as paused too (the other boundary reading) adds the 10th.
    wider = due_date(
        events, today=D(2021, 3, 18), rules=ClockRules(pause_boundary=PauseBoundary.FROM_START)
    )
    assert wider.due_on == D(2021, 4, 13)


def test_open_consultation_freezes_the_days_left() -> None:
    events = [received(D(2021, 3, 5)), *consultation(D(2021, 3, 10), None)]
    result = due_date(events, today=D(2021, 3, 30))
    assert result.due_on is None
    assert result.days_left == 17  # 3/8, 3/9, 3/10 were counted
    assert result.stopped == "征求第三方意见"


def test_clarification_restarts_the_twenty_days() -> None:
    events = [
        received(D(2020, 9, 19)),
        ClockEvent(K.CLARIFICATION_REQUESTED, D(2020, 9, 25)),
    ]
    waiting = due_date(events, today=D(2020, 9, 28))
    assert waiting.due_on is None
    assert waiting.stopped == "等待申请人补正"
    events.append(ClockEvent(K.CLARIFICATION_RECEIVED, D(2020, 10, 12)))
    result = due_date(events, today=D(2020, 10, 12))
    assert result.due_on == DEFAULT_CALENDAR.add_working_days(D(2020, 10, 12), 20).date
    assert result.due_on == D(2020, 11, 9)


def test_clarification_window_is_seven_working_days() -> None:
    # Received Saturday 9/19/2020: 9/21–9/25 (5), 9/27 Sunday 调休 (6), 9/28 (7).
    assert clarification_window_ends(D(2020, 9, 19)) == D(2020, 9, 28)


@pytest.mark.parametrize(
    ("effect", "due"),
    [
        (FeeEffect.NONE, D(2021, 4, 2)),
        # 3/10 notice, paid 3/12: 3/11 and 3/12 not counted.
        (FeeEffect.PAUSE, D(2021, 4, 7)),
        # The 20 days restart from 3/12.
        (FeeEffect.RESTART, D(2021, 4, 12)),
    ],
)
def test_fee_notice_effect_is_configurable(effect: FeeEffect, due: dt.date) -> None:
    events = [
        received(D(2021, 3, 5)),
        ClockEvent(K.FEE_NOTIFIED, D(2021, 3, 10)),
        ClockEvent(K.FEE_PAID, D(2021, 3, 12)),
    ]
    result = due_date(events, today=D(2021, 3, 12), rules=ClockRules(fee_effect=effect))
    assert result.due_on == due


def test_unpaid_fee_notice_stops_the_clock_when_it_pauses() -> None:
    events = [received(D(2021, 3, 5)), ClockEvent(K.FEE_NOTIFIED, D(2021, 3, 10))]
    assert due_date(events, today=D(2021, 4, 30)).due_on is None


def test_later_date_under_article_35() -> None:
    events = [received(D(2021, 3, 5)), ClockEvent(K.LATER_DATE_SET, D(2021, 6, 30))]
    assert due_date(events, today=D(2021, 3, 8)).due_on == D(2021, 6, 30)


def test_counting_the_receipt_day() -> None:
    result = due_date(
        [received(D(2021, 3, 5))], today=D(2021, 3, 5), rules=ClockRules(count_start=True)
    )
    assert result.due_on == D(2021, 4, 1)
    assert result.explanation[0].text == "收到申请，自当日起计算 20 个工作日"


def test_nothing_received_yet_has_no_due_date() -> None:
    result = due_date([], today=D(2021, 3, 5))
    assert result.due_on is None
    assert result.stopped is not None
    assert "待双方确认" in result.stopped


def test_far_future_dates_do_not_crash() -> None:
    result = due_date([received(D(2999, 6, 1))], today=D(2999, 6, 1))
    assert result.provisional
    assert result.due_on is not None
    with pytest.raises(CalendarRangeError):
        due_date([received(D(9999, 12, 20))], today=D(9999, 12, 20))


def test_overdue_has_negative_days_left() -> None:
    result = due_date([received(D(2021, 3, 5))], today=D(2021, 4, 6))
    assert result.due_on == D(2021, 4, 2)
    assert result.days_left == -1
    assert result.overdue


receipts = st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31))
offsets = st.integers(min_value=0, max_value=40)


@st.composite
def pauses(draw: st.DrawFn, start: dt.date) -> list[ClockEvent]:
    events: list[ClockEvent] = []
    for i in range(draw(st.integers(min_value=0, max_value=3))):
        begin = start + dt.timedelta(days=draw(offsets))
        end = begin + dt.timedelta(days=draw(st.integers(min_value=0, max_value=30)))
        events += consultation(begin, end, key=f"p{i}")
    return events


@settings(max_examples=150, deadline=None)
@given(data=st.data(), start=receipts, extension=st.integers(min_value=0, max_value=20))
def test_never_earlier_than_the_statutory_date(
    data: st.DataObject, start: dt.date, extension: int
) -> None:
    events = [received(start), *data.draw(pauses(start))]
    if extension:
        events.append(ClockEvent(K.EXTENDED, start + dt.timedelta(days=3), days=extension))
    result = due_date(events, today=start)
    statutory = DEFAULT_CALENDAR.add_working_days(start, 20).date
    assert result.due_on is not None
    assert result.due_on >= statutory
    assert result.statutory_on == statutory
    # Order of the events does not matter.
    shuffled = list(events)
    random.Random(0).shuffle(shuffled)
    assert due_date(shuffled, today=start).due_on == result.due_on


@settings(max_examples=150, deadline=None)
@given(
    start=receipts,
    begin=st.integers(min_value=0, max_value=20),
    first=st.integers(min_value=0, max_value=15),
    second=st.integers(min_value=0, max_value=15),
)
def test_adjacent_pauses_compose_into_one(
    start: dt.date, begin: int, first: int, second: int
) -> None:
    a = start + dt.timedelta(days=begin)
    b = a + dt.timedelta(days=first)
    c = b + dt.timedelta(days=second)
    one = due_date([received(start), *consultation(a, c)], today=start)
    two = due_date(
        [received(start), *consultation(a, b, key="x"), *consultation(b, c, key="y")],
        today=start,
    )
    assert one.due_on == two.due_on


@settings(max_examples=150, deadline=None)
@given(
    start=receipts,
    begin=st.integers(min_value=0, max_value=10),
    length=st.integers(min_value=0, max_value=20),
)
def test_a_pause_adds_exactly_its_working_days(start: dt.date, begin: int, length: int) -> None:
    a = start + dt.timedelta(days=begin)
    b = a + dt.timedelta(days=length)
    result = due_date([received(start), *consultation(a, b)], today=start)
    base = DEFAULT_CALENDAR.add_working_days(start, 20).date
    if a >= base:  # a pause after the deadline changes nothing
        assert result.due_on == base
        return
    paused = DEFAULT_CALENDAR.working_days_between(a, b)
    assert result.due_on == DEFAULT_CALENDAR.add_working_days(start, 20 + paused).date


@settings(max_examples=150, deadline=None)
@given(data=st.data(), start=receipts, gap=st.integers(min_value=1, max_value=60))
def test_a_restart_forgets_what_came_before(data: st.DataObject, start: dt.date, gap: int) -> None:
    corrected = start + dt.timedelta(days=gap)
    before = [
        received(start),
        *data.draw(pauses(start)),
        ClockEvent(K.EXTENDED, start + dt.timedelta(days=1), days=10),
        ClockEvent(K.CLARIFICATION_REQUESTED, start + dt.timedelta(days=1)),
    ]
    # Restrict the earlier events to before the correction arrives.
    before = [e for e in before if e.on < corrected]
    after = data.draw(pauses(corrected))
    restarted = due_date(
        [*before, ClockEvent(K.CLARIFICATION_RECEIVED, corrected), *after], today=corrected
    )
    fresh = due_date([received(corrected), *after], today=corrected)
    assert restarted.due_on == fresh.due_on
    assert restarted.due_on is not None
    assert restarted.due_on >= (DEFAULT_CALENDAR.add_working_days(corrected, 20).date)
