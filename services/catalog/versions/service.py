"""Rules of versions: a draft is published as the next number, the previous stays readable."""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence

from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import service as agencies
from services.catalog.agencies.models import Agency
from services.catalog.changes import repository as change_log
from services.catalog.changes.models import Action, Stream
from services.catalog.columns import column
from services.catalog.divisions import service as division_service
from services.catalog.domains import repository as domains
from services.catalog.domains import service as domain_service
from services.catalog.items import repository as items
from services.catalog.items import service as item_service
from services.catalog.items.models import CatalogItem, DisclosureLevel, DisclosureMode, ItemFields
from services.catalog.items.rows import content_of, copy_columns, title_path
from services.catalog.items.schemas import ItemRead
from services.catalog.versions import repository
from services.catalog.versions.diff import Snapshot, compare
from services.catalog.versions.models import CatalogVersion, PublishedItem
from services.catalog.versions.schemas import (
    CatalogDiff,
    ChangeKind,
    DomainCount,
    DomainCountList,
    ItemChange,
    VersionLinks,
    VersionRead,
)
from services.common.auth import Principal
from services.common.errors import Conflict, NotFound, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor

FEED_ACTIONS = {
    ChangeKind.ADDED: Action.CREATE,
    ChangeKind.CHANGED: Action.UPDATE,
    ChangeKind.REMOVED: Action.WITHDRAW,
}


def to_read(version: CatalogVersion) -> VersionRead:
    base = f"/api/v1/catalog/agencies/{version.agency_id}"
    return VersionRead(
        agency_id=version.agency_id,
        number=version.number,
        current=version.current,
        note=version.note,
        item_count=version.item_count,
        published_at=version.published_at,
        links=VersionLinks(
            items=f"{base}/versions/{version.number}/items",
            excel=f"{base}/catalog.xlsx?version={version.number}",
        ),
    )


def snapshot(rows: Sequence[ItemFields], ids: Sequence[uuid.UUID]) -> Snapshot:
    return {i: (content_of(r), title_path(r)) for r, i in zip(rows, ids, strict=True)}


async def published_snapshot(session: AsyncSession, version: CatalogVersion | None) -> Snapshot:
    if version is None:
        return {}
    rows = await repository.items_of(session, version.id)
    return snapshot(rows, [r.item_id for r in rows])


def draft_snapshot(rows: Sequence[CatalogItem]) -> Snapshot:
    return snapshot(rows, [r.id for r in rows])


async def version(session: AsyncSession, agency_id: uuid.UUID, number: int) -> CatalogVersion:
    await agencies.get(session, agency_id)
    found = await repository.by_number(session, agency_id, number)
    if found is None:
        raise NotFound(f"该机关的目录没有第 {number} 版。", code="catalog-version-not-found")
    return found


async def publish(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID, note: str | None
) -> CatalogVersion:
    """The draft becomes the next version; refused when it equals the current one."""
    agency = await item_service.own_agency(session, caller, agency_id, action="发布")
    drafts = await items.of_agency(session, agency.id)
    current = await repository.current(session, agency.id)
    changes, _ = compare(await published_snapshot(session, current), draft_snapshot(drafts))
    if current is not None and not changes:
        raise Conflict(
            f"草稿与当前发布的第 {current.number} 版相同，无需发布。", code="catalog-unchanged"
        )
    if current is None and not drafts:
        raise Unprocessable("目录草稿为空，请先添加公开事项再发布。", code="catalog-empty")
    await repository.retire(session, agency.id)
    published = CatalogVersion(
        agency_id=agency.id,
        number=(current.number + 1) if current else 1,
        note=note,
        item_count=len(drafts),
        published_by=caller.subject,
    )
    session.add(published)
    await session.flush()
    for row in drafts:
        session.add(
            PublishedItem(
                **copy_columns(row),
                version_id=published.id,
                item_id=row.id,
                agency_id=agency.id,
                template_item_id=row.template_item_id,
            )
        )
    await session.flush()
    # Only published items are public: the version's changes are the items' feed events.
    for change in changes:
        await change_log.append(
            session, entity=Stream.CATALOG_ITEM, entity_id=change.id,
            action=FEED_ACTIONS[change.kind], agency_id=agency.id,
        )  # fmt: skip
    return published


async def listing(session: AsyncSession, agency_id: uuid.UUID) -> list[CatalogVersion]:
    await agencies.get(session, agency_id)
    return await repository.of_agency(session, agency_id)


async def diff(
    session: AsyncSession, *, agency_id: uuid.UUID, from_number: int, to_number: int
) -> CatalogDiff:
    before = await version(session, agency_id, from_number)
    after = await version(session, agency_id, to_number)
    changes, unchanged = compare(
        await published_snapshot(session, before), await published_snapshot(session, after)
    )
    return _diff(agency_id, from_number, to_number, changes, unchanged)


async def draft_changes(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID
) -> CatalogDiff:
    """What publishing the draft now would change (staff of the agency)."""
    agency = await item_service.own_agency(session, caller, agency_id, action="查看")
    current = await repository.current(session, agency.id)
    changes, unchanged = compare(
        await published_snapshot(session, current),
        draft_snapshot(await items.of_agency(session, agency.id)),
    )
    return _diff(agency.id, current.number if current else None, None, changes, unchanged)


def _diff(
    agency_id: uuid.UUID,
    from_number: int | None,
    to_number: int | None,
    changes: list[ItemChange],
    unchanged: int,
) -> CatalogDiff:
    kinds = Counter(c.kind for c in changes)
    return CatalogDiff(
        agency_id=agency_id,
        from_version=from_number,
        to_version=to_number,
        added=kinds[ChangeKind.ADDED],
        removed=kinds[ChangeKind.REMOVED],
        changed=kinds[ChangeKind.CHANGED],
        unchanged=unchanged,
        changes=changes,
    )


async def published_page(
    session: AsyncSession,
    *,
    agency_id: uuid.UUID | None,
    number: int | None,
    within: str | None,
    domain_id: uuid.UUID | None,
    mode: DisclosureMode | None,
    level: DisclosureLevel | None,
    page: PageParams,
    updated_since: dt.datetime | None = None,
) -> tuple[list[ItemRead], str | None]:
    """Published items: of one version, or of every agency's current version (browsing).

    An item changes only when a version publishes it, so ``updated_since`` keeps the items
    of versions published since then.
    """
    version_row = None
    if agency_id is not None and number is not None:
        version_row = await version(session, agency_id, number)
    elif agency_id is not None:
        await agencies.get(session, agency_id)
    prefix = (
        division_service.prefix_of(await division_service.get(session, within)) if within else None
    )
    family = await domain_service.family(session, domain_id) if domain_id else None
    keys = [column(PublishedItem.agency_id), column(PublishedItem.position),
            column(PublishedItem.item_id)]  # fmt: skip
    after = (
        after_key(keys, decode_cursor(page.cursor, keys), descending=False) if page.cursor else None
    )
    rows = await repository.page(
        session,
        version_id=version_row.id if version_row else None,
        agency_id=agency_id,
        division_prefix=prefix,
        conditions=[
            *items.row_filters(PublishedItem, domain_ids=family, mode=mode, level=level),
            *([repository.published_since(updated_since)] if updated_since else []),
        ],
        after=after,
        limit=page.limit + 1,
    )
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = (
        encode_cursor([rows[-1].agency_id, rows[-1].position, rows[-1].item_id]) if more else None
    )
    return await published_read(session, rows, number), cursor


async def published_read(
    session: AsyncSession, rows: Sequence[PublishedItem], number: int | None
) -> list[ItemRead]:
    names = await item_service.domain_names(session, rows)
    numbers: dict[uuid.UUID, int | None] = {}
    for row in rows:
        if row.agency_id not in numbers:
            current = await repository.current(session, row.agency_id)
            numbers[row.agency_id] = number or (current.number if current else None)
    return [
        item_service.to_read(
            r,
            item_id=r.item_id,
            agency_id=r.agency_id,
            names=names,
            status="published",
            version=numbers[r.agency_id],
            template_item_id=r.template_item_id,
        )
        for r in rows
    ]


async def domain_counts(
    session: AsyncSession,
    *,
    agency: Agency,
    mode: DisclosureMode | None,
    level: DisclosureLevel | None,
) -> DomainCountList:
    """The domains of the agency's current catalog with how many items each holds."""
    current = await repository.current(session, agency.id)
    rows = await repository.items_of(session, current.id) if current else []
    rows = [
        r
        for r in rows
        if (mode is None or r.mode == mode)
        and (level is None or getattr(r, f"level_{level.value}"))
    ]
    counts = Counter(r.domain_id for r in rows)
    found = await domains.get_many(session, list(counts))
    ordered = sorted(counts, key=lambda d: (found[d].position, found[d].name))
    return DomainCountList(
        agency_id=agency.id,
        version=current.number if current else None,
        items=[
            DomainCount(
                domain_id=d,
                domain_name=found[d].name,
                item_count=counts[d],
                links={
                    "items": f"/api/v1/catalog/items?agency={agency.id}&domain={d}",
                },
            )
            for d in ordered
        ],
    )
