"""SQL of divisions."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, literal
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import Select

from services.catalog.divisions.models import Division, DivisionLevel


async def get(session: AsyncSession, code: str) -> Division | None:
    return await session.get(Division, code)


async def get_many(session: AsyncSession, codes: Sequence[str]) -> dict[str, Division]:
    if not codes:
        return {}
    rows = await session.exec(select(Division).where(col(Division.code).in_(codes)))
    return {d.code: d for d in rows}


# Deeper than any real hierarchy (province → village is five levels); stops a parent cycle.
MAX_DEPTH = 16


def _inherited_deadlines_query() -> Select[Any]:
    chain = (
        select(
            col(Division.code).label("origin"),
            col(Division.parent_code).label("parent"),
            col(Division.publication_deadline_days).label("days"),
            literal(0).label("depth"),
        )
        .where(col(Division.code).in_(bindparam("codes", expanding=True)))
        .cte("chain", recursive=True)
    )
    up = aliased(Division)
    chain = chain.union_all(
        select(chain.c.origin, up.parent_code, up.publication_deadline_days, chain.c.depth + 1)
        .join(up, col(up.code) == chain.c.parent)
        .where(chain.c.days.is_(None), chain.c.depth < MAX_DEPTH)
    )
    return select(chain.c.origin, chain.c.days).where(chain.c.days.is_not(None))


# Built once: building a recursive select costs more CPU than running it on SQLite.
INHERITED_DEADLINES = _inherited_deadlines_query()


async def inherited_deadlines(session: AsyncSession, codes: Sequence[str]) -> dict[str, int]:
    """For each code, the publication deadline set on it or on the nearest division above it.

    One recursive query for any number of codes (a list of agencies would otherwise walk up
    the hierarchy row by row); codes with no deadline anywhere above them are left out.
    """
    if not codes:
        return {}
    connection = await session.connection()
    rows = await connection.execute(INHERITED_DEADLINES, {"codes": sorted(set(codes))})
    return {str(origin): int(days) for origin, days in rows}


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
