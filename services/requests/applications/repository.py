"""SQL of information requests, their events, attachments, audit entries and throttles."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.pagination import after_key
from services.requests.applications.models import (
    Attachment,
    AuditEntry,
    IdempotencyRecord,
    InfoRequest,
    RequestEvent,
    TrackFailure,
)


async def get(session: AsyncSession, request_id: uuid.UUID) -> InfoRequest | None:
    return await session.get(InfoRequest, request_id)


async def get_for_update(session: AsyncSession, request_id: uuid.UUID) -> InfoRequest | None:
    rows = await session.exec(
        select(InfoRequest).where(InfoRequest.id == request_id).with_for_update()
    )
    return rows.first()


async def by_tracking_number(session: AsyncSession, number: str) -> InfoRequest | None:
    rows = await session.exec(select(InfoRequest).where(InfoRequest.tracking_number == number))
    return rows.first()


async def events(session: AsyncSession, request_id: uuid.UUID) -> list[RequestEvent]:
    rows = await session.exec(
        select(RequestEvent)
        .where(RequestEvent.request_id == request_id)
        .order_by(col(RequestEvent.sequence))
    )
    return list(rows)


async def attachments(session: AsyncSession, request_id: uuid.UUID) -> list[Attachment]:
    rows = await session.exec(
        select(Attachment)
        .where(Attachment.request_id == request_id)
        .order_by(col(Attachment.created_at), col(Attachment.id))
    )
    return list(rows)


async def attachment(
    session: AsyncSession, request_id: uuid.UUID, attachment_id: uuid.UUID
) -> Attachment | None:
    found = await session.get(Attachment, attachment_id)
    return found if found is not None and found.request_id == request_id else None


async def queue(
    session: AsyncSession,
    *,
    agency_ids: Sequence[uuid.UUID] | None,
    states: Sequence[str],
    assignee: str | None,
    due_from: dt.date | None,
    due_until: dt.date | None,
    after: Sequence[object] | None,
    limit: int,
) -> list[InfoRequest]:
    """Requests ordered by due date (none last), then id."""
    conditions: list[ColumnElement[bool]] = []
    if agency_ids is not None:
        conditions.append(col(InfoRequest.agency_id).in_(list(agency_ids)))
    if states:
        conditions.append(col(InfoRequest.state).in_(list(states)))
    if assignee is not None:
        conditions.append(col(InfoRequest.assignee) == assignee)
    if due_from is not None:
        conditions.append(col(InfoRequest.due_on) >= due_from)
    if due_until is not None:
        conditions.append(col(InfoRequest.due_on) <= due_until)
    # A far-future stand-in keeps requests without a due date last and the cursor total.
    due_key = func.coalesce(col(InfoRequest.due_on), dt.date(9999, 12, 31))
    if after is not None:
        conditions.append(
            after_key([due_key, col(InfoRequest.id)], list(after), descending=False)  # type: ignore[list-item]
        )
    query = (
        select(InfoRequest).where(*conditions).order_by(due_key, col(InfoRequest.id)).limit(limit)
    )
    return list(await session.exec(query))


async def open_requests(session: AsyncSession, states: Sequence[str]) -> list[InfoRequest]:
    rows = await session.exec(select(InfoRequest).where(col(InfoRequest.state).in_(list(states))))
    return list(rows)


async def count_failures(
    session: AsyncSession, keys: Sequence[str], since: dt.datetime
) -> dict[str, int]:
    """Wrong attempts since ``since`` per key, in one query (keys without any are left out)."""
    rows = await session.exec(
        select(TrackFailure.key, func.count())
        .where(col(TrackFailure.key).in_(keys), col(TrackFailure.at) >= since)
        .group_by(col(TrackFailure.key))
    )
    return {key: int(count) for key, count in rows}


async def oldest_failure(session: AsyncSession, key: str, since: dt.datetime) -> dt.datetime | None:
    rows = await session.exec(
        select(func.min(TrackFailure.at)).where(
            TrackFailure.key == key, col(TrackFailure.at) >= since
        )
    )
    value = rows.one()
    return value if isinstance(value, dt.datetime) else None


async def delete_failures_before(session: AsyncSession, before: dt.datetime) -> None:
    await session.exec(delete(TrackFailure).where(col(TrackFailure.at) < before))


async def idempotency(session: AsyncSession, key: str) -> IdempotencyRecord | None:
    return await session.get(IdempotencyRecord, key)


async def audit_page(
    session: AsyncSession,
    *,
    agency_ids: Sequence[uuid.UUID] | None,
    request_id: uuid.UUID | None,
    limit: int,
) -> list[AuditEntry]:
    conditions: list[ColumnElement[bool]] = []
    if agency_ids is not None:
        conditions.append(col(AuditEntry.agency_id).in_(list(agency_ids)))
    if request_id is not None:
        conditions.append(col(AuditEntry.request_id) == request_id)
    rows = await session.exec(
        select(AuditEntry).where(*conditions).order_by(col(AuditEntry.at).desc()).limit(limit)
    )
    return list(rows)


async def same_applicant_in_month(
    session: AsyncSession, request: InfoRequest, month_of: dt.date
) -> list[InfoRequest]:
    """The applicant's requests to the same agency received in the month of ``month_of``."""
    if request.id_number_hmac is not None:
        same = col(InfoRequest.id_number_hmac) == request.id_number_hmac
    elif request.credit_code is not None:
        same = col(InfoRequest.credit_code) == request.credit_code
    else:
        return [request]
    first = month_of.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    rows = await session.exec(
        select(InfoRequest).where(
            same,
            col(InfoRequest.agency_id) == request.agency_id,
            col(InfoRequest.received_on) >= first,
            col(InfoRequest.received_on) < after,
        )
    )
    return list(rows)
