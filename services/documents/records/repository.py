"""SQL of documents, their issuers, classification, counters and idempotency records."""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    CursorResult,
    Executable,
    bindparam,
    delete,
    func,
    or_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.lifecycle.models import IN_FORCE_STATES, ValidityInterval
from services.documents.records.models import (
    Document,
    DocumentAgency,
    DocumentCatalogItem,
    DocumentVersion,
    IdempotencyRecord,
    IndexCounter,
)


async def _run(session: AsyncSession, statement: Executable) -> CursorResult[Any]:
    """Bulk UPDATE/DELETE on the session's connection and transaction (not ORM-tracked rows)."""
    connection = await session.connection()
    return await connection.execute(statement)


async def get(session: AsyncSession, document_id: uuid.UUID) -> Document | None:
    return await session.get(Document, document_id)


async def get_for_update(session: AsyncSession, document_id: uuid.UUID) -> Document | None:
    """The row, locked on PostgreSQL until commit, so two writers cannot both pass If-Match."""
    rows = await session.exec(
        select(Document).where(col(Document.id) == document_id).with_for_update()
    )
    return rows.first()


async def by_number(session: AsyncSession, agency_id: uuid.UUID, key: str) -> Document | None:
    rows = await session.exec(
        select(Document).where(
            col(Document.agency_id) == agency_id, col(Document.doc_number_key) == key
        )
    )
    return rows.first()


# The reads of every document shown are built once: building a select costs more CPU than
# running it on SQLite, and these run for each document read.
IDS: BindParameter[Any] = bindparam("ids", expanding=True)
ISSUERS = (
    select(DocumentAgency)
    .where(col(DocumentAgency.document_id).in_(IDS))
    .order_by(col(DocumentAgency.position))
)
CATALOG_ITEMS = (
    select(DocumentCatalogItem.document_id, DocumentCatalogItem.item_id)
    .where(col(DocumentCatalogItem.document_id).in_(IDS))
    .order_by(col(DocumentCatalogItem.item_id))
)
VALIDITY_AT = select(ValidityInterval).where(
    col(ValidityInterval.document_id).in_(IDS),
    col(ValidityInterval.starts_on) <= bindparam("day"),
    or_(col(ValidityInterval.ends_on).is_(None), col(ValidityInterval.ends_on) > bindparam("day")),
)


async def issuers(
    session: AsyncSession, document_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[DocumentAgency]]:
    found: dict[uuid.UUID, list[DocumentAgency]] = defaultdict(list)
    if document_ids:
        for row in await session.exec(ISSUERS, params={"ids": list(document_ids)}):
            found[row.document_id].append(row)
    return found


async def replace_issuers(
    session: AsyncSession, document_id: uuid.UUID, agencies: Sequence[tuple[uuid.UUID, str]]
) -> None:
    await _run(
        session, delete(DocumentAgency).where(col(DocumentAgency.document_id) == document_id)
    )
    for position, (agency_id, name) in enumerate(agencies):
        session.add(
            DocumentAgency(
                document_id=document_id, agency_id=agency_id, position=position, name=name
            )
        )


async def catalog_items(
    session: AsyncSession, document_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if document_ids:
        for document_id, item_id in await session.exec(
            CATALOG_ITEMS, params={"ids": list(document_ids)}
        ):
            found[document_id].append(item_id)
    return found


async def replace_catalog_items(
    session: AsyncSession,
    document_id: uuid.UUID,
    items: Sequence[tuple[uuid.UUID, uuid.UUID | None]],
) -> None:
    await _run(
        session,
        delete(DocumentCatalogItem).where(col(DocumentCatalogItem.document_id) == document_id),
    )
    for item_id, agency_id in items:
        session.add(
            DocumentCatalogItem(document_id=document_id, item_id=item_id, item_agency_id=agency_id)
        )


async def next_index_sequence(session: AsyncSession, agency_id: uuid.UUID, year: int) -> int:
    """The next 索引号 number of this agency and year (the row lock orders concurrent writers)."""
    result = await _run(
        session,
        update(IndexCounter)
        .where(col(IndexCounter.agency_id) == agency_id, col(IndexCounter.year) == year)
        .values(last_seq=col(IndexCounter.last_seq) + 1)
        .returning(col(IndexCounter.last_seq)),
    )
    value = result.scalar_one_or_none()
    if value is not None:
        return int(value)
    # The first number of the year: two writers may both find no counter, so the row is
    # created with ON CONFLICT DO NOTHING and then counted up like any other (the loser of
    # the race waits on the winner's row instead of failing with a duplicate key).
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await _run(
        session,
        insert(IndexCounter)
        .values(agency_id=agency_id, year=year, last_seq=0)
        .on_conflict_do_nothing(),
    )
    result = await _run(
        session,
        update(IndexCounter)
        .where(col(IndexCounter.agency_id) == agency_id, col(IndexCounter.year) == year)
        .values(last_seq=col(IndexCounter.last_seq) + 1)
        .returning(col(IndexCounter.last_seq)),
    )
    return int(result.scalar_one())


async def idempotency(session: AsyncSession, subject: str, key: str) -> IdempotencyRecord | None:
    return await session.get(IdempotencyRecord, (subject, key))


def in_force_on(day: dt.date) -> ColumnElement[bool]:
    """Documents in force (现行有效、已修改、部分失效) on ``day``."""
    return validity_on(day, [s.value for s in IN_FORCE_STATES])


def validity_on(day: dt.date, statuses: Sequence[str]) -> ColumnElement[bool]:
    return col(Document.id).in_(
        select(ValidityInterval.document_id).where(
            col(ValidityInterval.status).in_(list(statuses)),
            col(ValidityInterval.starts_on) <= day,
            or_(col(ValidityInterval.ends_on).is_(None), col(ValidityInterval.ends_on) > day),
        )
    )


async def validity_at(
    session: AsyncSession, document_ids: Sequence[uuid.UUID], day: dt.date
) -> dict[uuid.UUID, ValidityInterval]:
    if not document_ids:
        return {}
    rows = await session.exec(VALIDITY_AT, params={"ids": list(document_ids), "day": day})
    return {row.document_id: row for row in rows}


async def page(
    session: AsyncSession,
    *,
    conditions: Sequence[ColumnElement[bool]],
    limit: int,
) -> list[Document]:
    query = (
        select(Document)
        .where(*conditions)
        .order_by(col(Document.written_on).desc(), col(Document.id).desc())
        .limit(limit)
    )
    return list(await session.exec(query))


async def next_version_number(session: AsyncSession, document_id: uuid.UUID) -> int:
    rows = await session.exec(
        select(func.max(DocumentVersion.number)).where(
            col(DocumentVersion.document_id) == document_id
        )
    )
    return int(rows.one() or 0) + 1


async def count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    rows = await session.exec(select(func.count()).select_from(Document).where(*conditions))
    return int(rows.one())


async def versions(session: AsyncSession, document_id: uuid.UUID) -> list[DocumentVersion]:
    rows = await session.exec(
        select(DocumentVersion)
        .where(col(DocumentVersion.document_id) == document_id)
        .order_by(col(DocumentVersion.number))
    )
    return list(rows)


async def index_number_taken(session: AsyncSession, index_number: str) -> bool:
    rows = await session.exec(select(Document.id).where(col(Document.index_number) == index_number))
    return rows.first() is not None
