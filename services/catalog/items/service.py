"""Rules of catalog items: staff edit only their own agency's draft; the public reads what a
published version holds; documents validate their classification against it."""

import uuid
from collections.abc import Sequence

from pydantic import ValidationError
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog import concurrency
from services.catalog.agencies import service as agencies
from services.catalog.agencies.models import Agency
from services.catalog.columns import column
from services.catalog.domains import repository as domains
from services.catalog.domains import service as domain_service
from services.catalog.items import repository
from services.catalog.items.models import CatalogItem, DisclosureLevel, DisclosureMode, ItemFields
from services.catalog.items.rows import title_path, to_columns, to_content
from services.catalog.items.schemas import (
    ItemContent,
    ItemLinks,
    ItemRead,
    ItemUpdate,
    LookupItem,
    LookupResult,
)
from services.catalog.versions import repository as versions
from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor


def not_found(item_id: uuid.UUID) -> NotFound:
    # The same answer for an unknown item and a draft the caller may not see.
    return NotFound(f"未找到编号为 {item_id} 的公开事项。", code="catalog-item-not-found")


async def own_agency(
    session: AsyncSession, caller: Principal, agency_id: uuid.UUID, *, action: str = "编辑"
) -> Agency:
    """The agency, if the caller is its staff (or a platform admin)."""
    agency = await agencies.get(session, agency_id)
    if not caller.acts_for(agency.id):
        raise Forbidden(f"只能{action}本机关的目录。", code="not-own-agency")
    return agency


def links(item_id: uuid.UUID, agency_id: uuid.UUID) -> ItemLinks:
    return ItemLinks(
        self=f"/api/v1/catalog/items/{item_id}",
        agency=f"/api/v1/catalog/agencies/{agency_id}",
        documents=f"/api/v1/documents?catalog_item={item_id}",
    )


async def domain_names(session: AsyncSession, rows: Sequence[ItemFields]) -> dict[uuid.UUID, str]:
    found = await domains.get_many(session, [r.domain_id for r in rows])
    return {domain_id: d.name for domain_id, d in found.items()}


def to_read(
    row: ItemFields,
    *,
    item_id: uuid.UUID,
    agency_id: uuid.UUID,
    names: dict[uuid.UUID, str],
    status: str,
    version: int | None,
    template_item_id: uuid.UUID | None,
) -> ItemRead:
    return ItemRead(
        **to_content(row).model_dump(),
        id=item_id,
        agency_id=agency_id,
        domain_name=names.get(row.domain_id, ""),
        position=row.position,
        template_item_id=template_item_id,
        status=status,
        version=version,
        links=links(item_id, agency_id),
    )


async def drafts_read(session: AsyncSession, rows: Sequence[CatalogItem]) -> list[ItemRead]:
    names = await domain_names(session, rows)
    return [
        to_read(
            r,
            item_id=r.id,
            agency_id=r.agency_id,
            names=names,
            status="draft",
            version=None,
            template_item_id=r.template_item_id,
        )
        for r in rows
    ]


async def check_content(session: AsyncSession, agency: Agency, content: ItemContent) -> None:
    await domain_service.usable(session, content.domain_id, division_code=agency.division_code)


async def _check_path_free(
    session: AsyncSession, agency_id: uuid.UUID, content: ItemContent, exclude: uuid.UUID | None
) -> None:
    other = await repository.same_path(
        session,
        agency_id=agency_id,
        domain_id=content.domain_id,
        path=(content.level1, content.level2, content.level3),
    )
    if other is not None and other.id != exclude:
        raise Conflict(
            "本机关在该领域已有同名事项："
            + " / ".join(title_path(other))
            + "，请改名或修改原事项。",
            code="catalog-item-exists",
        )


async def add(
    session: AsyncSession,
    *,
    agency: Agency,
    content: ItemContent,
    template_item_id: uuid.UUID | None = None,
) -> CatalogItem:
    """A new draft row at the end of the agency's catalog (callers have checked the caller)."""
    await check_content(session, agency, content)
    await _check_path_free(session, agency.id, content, None)
    item = CatalogItem(
        **to_columns(content),
        agency_id=agency.id,
        template_item_id=template_item_id,
        position=await repository.next_position(session, agency.id),
    )
    session.add(item)
    await session.flush()
    return item


async def create(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID, content: ItemContent
) -> CatalogItem:
    agency = await own_agency(session, caller, agency_id)
    return await add(session, agency=agency, content=content)


async def draft_item(session: AsyncSession, caller: Principal, item_id: uuid.UUID) -> CatalogItem:
    item = await repository.get(session, item_id)
    if item is None or not caller.acts_for(item.agency_id):
        raise not_found(item_id)
    return item


async def replace(
    session: AsyncSession, *, agency: Agency, item: CatalogItem, content: ItemContent
) -> CatalogItem:
    await check_content(session, agency, content)
    await _check_path_free(session, agency.id, content, item.id)
    for key, value in to_columns(content).items():
        setattr(item, key, value)
    item.updated_at = utcnow()
    session.add(item)
    await session.flush()
    return item


async def update(
    session: AsyncSession,
    *,
    caller: Principal,
    item_id: uuid.UUID,
    data: ItemUpdate,
    if_match: str | None = None,
) -> CatalogItem:
    item = await draft_item(session, caller, item_id)
    await concurrency.check(session, item, "updated_at", if_match, "该事项")
    agency = await agencies.get(session, item.agency_id)
    changes = data.model_dump(exclude_unset=True)
    position = changes.pop("position", None)
    merged = {**to_content(item).model_dump(), **changes}
    if "deadline" in changes and changes["deadline"] is not None:
        merged["deadline"] = changes["deadline"]
    try:
        content = ItemContent.model_validate(merged)
    except ValidationError as exc:
        reason = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise Unprocessable(f"修改后的事项无法保存：{reason}。") from None
    if position is not None:
        item.position = position
    return await replace(session, agency=agency, item=item, content=content)


async def delete(session: AsyncSession, *, caller: Principal, item_id: uuid.UUID) -> None:
    """Removes the row from the draft; published versions keep their copies."""
    item = await draft_item(session, caller, item_id)
    await session.delete(item)
    await session.flush()


async def draft_page(
    session: AsyncSession,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    domain_id: uuid.UUID | None,
    mode: DisclosureMode | None,
    level: DisclosureLevel | None,
    page: PageParams,
) -> tuple[list[CatalogItem], str | None]:
    await own_agency(session, caller, agency_id, action="查看")
    family = await domain_service.family(session, domain_id) if domain_id else None
    keys = [column(CatalogItem.position), column(CatalogItem.id)]
    after = (
        after_key(keys, decode_cursor(page.cursor, keys), descending=False) if page.cursor else None
    )
    rows = await repository.page(
        session,
        agency_id=agency_id,
        conditions=repository.row_filters(CatalogItem, domain_ids=family, mode=mode, level=level),
        after=after,
        limit=page.limit + 1,
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, encode_cursor([rows[-1].position, rows[-1].id]) if more else None


async def read(
    session: AsyncSession, *, caller: Principal, item_id: uuid.UUID, draft: bool
) -> ItemRead:
    """The item as the current version publishes it; its draft for the agency's own staff."""
    if draft:
        item = await draft_item(session, caller, item_id)
        return (await drafts_read(session, [item]))[0]
    published = await versions.current_items(session, [item_id])
    if not published:
        raise not_found(item_id)
    row = published[0]
    version = await versions.current(session, row.agency_id)
    return to_read(
        row,
        item_id=row.item_id,
        agency_id=row.agency_id,
        names=await domain_names(session, [row]),
        status="published",
        version=version.number if version else None,
        template_item_id=row.template_item_id,
    )


async def lookup(
    session: AsyncSession, *, caller: Principal, ids: Sequence[uuid.UUID]
) -> LookupResult:
    """Which of ``ids`` exist: in a current published catalog, or as the caller's own drafts."""
    wanted = list(dict.fromkeys(ids))
    published = {p.item_id: p for p in await versions.current_items(session, wanted)}
    drafts = {
        d.id: d
        for d in await repository.get_many(session, [i for i in wanted if i not in published])
        if caller.acts_for(d.agency_id)
    }
    rows: list[tuple[uuid.UUID, uuid.UUID, ItemFields, bool]] = [
        *((i, p.agency_id, p, True) for i, p in published.items()),
        *((i, d.agency_id, d, False) for i, d in drafts.items()),
    ]
    names = await domain_names(session, [r for _, _, r, _ in rows])
    found = {
        item_id: LookupItem(
            id=item_id,
            agency_id=agency_id,
            title_path=title_path(row),
            title=" / ".join(title_path(row)),
            domain_id=row.domain_id,
            domain_name=names.get(row.domain_id, ""),
            published=is_published,
        )
        for item_id, agency_id, row, is_published in rows
    }
    return LookupResult(
        items=[found[i] for i in wanted if i in found],
        missing=[i for i in wanted if i not in found],
    )
