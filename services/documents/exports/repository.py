"""SQL of the bulk export: public documents in id order, a batch at a time, and the state."""

import hashlib
import uuid
from collections.abc import AsyncIterator

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents import visibility
from services.documents.outbox.models import OutboxEntry
from services.documents.records.models import Document
from services.documents.reference import repository as reference


async def public_batches(session: AsyncSession, size: int) -> AsyncIterator[list[Document]]:
    """Every public document (the visibility rule's public half), by id, ``size`` at a time."""
    after: uuid.UUID | None = None
    while True:
        query = select(Document).where(visibility.public_filter())
        if after is not None:
            query = query.where(col(Document.id) > after)
        rows = list(await session.exec(query.order_by(col(Document.id)).limit(size)))
        if not rows:
            return
        yield rows
        # The rows are not needed once written: let the session forget them.
        session.expunge_all()
        after = rows[-1].id


async def last_sequence(session: AsyncSession) -> int:
    """The newest outbox entry: every change to a document, interpretation or issue adds one."""
    value = (await session.exec(select(func.max(OutboxEntry.sequence)))).one()
    return int(value or 0)


async def reference_digest(session: AsyncSession) -> str:
    """A digest of the type and subject names an export prints beside their codes."""
    digest = hashlib.sha256()
    for row in await reference.document_types(session):
        digest.update(f"t|{row.code}|{row.name}\n".encode())
    for subject in await reference.subjects(session):
        digest.update(f"s|{subject.code}|{subject.name}\n".encode())
    return digest.hexdigest()[:16]
