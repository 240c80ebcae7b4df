"""Writing and reading the catalog's change log."""

import uuid

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.changes.models import Action, ChangeEntry, Stream


async def append(
    session: AsyncSession,
    *,
    entity: Stream,
    entity_id: uuid.UUID,
    action: Action,
    agency_id: uuid.UUID,
) -> None:
    """Add an event in the caller's transaction.

    As with the documents outbox: on PostgreSQL a serial number is taken at insert time, so
    a later number could commit first and a reader resuming "after N" would skip the earlier
    one for good; the table's EXCLUSIVE lock (readers not blocked) until commit keeps the
    sequence in commit order. SQLite writers are serialised already (BEGIN IMMEDIATE).
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await connection.execute(text("LOCK TABLE change_entry IN EXCLUSIVE MODE"))
    session.add(
        ChangeEntry(
            entity=entity.value, entity_id=entity_id, action=action.value, agency_id=agency_id
        )
    )
    await session.flush()


async def events(
    session: AsyncSession,
    stream: Stream,
    *,
    after: int = 0,
    limit: int,
    agency_id: uuid.UUID | None = None,
) -> list[ChangeEntry]:
    query = select(ChangeEntry).where(
        col(ChangeEntry.entity) == stream.value, col(ChangeEntry.sequence) > after
    )
    if agency_id is not None:
        query = query.where(col(ChangeEntry.agency_id) == agency_id)
    return list(await session.exec(query.order_by(col(ChangeEntry.sequence)).limit(limit)))


async def head(session: AsyncSession, stream: Stream) -> int:
    rows = await session.exec(
        select(ChangeEntry.sequence)
        .where(col(ChangeEntry.entity) == stream.value)
        .order_by(col(ChangeEntry.sequence).desc())
        .limit(1)
    )
    return int(rows.first() or 0)
