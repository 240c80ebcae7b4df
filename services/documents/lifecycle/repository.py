"""SQL of validity intervals and lifecycle events."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.lifecycle.models import DocumentEvent, EventKind, ValidityInterval
from services.documents.records.models import Document, PublicationStatus
from services.documents.records.repository import _run


async def intervals(session: AsyncSession, document_id: uuid.UUID) -> list[ValidityInterval]:
    rows = await session.exec(
        select(ValidityInterval)
        .where(col(ValidityInterval.document_id) == document_id)
        .order_by(col(ValidityInterval.starts_on))
    )
    return list(rows)


async def delete_from(session: AsyncSession, document_id: uuid.UUID, day: dt.date) -> None:
    await _run(
        session,
        delete(ValidityInterval).where(
            col(ValidityInterval.document_id) == document_id,
            col(ValidityInterval.starts_on) >= day,
        ),
    )


async def events_touching(session: AsyncSession, document_id: uuid.UUID) -> list[DocumentEvent]:
    """Events of the document and events it caused on others (amending, repealing them)."""
    rows = await session.exec(
        select(DocumentEvent)
        .where(
            or_(
                col(DocumentEvent.document_id) == document_id,
                col(DocumentEvent.related_document_id) == document_id,
            )
        )
        .order_by(col(DocumentEvent.occurred_on), col(DocumentEvent.recorded_at))
    )
    return list(rows)


async def expiry_candidates(session: AsyncSession, day: dt.date) -> Sequence[Document]:
    """Published documents whose 有效期至 has passed and whose expiry is not yet recorded."""
    recorded = select(DocumentEvent.document_id).where(col(DocumentEvent.kind) == EventKind.EXPIRED)
    rows = await session.exec(
        select(Document)
        .where(
            col(Document.status) == PublicationStatus.PUBLISHED,
            col(Document.expires_on) < day,
            col(Document.id).not_in(recorded),
        )
        .with_for_update()
    )
    return list(rows)


async def events_page(
    session: AsyncSession, *, conditions: Sequence[ColumnElement[bool]], limit: int
) -> list[DocumentEvent]:
    rows = await session.exec(
        select(DocumentEvent)
        .join(Document, col(Document.id) == col(DocumentEvent.document_id))
        .where(*conditions)
        .order_by(col(DocumentEvent.recorded_at), col(DocumentEvent.id))
        .limit(limit)
    )
    return list(rows)
