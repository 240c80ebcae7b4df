"""HTTP routes of divisions: public reads, platform-admin writes."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.catalog.divisions import service
from services.catalog.divisions.models import LEVEL_LABELS, Division, DivisionLevel
from services.catalog.divisions.schemas import (
    DivisionCreate,
    DivisionImport,
    DivisionImportResult,
    DivisionLinks,
    DivisionList,
    DivisionRead,
    DivisionUpdate,
)
from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import PageParams, next_link, page_params

router = APIRouter(prefix="/api/v1/catalog/divisions", tags=["行政区划"])

Admin = Annotated[Principal, requires(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])]


def to_read(division: Division) -> DivisionRead:
    return DivisionRead(
        code=division.code,
        name=division.name,
        level=division.level,
        level_label=LEVEL_LABELS[DivisionLevel(division.level)],
        parent_code=division.parent_code,
        publication_deadline_days=division.publication_deadline_days,
        links=DivisionLinks(
            children=f"/api/v1/catalog/divisions?parent={division.code}",
            agencies=f"/api/v1/catalog/agencies?division={division.code}",
            items=f"/api/v1/catalog/items?within={division.code}",
        ),
    )


@router.get("", response_model=DivisionList, responses=problem_responses(400, 404, 422))
async def list_divisions(
    request: Request,
    session: SessionDep,
    _caller: Annotated[Principal, public()],
    page: Annotated[PageParams, Depends(page_params)],
    parent: Annotated[str | None, Query(max_length=12, description="上级区划代码")] = None,
    level: Annotated[DivisionLevel | None, Query(description="层级")] = None,
    within: Annotated[
        str | None, Query(max_length=12, description="只列此区划及其下级（按代码前缀）")
    ] = None,
    q: Annotated[str | None, Query(max_length=50, description="名称包含")] = None,
) -> DivisionList:
    """行政区划列表，按代码排序."""
    divisions, cursor = await service.list_page(
        session, parent_code=parent, level=level, within=within, q=q, page=page
    )
    return DivisionList(
        items=[to_read(d) for d in divisions], next_cursor=cursor, next=next_link(request, cursor)
    )


@router.get("/{code}", response_model=DivisionRead, responses=problem_responses(404))
async def read_division(
    code: str, session: SessionDep, _caller: Annotated[Principal, public()]
) -> DivisionRead:
    """按行政区划代码读取一个区划."""
    return to_read(await service.get(session, code))


@router.post(
    "", status_code=201, response_model=DivisionRead, responses=problem_responses(401, 403, 422)
)
async def create_division(
    body: DivisionCreate, session: SessionDep, _caller: Admin
) -> DivisionRead:
    """新增一个行政区划（平台管理员）."""
    return to_read(await service.create(session, data=body))


@router.patch("/{code}", response_model=DivisionRead, responses=problem_responses(401, 403, 404))
async def update_division(
    code: str, body: DivisionUpdate, session: SessionDep, _caller: Admin
) -> DivisionRead:
    """修改区划名称或主动公开期限（平台管理员）."""
    return to_read(await service.update(session, code=code, data=body))


@router.post(
    "/import", response_model=DivisionImportResult, responses=problem_responses(401, 403, 422)
)
async def import_divisions(
    body: DivisionImport, session: SessionDep, _caller: Admin
) -> DivisionImportResult:
    """批量导入区划：已有的更新名称，没有的新建；可重复执行."""
    created, updated = await service.load(session, rows=body.divisions)
    return DivisionImportResult(created=created, updated=updated)
