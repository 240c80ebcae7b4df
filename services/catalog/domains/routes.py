"""HTTP routes of domains: public reads; renames, merges and extensions by their managers."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.catalog.domains import service
from services.catalog.domains.schemas import (
    DomainCreate,
    DomainList,
    DomainMerge,
    DomainRead,
    DomainUpdate,
)
from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses

router = APIRouter(prefix="/api/v1/catalog/domains", tags=["领域"])

Manager = Annotated[
    Principal,
    requires(roles=[Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN], scopes=["catalog:manage"]),
]


@router.get("", response_model=DomainList, responses=problem_responses(422))
async def list_domains(
    session: SessionDep,
    _caller: Annotated[Principal, public()],
    division: Annotated[
        str | None,
        Query(max_length=12, description="只列全国领域和该区划（及其上级）增设的领域"),
    ] = None,
    include_merged: Annotated[bool, Query(description="也列出已并入其他领域的")] = False,
) -> DomainList:
    """领域列表：26 个试点领域（按国办发〔2019〕54号的顺序）和地方增设的领域."""
    rows = await service.listing(session, division_code=division, include_merged=include_merged)
    return DomainList(items=[service.to_read(d) for d in rows])


@router.get("/{domain_id}", response_model=DomainRead, responses=problem_responses(404, 422))
async def read_domain(
    domain_id: uuid.UUID, session: SessionDep, _caller: Annotated[Principal, public()]
) -> DomainRead:
    """按编号读取领域."""
    return service.to_read(await service.get(session, domain_id))


@router.post(
    "", status_code=201, response_model=DomainRead, responses=problem_responses(401, 403, 409, 422)
)
async def create_domain(body: DomainCreate, session: SessionDep, caller: Manager) -> DomainRead:
    """地方增设领域（如 自然资源），供该区划及其下级的机关使用."""
    return service.to_read(await service.create(session, caller=caller, data=body))


@router.patch(
    "/{domain_id}", response_model=DomainRead, responses=problem_responses(401, 403, 404, 409, 422)
)
async def rename_domain(
    domain_id: uuid.UUID, body: DomainUpdate, session: SessionDep, caller: Manager
) -> DomainRead:
    """领域更名（如 扶贫 → 乡村振兴）；原名称保留在 former_names 中，导入时仍能识别."""
    domain = await service.rename(session, caller=caller, domain_id=domain_id, name=body.name)
    return service.to_read(domain)


@router.post(
    "/{domain_id}/merge",
    response_model=DomainRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def merge_domain(
    domain_id: uuid.UUID, body: DomainMerge, session: SessionDep, caller: Manager
) -> DomainRead:
    """把领域并入另一领域：草稿和指引中的事项随之迁移，已发布的版本保持原样."""
    domain = await service.merge(session, caller=caller, domain_id=domain_id, into=body.into)
    return service.to_read(domain)
