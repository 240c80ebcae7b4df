"""SQL of domains."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.domains.models import Domain


async def get(session: AsyncSession, domain_id: uuid.UUID) -> Domain | None:
    return await session.get(Domain, domain_id)


async def get_many(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Domain]:
    if not ids:
        return {}
    rows = await session.exec(select(Domain).where(col(Domain.id).in_(list(set(ids)))))
    return {d.id: d for d in rows}


async def listing(
    session: AsyncSession, *, division_codes: Sequence[str] | None, include_merged: bool
) -> list[Domain]:
    """National domains and, when given, the extensions of these divisions (all if None)."""
    query = select(Domain).order_by(col(Domain.position), col(Domain.name), col(Domain.id))
    if division_codes is not None:
        query = query.where(
            or_(col(Domain.division_code).is_(None), col(Domain.division_code).in_(division_codes))
        )
    if not include_merged:
        query = query.where(col(Domain.merged_into_id).is_(None))
    return list(await session.exec(query))


async def merged_into(session: AsyncSession, target_id: uuid.UUID) -> list[uuid.UUID]:
    """The domains merged (directly) into ``target_id``."""
    rows = await session.exec(select(Domain.id).where(Domain.merged_into_id == target_id))
    return list(rows)


async def by_name(session: AsyncSession, name: str) -> list[Domain]:
    """Domains whose current name is ``name``."""
    return list(await session.exec(select(Domain).where(Domain.name == name)))


async def all_domains(session: AsyncSession) -> list[Domain]:
    return list(await session.exec(select(Domain)))


async def next_position(session: AsyncSession) -> int:
    current = (await session.exec(select(func.max(Domain.position)))).one()
    return int(current or 0) + 1
