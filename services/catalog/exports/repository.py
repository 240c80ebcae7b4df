"""SQL of the catalog's bulk export: agencies and current published items in batches."""

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency
from services.catalog.divisions.models import Division
from services.catalog.domains.models import Domain
from services.catalog.versions.models import CatalogVersion, PublishedItem

Row = TypeVar("Row", Agency, PublishedItem)


async def batches(
    session: AsyncSession, model: type[Row], size: int, *conditions: Any
) -> AsyncIterator[list[Row]]:
    """Rows of ``model`` by id, ``size`` at a time (keyset paging: constant memory)."""
    after: uuid.UUID | None = None
    while True:
        query = select(model).where(*conditions)
        if after is not None:
            query = query.where(col(model.id) > after)
        rows = list(await session.exec(query.order_by(col(model.id)).limit(size)))
        if not rows:
            return
        yield rows
        session.expunge_all()
        after = rows[-1].id


def current_items() -> Any:
    return col(PublishedItem.current).is_(True)


async def state_digest(session: AsyncSession) -> str:
    """Changes whenever an agency, domain, published version or division deadline changes."""
    digest = hashlib.sha256()
    for model, moment in (
        (Agency, Agency.updated_at),
        (Domain, Domain.updated_at),
        (CatalogVersion, CatalogVersion.published_at),
    ):
        count, last = (await session.exec(select(func.count(), func.max(moment)))).one()
        digest.update(f"{model.__name__}|{count}|{last}\n".encode())
    deadlines = await session.exec(
        select(Division.code, Division.publication_deadline_days)
        .where(col(Division.publication_deadline_days).is_not(None))
        .order_by(col(Division.code))
    )
    for code, days in deadlines:
        digest.update(f"d|{code}|{days}\n".encode())
    return digest.hexdigest()[:24]
