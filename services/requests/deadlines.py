"""The reply deadline of an information request, derived from its clock events (条例 Arts. 30–33).

One pure function, :func:`due_date`, turns the events that move the clock into the due date,
the working days left, whether the date is provisional, and an explanation a person can check
line by line. The stored due date of a request is always this function's output, never edited.

The rules (domain.md §1.3):
- 20 working days from receipt (Art. 33); day 0 is the receipt day unless configured otherwise.
- 补正 (Art. 30): a notice within 7 working days of receipt stops the clock; the 20 days start
  again from the day the corrected request arrives. Everything before a restart is discarded.
- Consultation of a third party (Art. 32) or co-producing agencies (Art. 34): the time is not
  counted. The working days from the day after the letter to the day the answer (or the end of
  the 15 working days) arrives are added; whether the sending day counts is configurable.
- Extension (Art. 33): once, at most 20 working days, with the approver recorded.
- Fee notice (国办函〔2020〕109号): by configuration no effect, a pause until payment, or a
  restart of the 20 days from payment.
- Art. 35: an agency that cannot meet the limit may set a reasonable later date.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from services.common.workdays import DEFAULT_CALENDAR, CalendarRangeError, WorkdayCalendar

REPLY_DAYS = 20
MAX_EXTENSION_DAYS = 20
CLARIFICATION_NOTICE_DAYS = 7
CONSULTATION_DAYS = 15
DEFAULT_FEE_PAYMENT_DAYS = 20
# A pause longer than this many calendar days means the events are wrong; stop scanning.
MAX_SCAN_DAYS = 20 * 366


class ClockEventKind(StrEnum):
    """Events that move the reply clock."""

    RECEIVED = "received"
    CLARIFICATION_REQUESTED = "clarification_requested"
    CLARIFICATION_RECEIVED = "clarification_received"
    CONSULTATION_STARTED = "consultation_started"
    CONSULTATION_ENDED = "consultation_ended"
    EXTENDED = "extended"
    FEE_NOTIFIED = "fee_notified"
    FEE_PAID = "fee_paid"
    LATER_DATE_SET = "later_date_set"


# Events of one day apply in this order (a consultation sent on the day of receipt still pauses).
EVENT_ORDER = (
    ClockEventKind.RECEIVED,
    ClockEventKind.CLARIFICATION_REQUESTED,
    ClockEventKind.CLARIFICATION_RECEIVED,
    ClockEventKind.FEE_NOTIFIED,
    ClockEventKind.FEE_PAID,
    ClockEventKind.CONSULTATION_STARTED,
    ClockEventKind.CONSULTATION_ENDED,
    ClockEventKind.EXTENDED,
    ClockEventKind.LATER_DATE_SET,
)


class FeeEffect(StrEnum):
    """What a fee notice does to the reply clock (domain.md §1.3: unverified, configurable)."""

    NONE = "none"
    PAUSE = "pause"
    RESTART = "restart"


class PauseBoundary(StrEnum):
    """Whether the day a consultation letter is sent is itself excluded from the reply limit."""

    AFTER_START = "after_start"
    FROM_START = "from_start"


@dataclass(frozen=True)
class ClockRules:
    """The configurable readings of the law."""

    reply_days: int = REPLY_DAYS
    count_start: bool = False
    fee_effect: FeeEffect = FeeEffect.PAUSE
    pause_boundary: PauseBoundary = PauseBoundary.AFTER_START


@dataclass(frozen=True)
class ClockEvent:
    """One event on the clock. ``key`` pairs a consultation's start and end."""

    kind: ClockEventKind
    on: dt.date
    days: int | None = None
    key: str | None = None
    approver: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Step:
    """One line of the explanation: a date and what happened to the clock."""

    on: dt.date
    text: str


@dataclass(frozen=True)
class DueDate:
    """The derived deadline. ``due_on`` is None while the clock is stopped (补正, open pause)."""

    due_on: dt.date | None
    statutory_on: dt.date | None
    days_left: int | None
    provisional: bool
    provisional_years: tuple[int, ...]
    stopped: str | None
    explanation: list[Step] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


@dataclass
class _Pause:
    start: dt.date
    end: dt.date | None
    label: str


def _fmt(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class _Clock:
    """The clock's state while the events are replayed in order."""

    rules: ClockRules
    steps: list[Step] = field(default_factory=list)
    start: dt.date | None = None
    limit: int = REPLY_DAYS
    pauses: dict[str, _Pause] = field(default_factory=dict)
    later: dt.date | None = None
    stopped: str | None = "尚未收到申请（网上、传真申请待双方确认）"

    def note(self, on: dt.date, text: str) -> None:
        self.steps.append(Step(on, text))

    def restart(self, on: dt.date, text: str) -> None:
        self.start, self.limit, self.pauses = on, self.rules.reply_days, {}
        self.later, self.stopped = None, None
        self.note(on, text)

    def apply(self, event: ClockEvent) -> None:
        kind, on, days = event.kind, event.on, self.rules.reply_days
        fee_effect = self.rules.fee_effect
        if kind is ClockEventKind.RECEIVED:
            first = "当日" if self.rules.count_start else "次日"
            self.restart(on, f"收到申请，自{first}起计算 {days} 个工作日")
        elif self.start is None:
            return
        elif kind is ClockEventKind.CLARIFICATION_REQUESTED:
            self.stopped = "等待申请人补正"
            self.note(on, "发出补正通知，答复期限停止计算，待收到补正后重新计算")
        elif kind is ClockEventKind.CLARIFICATION_RECEIVED:
            self.restart(on, f"收到补正后的申请，重新计算 {days} 个工作日")
        elif kind is ClockEventKind.CONSULTATION_STARTED:
            label = event.label or "征求意见"
            self.pauses[event.key or f"consultation-{len(self.pauses)}"] = _Pause(on, None, label)
            self.note(on, f"{label}，所需时间不计入答复期限")
        elif kind is ClockEventKind.CONSULTATION_ENDED:
            self.end_pause(event.key or "", on, "结束，答复期限继续计算")
        elif kind is ClockEventKind.EXTENDED:
            extra = min(max(event.days or 0, 0), MAX_EXTENSION_DAYS)
            self.limit += extra
            by = f"（批准人：{event.approver}）" if event.approver else ""
            self.note(on, f"延长答复期限 {extra} 个工作日{by}")
        elif kind is ClockEventKind.FEE_NOTIFIED:
            self.fee_notified(on, fee_effect)
        elif kind is ClockEventKind.FEE_PAID and fee_effect is FeeEffect.RESTART:
            self.restart(on, f"申请人缴费，重新计算 {days} 个工作日")
        elif kind is ClockEventKind.FEE_PAID:
            self.end_pause("fee", on, "：申请人已缴费，答复期限继续计算")
        elif kind is ClockEventKind.LATER_DATE_SET:
            self.later = on if self.later is None else max(self.later, on)
            self.note(on, "依第三十五条确定延后的答复期限")

    def end_pause(self, key: str, on: dt.date, text: str) -> None:
        pause = self.pauses.get(key)
        if pause is not None and pause.end is None:
            pause.end = max(on, pause.start)
            self.note(on, pause.label + text)

    def fee_notified(self, on: dt.date, effect: FeeEffect) -> None:
        if effect is FeeEffect.PAUSE:
            self.pauses["fee"] = _Pause(on, None, "等待缴费")
            self.note(on, "发出收费通知，缴费期间不计入答复期限")
        elif effect is FeeEffect.RESTART:
            self.stopped = "等待申请人缴费"
            self.note(on, "发出收费通知，答复期限停止计算，缴费后重新计算")
        else:
            self.note(on, "发出收费通知（按本机关规定，不影响答复期限）")


def due_date(
    events: Iterable[ClockEvent],
    *,
    today: dt.date,
    calendar: WorkdayCalendar = DEFAULT_CALENDAR,
    rules: ClockRules = ClockRules(),
) -> DueDate:
    """The due date of a request whose clock events are ``events`` (in any order)."""
    clock = _Clock(rules)
    for event in sorted(events, key=lambda e: (e.on, EVENT_ORDER.index(e.kind))):
        clock.apply(event)
    if clock.start is None:
        return DueDate(None, None, None, False, (), clock.stopped, clock.steps)
    try:
        statutory = calendar.add_working_days(
            clock.start, rules.reply_days, count_start=rules.count_start
        ).date
        if clock.stopped is not None:
            return DueDate(None, statutory, None, False, (), clock.stopped, clock.steps)
        return _count(clock, today, calendar, statutory)
    except OverflowError:
        raise CalendarRangeError() from None


def _paused(day: dt.date, pauses: Sequence[_Pause], rules: ClockRules) -> bool:
    for pause in pauses:
        first = pause.start if rules.pause_boundary is PauseBoundary.FROM_START else None
        after_start = day > pause.start or (first is not None and day == first)
        if after_start and (pause.end is None or day <= pause.end):
            return True
    return False


def _count(
    clock: _Clock, today: dt.date, calendar: WorkdayCalendar, statutory_on: dt.date
) -> DueDate:
    """Walk the working days after the start, skipping paused ones, until the limit is reached."""
    assert clock.start is not None
    start, limit, later, rules, steps = (
        clock.start,
        clock.limit,
        clock.later,
        clock.rules,
        clock.steps,
    )
    pauses = list(clock.pauses.values())
    counted, skipped, day, years = 0, 0, start, {start.year}
    if rules.count_start and calendar.is_working_day(start):
        if _paused(start, pauses, rules):
            skipped += 1
        else:
            counted = 1
    open_pauses = [p for p in pauses if p.end is None]
    open_pause = min(open_pauses, key=lambda p: p.start) if open_pauses else None
    for _ in range(MAX_SCAN_DAYS):
        if counted >= limit:
            break
        if open_pause is not None and day >= open_pause.start:
            # The clock stands still until the pause ends; report the days that remain.
            left = limit - counted
            steps.append(Step(today, f"{open_pause.label}尚未结束，剩余 {left} 个工作日暂停计算"))
            provisional_years = _provisional(calendar, years)
            return DueDate(
                None,
                statutory_on,
                left,
                bool(provisional_years),
                provisional_years,
                open_pause.label,
                steps,
            )
        day += dt.timedelta(days=1)
        years.add(day.year)
        if calendar.is_working_day(day):
            if _paused(day, pauses, rules):
                skipped += 1
            else:
                counted += 1
    if skipped:
        steps.append(Step(day, f"不计入答复期限的工作日合计 {skipped} 天（期间重叠的只计一次）"))
    due = day
    if later is not None and later > due:
        due = later
        years.add(later.year)
    steps.append(Step(due, f"答复期限：{_fmt(due)}"))
    provisional_years = _provisional(calendar, years)
    return DueDate(
        due,
        statutory_on,
        calendar.working_days_between(today, due),
        bool(provisional_years),
        provisional_years,
        None,
        steps,
    )


def _provisional(calendar: WorkdayCalendar, years: set[int]) -> tuple[int, ...]:
    return tuple(sorted(y for y in years if calendar.is_provisional(y)))


def clarification_window_ends(
    received_on: dt.date, calendar: WorkdayCalendar = DEFAULT_CALENDAR
) -> dt.date:
    """The last day a 补正 notice may be sent: the 7th working day after receipt (Art. 30)."""
    return calendar.add_working_days(received_on, CLARIFICATION_NOTICE_DAYS).date


def consultation_window_ends(
    sent_on: dt.date, calendar: WorkdayCalendar = DEFAULT_CALENDAR
) -> dt.date:
    """The last day the consulted side may answer: 15 working days (Arts. 32, 34)."""
    return calendar.add_working_days(sent_on, CONSULTATION_DAYS).date
