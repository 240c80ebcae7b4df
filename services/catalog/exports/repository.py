"""SQL of the catalog's bulk export: agencies and current published items in batches."""

import hashlib
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies.models import Agency
from services.catalog.divisions.models import Division
from services.catalog.domains.models import Domain
from services.catalog.versions.models import CatalogVersion, PublishedItem


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
