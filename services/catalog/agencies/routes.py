"""HTTP routes of agencies: public reads (the contract other services use), scoped writes."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from services.catalog import concurrency
from services.catalog.agencies import service
from services.catalog.agencies.models import AgencyKind
from services.catalog.agencies.schemas import (
    AgencyCreate,
    AgencyList,
    AgencyRead,
    AgencyUpdate,
    GuideRead,
    Regulation,
    RegulationList,
)
from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params

router = APIRouter(prefix="/api/v1/catalog/agencies", tags=["机关"])

Manager = Annotated[
    Principal,
    requires(roles=[Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN], scopes=["catalog:manage"]),
]
Anyone = Annotated[Principal, public()]
Listing = Annotated[ListQuery, Depends(list_query(AgencyRead))]


@router.get(
    "", response_model=AgencyList, responses={**problem_responses(400, 404, 422), **NOT_MODIFIED}
)
async def list_agencies(
    request: Request,
    session: SessionDep,
    _caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
    q: Annotated[
        str | None, Query(max_length=50, description="名称、简称或别称（如 市府办）包含")
    ] = None,
    division: Annotated[str | None, Query(max_length=12, description="所在区划代码")] = None,
    within: Annotated[
        str | None, Query(max_length=12, description="所在区划为此区划或其下级")
    ] = None,
    kind: Annotated[AgencyKind | None, Query(description="机关类别")] = None,
    parent_id: Annotated[uuid.UUID | None, Query(description="上级机关")] = None,
) -> Response:
    """机关列表，按名称排序；q 同时查全称、简称和别称，市府办 与 市人民政府办公室 互通."""
    rows, cursor = await service.list_page(
        session,
        q=q,
        division_code=division,
        within=within,
        kind=kind,
        parent_id=parent_id,
        page=page,
        updated_since=query.updated_since,
    )
    envelope = AgencyList(
        items=await service.to_reads(session, rows),
        next_cursor=cursor,
        next=next_link(request, cursor),
    )
    return list_response(request, envelope, query)


@router.get(
    "/by-code/{credit_code}", response_model=AgencyRead, responses=problem_responses(404, 422)
)
async def read_agency_by_code(
    credit_code: Annotated[str, Path(max_length=40)],
    session: SessionDep,
    _caller: Anyone,
) -> AgencyRead:
    """按统一社会信用代码读取机关；校验位不对时返回 422，未登记时返回 404."""
    return await service.to_read(session, await service.by_credit_code(session, credit_code))


@router.get("/{agency_id}", response_model=AgencyRead, responses=problem_responses(404, 422))
async def read_agency(
    agency_id: uuid.UUID, session: SessionDep, _caller: Anyone, response: Response
) -> AgencyRead:
    """按编号读取机关；带 ETag，修改时放入 If-Match."""
    agency = await service.get(session, agency_id)
    response.headers["ETag"] = concurrency.etag(agency.updated_at)
    return await service.to_read(session, agency)


@router.get("/{agency_id}/guide", response_model=GuideRead, responses=problem_responses(404, 422))
async def read_guide(agency_id: uuid.UUID, session: SessionDep, _caller: Anyone) -> GuideRead:
    """政府信息公开指南：指南全文、政府信息公开工作机构的联系方式和相关制度."""
    return service.guide(await service.get(session, agency_id))


@router.get(
    "/{agency_id}/regulations", response_model=RegulationList, responses=problem_responses(404, 422)
)
async def read_regulations(
    agency_id: uuid.UUID, session: SessionDep, _caller: Anyone
) -> RegulationList:
    """政府信息公开制度（如 主动公开制度、依申请公开工作规程）."""
    agency = await service.get(session, agency_id)
    return RegulationList(
        agency_id=agency.id, items=[Regulation.model_validate(r) for r in agency.regulations]
    )


@router.post(
    "",
    status_code=201,
    response_model=AgencyRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_agency(body: AgencyCreate, session: SessionDep, caller: Manager) -> AgencyRead:
    """登记机关（平台管理员，或上级机关的管理员登记下级机关）."""
    agency = await service.create(session, caller=caller, data=body)
    return await service.to_read(session, agency)


@router.patch(
    "/{agency_id}",
    response_model=AgencyRead,
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def update_agency(
    agency_id: uuid.UUID,
    body: AgencyUpdate,
    session: SessionDep,
    caller: Manager,
    response: Response,
    if_match: Annotated[
        str | None, Header(alias="If-Match", max_length=200, description="读取机关时的 ETag")
    ] = None,
) -> AgencyRead:
    """修改本机关的信息（本机关管理员或平台管理员；带 If-Match 时，已被他人修改则返回 412）."""
    agency = await service.update(
        session, caller=caller, agency_id=agency_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = concurrency.etag(agency.updated_at)
    return await service.to_read(session, agency)
