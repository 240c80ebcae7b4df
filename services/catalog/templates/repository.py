"""SQL of templates, their items and instances."""

import uuid

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.items.models import CatalogItem
from services.catalog.templates.models import Template, TemplateInstance, TemplateItem


async def get(session: AsyncSession, template_id: uuid.UUID) -> Template | None:
    return await session.get(Template, template_id)


async def listing(session: AsyncSession, domain_ids: list[uuid.UUID] | None) -> list[Template]:
    query = select(Template).order_by(col(Template.name), col(Template.id))
    if domain_ids is not None:
        query = query.where(col(Template.domain_id).in_(domain_ids))
    return list(await session.exec(query))


async def items_of(session: AsyncSession, template_id: uuid.UUID) -> list[TemplateItem]:
    query = (
        select(TemplateItem)
        .where(TemplateItem.template_id == template_id)
        .order_by(col(TemplateItem.position), col(TemplateItem.id))
    )
    return list(await session.exec(query))


async def item(session: AsyncSession, item_id: uuid.UUID) -> TemplateItem | None:
    return await session.get(TemplateItem, item_id)


async def next_position(session: AsyncSession, template_id: uuid.UUID) -> int:
    query = select(func.max(TemplateItem.position)).where(TemplateItem.template_id == template_id)
    return int((await session.exec(query)).one() or 0) + 1


async def instance(session: AsyncSession, instance_id: uuid.UUID) -> TemplateInstance | None:
    return await session.get(TemplateInstance, instance_id)


async def instance_of(
    session: AsyncSession, template_id: uuid.UUID, agency_id: uuid.UUID
) -> TemplateInstance | None:
    query = select(TemplateInstance).where(
        TemplateInstance.template_id == template_id, TemplateInstance.agency_id == agency_id
    )
    return (await session.exec(query)).first()


async def instances_of_agency(
    session: AsyncSession, agency_id: uuid.UUID
) -> list[TemplateInstance]:
    query = (
        select(TemplateInstance)
        .where(TemplateInstance.agency_id == agency_id)
        .order_by(col(TemplateInstance.created_at), col(TemplateInstance.id))
    )
    return list(await session.exec(query))


async def instance_items(
    session: AsyncSession, agency_id: uuid.UUID, template_item_ids: list[uuid.UUID]
) -> dict[uuid.UUID, CatalogItem]:
    """The agency's draft items copied from these template items."""
    if not template_item_ids:
        return {}
    query = select(CatalogItem).where(
        CatalogItem.agency_id == agency_id, col(CatalogItem.template_item_id).in_(template_item_ids)
    )
    return {i.template_item_id: i for i in await session.exec(query) if i.template_item_id}


async def move_domain(session: AsyncSession, *, source: uuid.UUID, target: uuid.UUID) -> None:
    for model in (Template, TemplateItem):
        statement = update(model).where(col(model.domain_id) == source).values(domain_id=target)
        await session.exec(statement)
