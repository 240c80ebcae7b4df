"""Which 主动公开 documents are due, overdue, or were published on time or late, per agency.

The due date is set when the document is registered: the N-th working day after its
成文日期 (day 0), N being the agency's setting then (its division's, else 20). It is counted
with the calendar of ``services/documents/workdays.py``: a date running through a year with no
State Council notice loaded is provisional, and is recomputed when the notice is loaded
(:func:`recompute_due_dates`, run by the scheduler).
"""

import datetime as dt
import uuid

from sqlalchemy import ColumnElement, and_, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor
from services.common.workdays import DEFAULT_CALENDAR, CalendarRangeError, WorkdayCalendar
from services.documents import visibility
from services.documents.clock import today
from services.documents.ledger.schemas import (
    STATE_LABELS,
    AgencyTally,
    DeadlineState,
    LedgerEntry,
    LedgerSummary,
)
from services.documents.outbox import repository as outbox
from services.documents.records.models import Disclosure, Document, PublicationStatus


def state_filter(state: DeadlineState, day: dt.date) -> ColumnElement[bool]:
    published = col(Document.status) == PublicationStatus.PUBLISHED
    draft = col(Document.status) == PublicationStatus.DRAFT
    return {
        DeadlineState.DUE: and_(draft, col(Document.publish_due_on) >= day),
        DeadlineState.OVERDUE: and_(draft, col(Document.publish_due_on) < day),
        DeadlineState.ON_TIME: and_(
            published, col(Document.published_on) <= col(Document.publish_due_on)
        ),
        DeadlineState.LATE: and_(
            published, col(Document.published_on) > col(Document.publish_due_on)
        ),
    }[state]


def state_of(document: Document, day: dt.date) -> DeadlineState:
    if document.published_on is not None:
        late = document.published_on > document.publish_due_on
        return DeadlineState.LATE if late else DeadlineState.ON_TIME
    return DeadlineState.OVERDUE if day > document.publish_due_on else DeadlineState.DUE


def entry(
    document: Document, day: dt.date, calendar: WorkdayCalendar = DEFAULT_CALENDAR
) -> LedgerEntry:
    state = state_of(document, day)
    end = document.published_on or day
    provisional = calendar.provisional_years(document.written_on, document.publish_due_on)
    late = (
        calendar.working_days_between(document.publish_due_on, end)
        if state in {DeadlineState.LATE, DeadlineState.OVERDUE}
        else 0
    )
    return LedgerEntry(
        document_id=document.id,
        index_number=document.index_number,
        title=document.title,
        agency_id=document.agency_id,
        agency_name=document.agency_name,
        written_on=document.written_on,
        deadline_days=document.deadline_days,
        due_on=document.publish_due_on,
        due_on_provisional=bool(provisional),
        provisional_years=list(provisional),
        published_on=document.published_on,
        state=state,
        state_label=STATE_LABELS[state],
        working_days_late=late,
    )


def _conditions(
    caller: Principal, agency_id: uuid.UUID | None, written_from: dt.date | None,
    written_to: dt.date | None,
) -> list[ColumnElement[bool]]:  # fmt: skip
    conditions = [
        visibility.visible_documents(caller),
        col(Document.disclosure) == Disclosure.PUBLIC,
    ]
    if agency_id is not None:
        conditions.append(col(Document.agency_id) == agency_id)
    if written_from is not None:
        conditions.append(col(Document.written_on) >= written_from)
    if written_to is not None:
        conditions.append(col(Document.written_on) <= written_to)
    return conditions


async def page(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID | None,
    state: DeadlineState | None,
    written_from: dt.date | None,
    written_to: dt.date | None,
    params: PageParams,
    calendar: WorkdayCalendar = DEFAULT_CALENDAR,
) -> tuple[list[LedgerEntry], str | None]:
    day = today()
    conditions = _conditions(caller, agency_id, written_from, written_to)
    if state is not None:
        conditions.append(state_filter(state, day))
    keys = [col(Document.publish_due_on), col(Document.id)]
    if params.cursor:
        conditions.append(after_key(keys, decode_cursor(params.cursor, keys), descending=False))  # type: ignore[arg-type]
    query = select(Document).where(*conditions).order_by(*keys).limit(params.limit + 1)
    rows = list(await session.exec(query))
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    cursor = encode_cursor([rows[-1].publish_due_on, rows[-1].id]) if more else None
    return [entry(r, day, calendar) for r in rows], cursor


async def summary(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID | None,
    written_from: dt.date | None,
    written_to: dt.date | None,
) -> LedgerSummary:
    day = today()
    tallies: dict[uuid.UUID, AgencyTally] = {}
    for state in DeadlineState:
        query = (
            select(Document.agency_id, Document.agency_name, func.count())
            .where(*_conditions(caller, agency_id, written_from, written_to))
            .where(state_filter(state, day))
            .group_by(col(Document.agency_id), col(Document.agency_name))
        )
        for found_id, name, count in await session.exec(query):
            tally = tallies.setdefault(
                found_id,
                AgencyTally(
                    agency_id=found_id, agency_name=name, due=0, overdue=0, on_time=0, late=0
                ),
            )
            setattr(tally, state.value, int(count))
    ordered = sorted(tallies.values(), key=lambda t: t.agency_name)
    return LedgerSummary(as_of=day, agencies=ordered)


async def recompute_due_dates(
    session: AsyncSession, *, calendar: WorkdayCalendar, years: set[int]
) -> int:
    """Count the due dates again after the notices of ``years`` were loaded or corrected.

    Only a due date on or after 1 January of the earliest such year can depend on them. Rows
    are locked (PostgreSQL) so an edit of 成文日期 at the same time waits; a date that comes out
    the same is not written, so running this twice, or in two processes, changes nothing more.
    """
    if not years:
        return 0
    since = dt.date(min(years), 1, 1)
    rows = await session.exec(
        select(Document).where(col(Document.publish_due_on) >= since).with_for_update()
    )
    changed = 0
    for document in rows.all():
        try:
            due = calendar.add_working_days(document.written_on, document.deadline_days).date
        except CalendarRangeError:
            continue
        if due == document.publish_due_on:
            continue
        previous = document.publish_due_on
        document.publish_due_on = due
        document.version += 1
        document.updated_at = utcnow()
        session.add(document)
        await session.flush()
        await outbox.append(
            session, entity="document", entity_id=document.id, kind="deadline_recomputed",
            payload={"from": previous.isoformat(), "to": due.isoformat()},
        )  # fmt: skip
        changed += 1
    return changed
