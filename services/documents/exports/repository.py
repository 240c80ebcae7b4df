"""SQL of the bulk export's state: what a snapshot was made from."""

import hashlib

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.outbox.models import OutboxEntry
from services.documents.reference import repository as reference


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
