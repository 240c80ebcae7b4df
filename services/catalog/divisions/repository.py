"""SQL of divisions."""

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.divisions.models import Division, DivisionLevel


async def get(session: AsyncSession, code: str) -> Division | None:
    return await session.get(Division, code)


async def get_many(session: AsyncSession, codes: Sequence[str]) -> dict[str, Division]:
    if not codes:
        return {}
    rows = await session.exec(select(Division).where(col(Division.code).in_(codes)))
    return {d.code: d for d in rows}


async def page(
    session: AsyncSession,
    *,
    parent_code: str | None,
    level: DivisionLevel | None,
    within: str | None,
    q: str | None,
    after: str | None,
    limit: int,
) -> list[Division]:
    query = select(Division).order_by(col(Division.code)).limit(limit)
    if parent_code is not None:
        query = query.where(Division.parent_code == parent_code)
    if level is not None:
        query = query.where(Division.level == level)
    if within is not None:
        query = query.where(col(Division.code).startswith(within, autoescape=True))
    if q:
        query = query.where(col(Division.name).contains(q, autoescape=True))
    if after is not None:
        query = query.where(col(Division.code) > after)
    return list(await session.exec(query))


async def count_children(session: AsyncSession, code: str) -> int:
    query = select(func.count()).select_from(Division).where(Division.parent_code == code)
    return int((await session.exec(query)).one())
