"""SQL of draft items, and the filters every table of catalog rows shares."""

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.items.models import CatalogItem, DisclosureLevel, DisclosureMode, ItemFields
from services.catalog.items.rows import LEVEL_FLAGS


def row_filters(
    model: type[ItemFields],
    *,
    domain_ids: Sequence[uuid.UUID] | None = None,
    mode: DisclosureMode | None = None,
    level: DisclosureLevel | None = None,
) -> list[ColumnElement[bool]]:
    """Filters on 领域, 公开方式 and 公开层级, for drafts, published items and templates alike."""
    conditions: list[ColumnElement[bool]] = []
    if domain_ids is not None:
        conditions.append(col(model.domain_id).in_(list(domain_ids)))
    if mode is not None:
        conditions.append(col(model.mode) == mode.value)
    if level is not None:
        conditions.append(col(getattr(model, LEVEL_FLAGS[level])).is_(True))
    return conditions


async def get(session: AsyncSession, item_id: uuid.UUID) -> CatalogItem | None:
    return await session.get(CatalogItem, item_id)


async def get_many(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[CatalogItem]:
    if not ids:
        return []
    return list(await session.exec(select(CatalogItem).where(col(CatalogItem.id).in_(ids))))


async def of_agency(session: AsyncSession, agency_id: uuid.UUID) -> list[CatalogItem]:
    query = (
        select(CatalogItem)
        .where(CatalogItem.agency_id == agency_id)
        .order_by(col(CatalogItem.position), col(CatalogItem.id))
    )
    return list(await session.exec(query))


async def page(
    session: AsyncSession,
    *,
    agency_id: uuid.UUID,
    conditions: Sequence[ColumnElement[bool]],
    after: ColumnElement[bool] | None,
    limit: int,
) -> list[CatalogItem]:
    query = (
        select(CatalogItem)
        .where(CatalogItem.agency_id == agency_id, *conditions)
        .order_by(col(CatalogItem.position), col(CatalogItem.id))
        .limit(limit)
    )
    if after is not None:
        query = query.where(after)
    return list(await session.exec(query))


async def same_path(
    session: AsyncSession,
    *,
    agency_id: uuid.UUID,
    domain_id: uuid.UUID,
    path: tuple[str, str | None, str | None],
) -> CatalogItem | None:
    level1, level2, level3 = path
    query = select(CatalogItem).where(
        CatalogItem.agency_id == agency_id,
        CatalogItem.domain_id == domain_id,
        CatalogItem.level1 == level1,
        _equal_or_null(CatalogItem.level2, level2),
        _equal_or_null(CatalogItem.level3, level3),
    )
    return (await session.exec(query)).first()


def _equal_or_null(attribute: Any, value: str | None) -> ColumnElement[bool]:
    return col(attribute).is_(None) if value is None else col(attribute) == value


async def next_position(session: AsyncSession, agency_id: uuid.UUID) -> int:
    query = select(func.max(CatalogItem.position)).where(CatalogItem.agency_id == agency_id)
    return int((await session.exec(query)).one() or 0) + 1


async def move_domain(session: AsyncSession, *, source: uuid.UUID, target: uuid.UUID) -> None:
    statement = (
        update(CatalogItem).where(col(CatalogItem.domain_id) == source).values(domain_id=target)
    )
    await session.exec(statement)
