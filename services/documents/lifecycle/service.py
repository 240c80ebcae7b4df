"""Lifecycle of a document: publish, amend, repeal, expiry, as validity intervals and events.

Validity is kept as dated intervals [starts_on, ends_on) with their cause, so "what was in
force on 2023-06-01" is a query, not a guess. The intervals a publication implies (尚未生效
until 施行日期, 现行有效, 已失效 after 有效期至) are written at once; amendments split an
interval, a repeal cuts the rest off.
"""

import datetime as dt
import uuid
from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor
from services.documents import visibility
from services.documents.clock import today
from services.documents.interpretations import repository as interpretations
from services.documents.interpretations import service as interpretation_service
from services.documents.interpretations.models import Interpretation
from services.documents.lifecycle import repository
from services.documents.lifecycle.models import (
    EVENT_LABELS,
    FINAL_STATES,
    IN_FORCE_STATES,
    VALIDITY_LABELS,
    DocumentEvent,
    EventKind,
    Validity,
    ValidityInterval,
)
from services.documents.lifecycle.schemas import AmendBody, EventRead, PublishBody, RepealBody
from services.documents.locks import job_lock
from services.documents.outbox import repository as outbox
from services.documents.records import service as records
from services.documents.records.models import Document, PublicationStatus


def _interval(
    document: Document, status: Validity, starts_on: dt.date, ends_on: dt.date | None, cause: str
) -> ValidityInterval:
    return ValidityInterval(
        document_id=document.id, status=status, starts_on=starts_on, ends_on=ends_on, cause=cause
    )


def publication_intervals(document: Document, published_on: dt.date) -> list[ValidityInterval]:
    """尚未生效 until 施行日期 (if later), 现行有效, then 已失效 the day after 有效期至."""
    effective = document.effective_on or published_on
    found = []
    if effective > published_on:
        found.append(
            _interval(
                document, Validity.NOT_YET_EFFECTIVE, published_on, effective,
                f"已发布，自 {effective.isoformat()} 起施行",
            )
        )  # fmt: skip
    end = document.expires_on + dt.timedelta(days=1) if document.expires_on else None
    found.append(_interval(document, Validity.IN_FORCE, effective, end, "自施行之日起有效"))
    if end is not None and document.expires_on is not None:
        found.append(
            _interval(
                document, Validity.EXPIRED, end, None,
                f"有效期至 {document.expires_on.isoformat()} 届满",
            )
        )  # fmt: skip
    return found


def _event(
    document: Document,
    kind: EventKind,
    occurred_on: dt.date,
    caller: Principal,
    **fields: Any,
) -> DocumentEvent:
    return DocumentEvent(
        document_id=document.id, kind=kind, occurred_on=occurred_on, actor=caller.subject, **fields
    )


async def _touch(session: AsyncSession, document: Document, kind: str, **payload: Any) -> None:
    document.version += 1
    document.updated_at = utcnow()
    session.add(document)
    await session.flush()
    await outbox.append(
        session, entity="document", entity_id=document.id, kind=kind, payload=payload
    )


async def publish(
    session: AsyncSession,
    *,
    caller: Principal,
    document_id: uuid.UUID,
    data: PublishBody,
    if_match: str | None = None,
) -> Document:
    """发布: needs a disclosure attribute, and for a policy document its interpretation (三同步)."""
    document = await records.get_editable(session, caller, document_id, if_match=if_match)
    if document.status == PublicationStatus.PUBLISHED:
        raise Conflict("该文件已发布，不能重复发布。", code="already-published")
    if document.disclosure is None:
        raise Unprocessable(
            "文件尚未确定公开属性（主动公开、依申请公开或不予公开），不能发布；请先设置公开属性。",
            code="disclosure-missing",
        )
    day = data.published_on or today()
    if day > today():
        raise Unprocessable("发布日期不能晚于今天。", code="date-in-future")
    if day < document.written_on:
        raise Unprocessable(
            f"发布日期不能早于成文日期（{document.written_on.isoformat()}）。",
            code="published-before-written",
        )
    linked = [
        i
        for i in await interpretations.linked_to(session, document.id)
        if i.status != PublicationStatus.WITHDRAWN
    ]
    if document.is_policy and not document.interpretation_exemption and not linked:
        raise Unprocessable(
            "该文件为政策性文件，按“三同步”要求须与政策解读同步发布：请先登记并关联解读材料，"
            "或在 interpretation_exemption 中说明无需解读的理由。",
            code="interpretation-required",
        )
    document.status = PublicationStatus.PUBLISHED
    document.published_on = day
    document.published_at = utcnow()
    for interval in publication_intervals(document, day):
        session.add(interval)
    session.add(_event(document, EventKind.PUBLISHED, day, caller))
    await records.add_version(
        session, document, actor=caller.subject, reason="发布", changes=records.snapshot(document)
    )
    await _publish_with(session, linked, day, caller.subject)
    await _touch(session, document, "published")
    return document


async def _publish_with(
    session: AsyncSession, linked: list[Interpretation], day: dt.date, actor: str | None
) -> None:
    """三同步: draft interpretations of the document are published together with it."""
    for interpretation in linked:
        if interpretation.status == PublicationStatus.DRAFT:
            await interpretation_service.mark_published(
                session, interpretation, day=day, actor=actor
            )


def _containing(rows: list[ValidityInterval], day: dt.date) -> ValidityInterval | None:
    for row in rows:
        if row.starts_on <= day and (row.ends_on is None or day < row.ends_on):
            return row
    return None


async def _published_target(
    session: AsyncSession, caller: Principal, document_id: uuid.UUID, if_match: str | None
) -> Document:
    document = await records.get_editable(session, caller, document_id, if_match=if_match)
    if document.status != PublicationStatus.PUBLISHED:
        raise Conflict(
            "文件尚未发布，不能修改或废止；未发布的文件可直接编辑。", code="not-published"
        )
    return document


async def _acting_document(
    session: AsyncSession,
    caller: Principal,
    document_id: uuid.UUID,
    target: Document,
    field: str,
    takes_effect_on: dt.date,
) -> Document:
    """The later document that amends or repeals ``target`` from ``takes_effect_on``."""
    if document_id == target.id:
        raise Unprocessable(f"{field}：文件不能修改或废止自身。")
    try:
        acting = await records.get_visible(session, caller, document_id)
    except NotFound:
        raise Unprocessable(f"{field}：未找到编号为 {document_id} 的文件。") from None
    if acting.status != PublicationStatus.PUBLISHED:
        raise Unprocessable(f"{field}：作出修改或废止的文件须已发布。")
    if acting.written_on < target.written_on:
        raise Unprocessable(
            f"{field}：作出修改或废止的文件（成文于 {acting.written_on.isoformat()}）"
            f"不能早于被修改或废止的文件（成文于 {target.written_on.isoformat()}）。",
            code="acting-document-earlier",
        )
    if takes_effect_on < acting.written_on:
        raise Unprocessable(
            f"修改或废止的生效日期不能早于作出修改或废止的文件的成文日期"
            f"（{acting.written_on.isoformat()}）。",
            code="takes-effect-before-act",
        )
    return acting


async def amend(
    session: AsyncSession,
    *,
    caller: Principal,
    document_id: uuid.UUID,
    data: AmendBody,
    if_match: str | None = None,
) -> Document:
    """A later document amends this one from ``amended_on``: 已修改 (or 部分失效) from then."""
    document = await _published_target(session, caller, document_id, if_match)
    amending = await _acting_document(
        session, caller, data.amending_document_id, document, "amending_document_id",
        data.amended_on,
    )  # fmt: skip
    rows = await repository.intervals(session, document.id)
    current = _containing(rows, data.amended_on)
    if current is None or Validity(current.status) not in IN_FORCE_STATES:
        state = VALIDITY_LABELS[Validity(current.status)] if current else "尚未施行"
        raise Conflict(
            f"该文件在 {data.amended_on.isoformat()} 处于“{state}”状态，不能修改。",
            code="not-in-force",
        )
    status = Validity.PARTIALLY_INVALID if data.partial_invalidity else Validity.AMENDED
    previous_status = str(current.status)
    kind = EventKind.PARTIALLY_INVALIDATED if data.partial_invalidity else EventKind.AMENDED
    cause = f"被《{amending.title}》修改" + (
        f"（{amending.doc_number}）" if amending.doc_number else ""
    )
    if current.starts_on == data.amended_on:
        current.status, current.cause = status, cause
        session.add(current)
    else:
        session.add(_interval(document, status, data.amended_on, current.ends_on, cause))
        current.ends_on = data.amended_on
        session.add(current)
    session.add(
        _event(
            document, kind, data.amended_on, caller,
            reason=data.reason, related_document_id=amending.id,
        )
    )  # fmt: skip
    await records.add_version(
        session, document, actor=caller.subject, reason=data.reason or cause,
        changes={
            "validity": {"old": previous_status, "new": status.value},
            "amended_by": {"old": None, "new": str(amending.id)},
        },
    )  # fmt: skip
    await _touch(session, document, kind.value, by=str(amending.id))
    await outbox.append(
        session, entity="document", entity_id=amending.id, kind="amends",
        payload={"target": str(document.id)},
    )  # fmt: skip
    return document


async def repeal(
    session: AsyncSession,
    *,
    caller: Principal,
    document_id: uuid.UUID,
    data: RepealBody,
    if_match: str | None = None,
) -> Document:
    """废止 from ``repealed_on`` by a document or a decision, with the reason; final."""
    document = await _published_target(session, caller, document_id, if_match)
    repealing = (
        await _acting_document(
            session,
            caller,
            data.repealing_document_id,
            document,
            "repealing_document_id",
            data.repealed_on,
        )
        if data.repealing_document_id
        else None
    )
    rows = await repository.intervals(session, document.id)
    if not rows or data.repealed_on < rows[0].starts_on:
        raise Unprocessable(
            f"废止日期不能早于文件发布（{rows[0].starts_on.isoformat() if rows else '未发布'}）。",
            code="repealed-before-published",
        )
    current = _containing(rows, data.repealed_on)
    if current is not None and Validity(current.status) in FINAL_STATES:
        state = VALIDITY_LABELS[Validity(current.status)]
        raise Conflict(
            f"该文件自 {current.starts_on.isoformat()} 起已{state}，不能再废止。",
            code="already-final",
        )
    await repository.delete_from(session, document.id, data.repealed_on)
    if current is not None and current.starts_on < data.repealed_on:
        current.ends_on = data.repealed_on
        session.add(current)
    act = f"《{repealing.title}》" if repealing is not None else f"{data.decision}"
    session.add(
        _interval(
            document, Validity.REPEALED, data.repealed_on, None, f"由{act}废止：{data.reason}"
        )
    )
    session.add(
        _event(
            document, EventKind.REPEALED, data.repealed_on, caller, reason=data.reason,
            related_document_id=repealing.id if repealing else None, decision=data.decision,
        )
    )  # fmt: skip
    await records.add_version(
        session, document, actor=caller.subject, reason=data.reason,
        changes={
            "validity": {
                "old": current.status if current is not None else None,
                "new": Validity.REPEALED.value,
            },
            "repealed_by": {"old": None, "new": str(repealing.id) if repealing else data.decision},
        },
    )  # fmt: skip
    await _touch(session, document, "repealed")
    if repealing is not None:
        await outbox.append(
            session, entity="document", entity_id=repealing.id, kind="repeals",
            payload={"target": str(document.id)},
        )  # fmt: skip
    return document


async def record_expiries(session: AsyncSession, *, day: dt.date | None = None) -> int:
    """Write the 已失效 event of every document whose 有效期至 has passed (the intervals
    already say so; the event puts it on the change feed, the outbox entry updates the search
    index). Idempotent, also when several processes run it at once (:func:`job_lock`)."""
    day = day or today()
    await job_lock(session, "expiries")
    count = 0
    for document in await repository.expiry_candidates(session, day):
        assert document.expires_on is not None
        lapsed = document.expires_on + dt.timedelta(days=1)
        rows = await repository.intervals(session, document.id)
        current = _containing(rows, lapsed)
        if current is None or current.status != Validity.EXPIRED:
            continue  # repealed before it could lapse
        session.add(
            DocumentEvent(
                document_id=document.id, kind=EventKind.EXPIRED, occurred_on=lapsed,
                reason=f"有效期至 {document.expires_on.isoformat()} 届满",
            )
        )  # fmt: skip
        before = next((r.status for r in rows if r.ends_on == lapsed), None)
        await records.add_version(
            session, document, actor=None,
            reason=f"有效期至 {document.expires_on.isoformat()} 届满",
            changes={"validity": {"old": before, "new": Validity.EXPIRED.value}},
        )  # fmt: skip
        await _touch(session, document, "expired")
        count += 1
    return count


def event_read(event: DocumentEvent, related_visible: bool) -> EventRead:
    kind = EventKind(event.kind)
    return EventRead(
        id=event.id,
        document_id=event.document_id,
        kind=kind,
        label=EVENT_LABELS[kind],
        occurred_on=event.occurred_on,
        recorded_at=event.recorded_at,
        reason=event.reason,
        related_document_id=event.related_document_id if related_visible else None,
        decision=event.decision,
        details=dict(event.details),
    )


async def events(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID
) -> list[EventRead]:
    """The document's events and those it caused on others, each only if the caller sees it."""
    document = await records.get_visible(session, caller, document_id)
    found = []
    seen: dict[uuid.UUID, bool] = {document.id: True}
    for event in await repository.events_touching(session, document.id):
        other = event.related_document_id if event.document_id == document.id else event.document_id
        if other is not None and other not in seen:
            try:
                await records.get_visible(session, caller, other)
                seen[other] = True
            except NotFound:
                seen[other] = False
        if event.document_id != document.id and not seen.get(event.document_id, False):
            continue
        related = event.related_document_id
        found.append(event_read(event, related is None or seen.get(related, False)))
    return found


async def feed(
    session: AsyncSession,
    *,
    caller: Principal,
    since: dt.datetime | None,
    kind: EventKind | None,
    page: PageParams,
) -> tuple[list[EventRead], str | None]:
    """Every lifecycle event of the documents the caller may see, oldest first (the change feed
    integrators follow); events of non-public documents never appear for the public."""
    conditions = [visibility.visible_documents(caller)]
    if since is not None:
        conditions.append(col(DocumentEvent.recorded_at) >= since)
    if kind is not None:
        conditions.append(col(DocumentEvent.kind) == kind)
    keys = [col(DocumentEvent.recorded_at), col(DocumentEvent.id)]
    if page.cursor:
        conditions.append(after_key(keys, decode_cursor(page.cursor, keys), descending=False))  # type: ignore[arg-type]
    rows = await repository.events_page(session, conditions=conditions, limit=page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor([rows[-1].recorded_at, rows[-1].id]) if more else None
    related = {r.related_document_id for r in rows if r.related_document_id is not None}
    visible = set()
    for document_id in related:
        try:
            await records.get_visible(session, caller, document_id)
            visible.add(document_id)
        except NotFound:
            continue
    return [event_read(r, r.related_document_id in visible or r.related_document_id is None)
            for r in rows], cursor  # fmt: skip
