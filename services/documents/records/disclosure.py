"""公开属性: set with reasons, reviewed yearly, reclassified with history (Arts. 18, 44)."""

import datetime as dt
import uuid

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.documents import visibility
from services.documents.clock import today
from services.documents.lifecycle.models import DocumentEvent, EventKind
from services.documents.outbox import repository as outbox
from services.documents.records import service as records
from services.documents.records.models import (
    DISCLOSURE_LABELS,
    Disclosure,
    DisclosureChange,
    Document,
    PublicationStatus,
)
from services.documents.records.schemas_disclosure import DisclosureWrite

NON_PUBLIC = (Disclosure.ON_REQUEST, Disclosure.WITHHELD)


async def set_attribute(
    session: AsyncSession,
    *,
    caller: Principal,
    document_id: uuid.UUID,
    data: DisclosureWrite,
    if_match: str | None = None,
) -> Document:
    """Set, confirm (the yearly review) or change the attribute; every call is kept."""
    document = await records.get_editable(session, caller, document_id, if_match=if_match)
    records._check_disclosure(data.attribute, data.reason, data.legal_basis)
    previous = Disclosure(document.disclosure) if document.disclosure else None
    is_review = previous == data.attribute
    public = data.attribute == Disclosure.PUBLIC
    session.add(
        DisclosureChange(
            document_id=document.id,
            previous=previous,
            attribute=data.attribute,
            reason=data.reason,
            legal_basis=data.legal_basis,
            comment=data.comment,
            is_review=is_review,
            changed_on=today(),
            actor=caller.subject,
        )
    )
    document.disclosure = data.attribute
    document.disclosure_reason = None if public else data.reason
    document.disclosure_legal_basis = None if public else data.legal_basis
    document.disclosure_reviewed_on = today()
    published = document.status == PublicationStatus.PUBLISHED
    if published and not is_review:
        old = DISCLOSURE_LABELS[previous] if previous else "未设置"
        reason = f"公开属性由“{old}”调整为“{DISCLOSURE_LABELS[data.attribute]}”"
        session.add(
            DocumentEvent(
                document_id=document.id, kind=EventKind.RECLASSIFIED, occurred_on=today(),
                actor=caller.subject, reason=data.comment or reason,
                details={"from": previous, "to": data.attribute},
            )
        )  # fmt: skip
        await records.add_version(
            session, document, actor=caller.subject, reason=data.comment or reason,
            changes={"disclosure": {"old": previous, "new": data.attribute}},
        )  # fmt: skip
    document.version += 1
    document.updated_at = utcnow()
    session.add(document)
    await session.flush()
    await outbox.append(
        session, entity="document", entity_id=document.id,
        kind="reviewed" if is_review else "reclassified",
    )  # fmt: skip
    return document


async def history(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID
) -> list[DisclosureChange]:
    document = await records.get_visible(session, caller, document_id)
    if not visibility.can_edit(caller, document):
        # Others learn the current attribute only; reasons of past withholding stay internal.
        return []
    rows = await session.exec(
        select(DisclosureChange)
        .where(col(DisclosureChange.document_id) == document.id)
        .order_by(col(DisclosureChange.recorded_at))
    )
    return list(rows)


def review_due_before(day: dt.date) -> ColumnElement[bool]:
    """Non-public documents last reviewed a year or more before ``day`` (or never)."""
    try:
        year_ago = day.replace(year=day.year - 1)
    except ValueError:
        year_ago = day.replace(year=day.year - 1, day=28)
    return col(Document.disclosure).in_(list(NON_PUBLIC)) & or_(
        col(Document.disclosure_reviewed_on).is_(None),
        col(Document.disclosure_reviewed_on) <= year_ago,
    )
