"""Writing and draining the outbox."""

import uuid
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.feed import projection
from services.documents.outbox.models import OutboxEntry


async def append(
    session: AsyncSession,
    *,
    entity: str,
    entity_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
) -> OutboxEntry:
    """Add a change in the caller's transaction.

    On PostgreSQL a serial column hands out numbers at insert time, so a later number can
    commit first and a reader draining "everything after N" would skip the earlier one for
    good. Holding the table's EXCLUSIVE lock (readers are not blocked) until commit makes the
    sequence grow in commit order. SQLite writers are serialised already (BEGIN IMMEDIATE).
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(text("LOCK TABLE outbox_entry IN EXCLUSIVE MODE"))
    entry = OutboxEntry(entity=entity, entity_id=entity_id, kind=kind, payload=payload or {})
    session.add(entry)
    await session.flush()
    # The open-data feed's event is written in the same transaction as the change itself.
    for dependent, dependent_id in await projection.record(session, entry):
        await append(session, entity=dependent, entity_id=dependent_id, kind="visibility")
    return entry


async def after(session: AsyncSession, sequence: int, *, limit: int = 100) -> list[OutboxEntry]:
    """Entries with a sequence greater than ``sequence``, oldest first (what a drainer reads)."""
    query = (
        select(OutboxEntry)
        .where(col(OutboxEntry.sequence) > sequence)
        .order_by(col(OutboxEntry.sequence))
        .limit(limit)
    )
    return list(await session.exec(query))
