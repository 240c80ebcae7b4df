"""SQL of revisions."""

import uuid

from sqlalchemy import delete, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.records.repository import _run
from services.documents.revisions.models import Revision


async def listed(session: AsyncSession, entity: str, entity_id: uuid.UUID) -> list[Revision]:
    rows = await session.exec(
        select(Revision)
        .where(col(Revision.entity) == entity, col(Revision.entity_id) == entity_id)
        .order_by(col(Revision.number))
    )
    return list(rows)


async def next_number(session: AsyncSession, entity: str, entity_id: uuid.UUID) -> int:
    rows = await session.exec(
        select(func.max(Revision.number)).where(
            col(Revision.entity) == entity, col(Revision.entity_id) == entity_id
        )
    )
    return int(rows.one() or 0) + 1


async def delete_all(session: AsyncSession, entity: str, entity_id: uuid.UUID) -> None:
    await _run(
        session,
        delete(Revision).where(
            col(Revision.entity) == entity, col(Revision.entity_id) == entity_id
        ),
    )
