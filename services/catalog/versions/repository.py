"""SQL of published versions and their items."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency
from services.catalog.versions.models import CatalogVersion, PublishedItem


async def current(session: AsyncSession, agency_id: uuid.UUID) -> CatalogVersion | None:
    query = select(CatalogVersion).where(
        CatalogVersion.agency_id == agency_id, col(CatalogVersion.current).is_(True)
    )
    return (await session.exec(query)).first()


async def by_number(
    session: AsyncSession, agency_id: uuid.UUID, number: int
) -> CatalogVersion | None:
    query = select(CatalogVersion).where(
        CatalogVersion.agency_id == agency_id, CatalogVersion.number == number
    )
    return (await session.exec(query)).first()


async def of_agency(session: AsyncSession, agency_id: uuid.UUID) -> list[CatalogVersion]:
    query = (
        select(CatalogVersion)
        .where(CatalogVersion.agency_id == agency_id)
        .order_by(col(CatalogVersion.number).desc())
    )
    return list(await session.exec(query))


async def items_of(session: AsyncSession, version_id: uuid.UUID) -> list[PublishedItem]:
    query = (
        select(PublishedItem)
        .where(PublishedItem.version_id == version_id)
        .order_by(col(PublishedItem.position), col(PublishedItem.item_id))
    )
    return list(await session.exec(query))


async def current_items(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[PublishedItem]:
    if not ids:
        return []
    query = select(PublishedItem).where(
        col(PublishedItem.item_id).in_(list(ids)), col(PublishedItem.current).is_(True)
    )
    return list(await session.exec(query))


async def retire(session: AsyncSession, agency_id: uuid.UUID) -> None:
    """The agency's current version (and its items) stop being current."""
    for model in (CatalogVersion, PublishedItem):
        statement = (
            update(model)
            .where(col(model.agency_id) == agency_id, col(model.current).is_(True))
            .values(current=False)
        )
        await session.exec(statement)


async def page(
    session: AsyncSession,
    *,
    version_id: uuid.UUID | None,
    agency_id: uuid.UUID | None,
    division_prefix: str | None,
    conditions: Sequence[ColumnElement[bool]],
    after: ColumnElement[bool] | None,
    limit: int,
) -> list[PublishedItem]:
    """Items of one version, or (version_id None) of every current version matching."""
    query = select(PublishedItem).where(*conditions)
    if version_id is not None:
        query = query.where(PublishedItem.version_id == version_id)
    else:
        query = query.where(col(PublishedItem.current).is_(True))
    if agency_id is not None:
        query = query.where(PublishedItem.agency_id == agency_id)
    if division_prefix is not None:
        agencies = select(Agency.id).where(
            col(Agency.division_code).startswith(division_prefix, autoescape=True)
        )
        query = query.where(col(PublishedItem.agency_id).in_(agencies))
    if after is not None:
        query = query.where(after)
    order = (col(PublishedItem.agency_id), col(PublishedItem.position), col(PublishedItem.item_id))
    return list(await session.exec(query.order_by(*order).limit(limit)))


def published_since(moment: dt.datetime) -> ColumnElement[bool]:
    """Published items of the versions published at or after ``moment``."""
    versions = select(CatalogVersion.id).where(col(CatalogVersion.published_at) >= moment)
    return col(PublishedItem.version_id).in_(versions)
