"""The request's clock: its events in the due-date function's terms, and storing the result."""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.workdays import WorkdayCalendar
from services.requests.applications import repository
from services.requests.applications.models import InfoRequest, RequestEvent
from services.requests.deadlines import ClockEvent, ClockEventKind, ClockRules, DueDate, due_date
from services.requests.workflow import OPEN_STATES, Action

CHINA = ZoneInfo("Asia/Shanghai")

SIMPLE = {
    Action.REQUEST_CLARIFICATION: ClockEventKind.CLARIFICATION_REQUESTED,
    Action.RECEIVE_CLARIFICATION: ClockEventKind.CLARIFICATION_RECEIVED,
    Action.NOTIFY_FEE: ClockEventKind.FEE_NOTIFIED,
    Action.RECORD_PAYMENT: ClockEventKind.FEE_PAID,
}


def china_today() -> dt.date:
    """Dates of legal effect are calendar dates in China time."""
    return dt.datetime.now(CHINA).date()


def clock_events(request: InfoRequest, events: Sequence[RequestEvent]) -> list[ClockEvent]:
    result: list[ClockEvent] = []
    if request.received_on is not None:
        result.append(ClockEvent(ClockEventKind.RECEIVED, request.received_on))
    for event in events:
        on = event.effective_on
        if on is None:
            continue
        action = Action(event.action)
        data = event.data
        if action in SIMPLE:
            result.append(ClockEvent(SIMPLE[action], on))
        elif action is Action.START_CONSULTATION:
            label = "征求第三方意见" if data.get("kind") == "third_party" else "征求有关机关意见"
            key = str(data.get("consultation_id"))
            result.append(ClockEvent(ClockEventKind.CONSULTATION_STARTED, on, key=key, label=label))
        elif action is Action.END_CONSULTATION:
            key = str(data.get("consultation_id"))
            result.append(ClockEvent(ClockEventKind.CONSULTATION_ENDED, on, key=key))
        elif action is Action.EXTEND:
            days = int(str(data.get("days", 0)))
            approver = str(data.get("approver") or "") or None
            result.append(ClockEvent(ClockEventKind.EXTENDED, on, days=days, approver=approver))
        elif action is Action.SET_LATER_DATE:
            later = dt.date.fromisoformat(str(data["due_on"]))
            result.append(ClockEvent(ClockEventKind.LATER_DATE_SET, later))
    return result


def compute(
    request: InfoRequest,
    events: Sequence[RequestEvent],
    *,
    calendar: WorkdayCalendar,
    rules: ClockRules,
    today: dt.date | None = None,
) -> DueDate:
    """The clock of ``request``; a finished request is measured on the day it was closed."""
    today = today or china_today()
    if request.closed_on is not None:
        today = request.closed_on
    return due_date(clock_events(request, events), today=today, calendar=calendar, rules=rules)


def store(request: InfoRequest, result: DueDate) -> None:
    request.due_on = result.due_on
    request.due_provisional = result.provisional
    request.clock_stopped = result.stopped


async def recompute_open(
    session: AsyncSession, *, calendar: WorkdayCalendar, rules: ClockRules
) -> int:
    """Recompute every open request's due date (after a holiday notice arrives)."""
    requests = await repository.open_requests(session, [s.value for s in OPEN_STATES])
    for request in requests:
        events = await repository.events(session, request.id)
        store(request, compute(request, events, calendar=calendar, rules=rules))
        session.add(request)
    await session.flush()
    return len(requests)
