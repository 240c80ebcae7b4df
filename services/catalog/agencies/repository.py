"""SQL of agencies."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency, AgencyKind
from services.catalog.columns import column
from services.common.pagination import after_key


async def get(session: AsyncSession, agency_id: uuid.UUID) -> Agency | None:
    return await session.get(Agency, agency_id)


async def by_credit_code(session: AsyncSession, credit_code: str) -> Agency | None:
    rows = await session.exec(select(Agency).where(Agency.credit_code == credit_code))
    return rows.first()


async def page(
    session: AsyncSession,
    *,
    variants: Sequence[str],
    division_code: str | None,
    division_prefix: str | None,
    kind: AgencyKind | None,
    parent_id: uuid.UUID | None,
    updated_since: dt.datetime | None = None,
    after: Sequence[object] | None,
    limit: int,
) -> list[Agency]:
    conditions: list[ColumnElement[bool]] = []
    if updated_since is not None:
        conditions.append(col(Agency.updated_at) >= updated_since)
    if variants:
        text = col(Agency.search_text)
        conditions.append(or_(*(text.contains(v, autoescape=True) for v in variants)))
    if division_code is not None:
        conditions.append(col(Agency.division_code) == division_code)
    if division_prefix is not None:
        conditions.append(col(Agency.division_code).startswith(division_prefix, autoescape=True))
    if kind is not None:
        conditions.append(col(Agency.kind) == kind)
    if parent_id is not None:
        conditions.append(col(Agency.parent_id) == parent_id)
    if after is not None:
        keys = [column(Agency.name), column(Agency.id)]
        conditions.append(after_key(keys, list(after), descending=False))
    query = (
        select(Agency).where(*conditions).order_by(col(Agency.name), col(Agency.id)).limit(limit)
    )
    return list(await session.exec(query))
