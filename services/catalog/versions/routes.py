"""HTTP routes of versions and public browsing of published catalogs."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.catalog.agencies import service as agencies
from services.catalog.items.models import DisclosureLevel, DisclosureMode
from services.catalog.items.schemas import ItemList, ItemRead
from services.catalog.versions import service
from services.catalog.versions.schemas import (
    CatalogDiff,
    DomainCountList,
    PublishRequest,
    VersionList,
    VersionRead,
)
from services.common.auth import STAFF_ROLES, Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params

router = APIRouter(prefix="/api/v1/catalog", tags=["目录版本与浏览"])

Publisher = Annotated[
    Principal,
    requires(
        roles=[Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["catalog:publish"],
        step_up=True,
    ),
]
StaffReader = Annotated[Principal, requires(roles=STAFF_ROLES, scopes=["catalog:read"])]
Anyone = Annotated[Principal, public()]
Mode = Annotated[
    DisclosureMode | None, Query(description="公开方式：proactive 主动 / on_request 依申请")
]
Level = Annotated[
    DisclosureLevel | None, Query(description="公开层级：city 市级 / county 县级 / township 乡级")
]
# Bounded so an absurd number is a 422, never an integer overflow in the database.
MAX_VERSION = 1_000_000
VersionNumber = Annotated[int, Path(ge=1, le=MAX_VERSION, description="版本号")]
Domain = Annotated[uuid.UUID | None, Query(description="领域（含并入它的领域）")]
Listing = Annotated[ListQuery, Depends(list_query(ItemRead))]


@router.post(
    "/agencies/{agency_id}/versions",
    status_code=201,
    response_model=VersionRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def publish_version(
    agency_id: uuid.UUID, body: PublishRequest, session: SessionDep, caller: Publisher
) -> VersionRead:
    """把目录草稿发布为新版本（需 15 分钟内的多因素认证）；此前的版本仍可查阅."""
    published = await service.publish(session, caller=caller, agency_id=agency_id, note=body.note)
    return service.to_read(published)


@router.get(
    "/agencies/{agency_id}/versions",
    response_model=VersionList,
    responses=problem_responses(404, 422),
)
async def list_versions(agency_id: uuid.UUID, session: SessionDep, _caller: Anyone) -> VersionList:
    """该机关目录的全部发布版本，新版在前."""
    return VersionList(
        items=[service.to_read(v) for v in await service.listing(session, agency_id)]
    )


@router.get(
    "/agencies/{agency_id}/versions/{number}",
    response_model=VersionRead,
    responses=problem_responses(404, 422),
)
async def read_version(
    agency_id: uuid.UUID, number: VersionNumber, session: SessionDep, _caller: Anyone
) -> VersionRead:
    """读取一个发布版本."""
    return service.to_read(await service.version(session, agency_id, number))


@router.get(
    "/agencies/{agency_id}/versions/{number}/items",
    response_model=ItemList,
    responses={**problem_responses(400, 404, 422), **NOT_MODIFIED},
)
async def list_version_items(
    request: Request,
    agency_id: uuid.UUID,
    number: VersionNumber,
    session: SessionDep,
    _caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
    domain: Domain = None,
    mode: Mode = None,
    level: Level = None,
) -> Response:
    """某一发布版本中的公开事项（updated_since 晚于该版本发布时为空）."""
    rows, cursor = await service.published_page(
        session, agency_id=agency_id, number=number, within=None, domain_id=domain, mode=mode,
        level=level, page=page, updated_since=query.updated_since,
    )  # fmt: skip
    envelope = ItemList(items=rows, next_cursor=cursor, next=next_link(request, cursor))
    return list_response(request, envelope, query)


@router.get(
    "/agencies/{agency_id}/diff",
    response_model=CatalogDiff,
    responses=problem_responses(404, 422),
)
async def diff_versions(
    agency_id: uuid.UUID,
    session: SessionDep,
    _caller: Anyone,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_VERSION, description="起始版本号")],
    to: Annotated[int, Query(ge=1, le=MAX_VERSION, description="目标版本号")],
) -> CatalogDiff:
    """两个发布版本之间的差异：新增、删除、修改了哪些事项的哪些栏目."""
    return await service.diff(session, agency_id=agency_id, from_number=from_, to_number=to)


@router.get(
    "/agencies/{agency_id}/draft/changes",
    response_model=CatalogDiff,
    responses=problem_responses(401, 403, 404, 422),
)
async def draft_changes(
    agency_id: uuid.UUID, session: SessionDep, caller: StaffReader
) -> CatalogDiff:
    """草稿相对当前发布版本的变化（仅本机关工作人员）."""
    return await service.draft_changes(session, caller=caller, agency_id=agency_id)


@router.get(
    "/agencies/{agency_id}/domains",
    response_model=DomainCountList,
    responses=problem_responses(404, 422),
)
async def agency_domains(
    agency_id: uuid.UUID,
    session: SessionDep,
    _caller: Anyone,
    mode: Mode = None,
    level: Level = None,
) -> DomainCountList:
    """该机关当前发布的目录涉及的领域及各领域事项数."""
    agency = await agencies.get(session, agency_id)
    return await service.domain_counts(session, agency=agency, mode=mode, level=level)


@router.get(
    "/items",
    response_model=ItemList,
    responses={**problem_responses(400, 404, 422), **NOT_MODIFIED},
)
async def browse_items(
    request: Request,
    session: SessionDep,
    _caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
    agency: Annotated[uuid.UUID | None, Query(description="机关")] = None,
    within: Annotated[
        str | None, Query(max_length=12, description="所在区划为此区划或其下级的机关")
    ] = None,
    domain: Domain = None,
    mode: Mode = None,
    level: Level = None,
) -> Response:
    """浏览各机关当前发布的目录：区划 → 机关 → 领域 → 事项，可按公开方式、公开层级筛选."""
    rows, cursor = await service.published_page(
        session, agency_id=agency, number=None, within=within, domain_id=domain, mode=mode,
        level=level, page=page, updated_since=query.updated_since,
    )  # fmt: skip
    envelope = ItemList(items=rows, next_cursor=cursor, next=next_link(request, cursor))
    return list_response(request, envelope, query)
