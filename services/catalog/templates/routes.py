"""HTTP routes of templates (标准指引) and of agencies' instances of them."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from services.catalog.items.schemas import ItemContent, ItemUpdate
from services.catalog.templates import service
from services.catalog.templates.schemas import (
    Comparison,
    InstanceCreate,
    InstanceList,
    InstanceRead,
    PullRequest,
    PullResult,
    TemplateCreate,
    TemplateList,
    TemplateRead,
)
from services.common.auth import STAFF_ROLES, Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses

router = APIRouter(prefix="/api/v1/catalog", tags=["标准指引"])

Admin = Annotated[Principal, requires(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])]
Editor = Annotated[
    Principal,
    requires(
        roles=[Role.EDITOR, Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["catalog:write"],
    ),
]
StaffReader = Annotated[Principal, requires(roles=STAFF_ROLES, scopes=["catalog:read"])]
Anyone = Annotated[Principal, public()]


@router.get("/templates", response_model=TemplateList, responses=problem_responses(422))
async def list_templates(
    session: SessionDep,
    _caller: Anyone,
    domain: Annotated[uuid.UUID | None, Query(description="领域")] = None,
) -> TemplateList:
    """标准指引列表."""
    return TemplateList(items=[service.summary(t) for t in await service.listing(session, domain)])


@router.get(
    "/templates/{template_id}", response_model=TemplateRead, responses=problem_responses(404, 422)
)
async def read_template(
    template_id: uuid.UUID, session: SessionDep, _caller: Anyone
) -> TemplateRead:
    """读取标准指引及其全部事项."""
    return await service.to_read(session, await service.get(session, template_id))


@router.post(
    "/templates",
    status_code=201,
    response_model=TemplateRead,
    responses=problem_responses(401, 403, 422),
)
async def create_template(
    body: TemplateCreate, session: SessionDep, _caller: Admin
) -> TemplateRead:
    """登记一个领域的标准指引（平台管理员）."""
    return await service.to_read(session, await service.create(session, data=body))


@router.post(
    "/templates/{template_id}/items",
    status_code=201,
    response_model=TemplateRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def add_template_item(
    template_id: uuid.UUID, body: ItemContent, session: SessionDep, _caller: Admin
) -> TemplateRead:
    """在指引中增加事项；指引修订号加一."""
    template = await service.add_item(session, template_id=template_id, content=body)
    return await service.to_read(session, template)


@router.patch(
    "/templates/{template_id}/items/{item_id}",
    response_model=TemplateRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_template_item(
    template_id: uuid.UUID,
    item_id: uuid.UUID,
    body: ItemUpdate,
    session: SessionDep,
    _caller: Admin,
) -> TemplateRead:
    """修改指引中的事项；指引修订号加一."""
    template = await service.update_item(
        session, template_id=template_id, item_id=item_id, data=body
    )
    return await service.to_read(session, template)


@router.delete(
    "/templates/{template_id}/items/{item_id}",
    response_model=TemplateRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def delete_template_item(
    template_id: uuid.UUID, item_id: uuid.UUID, session: SessionDep, _caller: Admin
) -> TemplateRead:
    """删除指引中的事项；指引修订号加一."""
    template = await service.delete_item(session, template_id=template_id, item_id=item_id)
    return await service.to_read(session, template)


@router.post(
    "/agencies/{agency_id}/instances",
    status_code=201,
    response_model=InstanceRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def instantiate_template(
    agency_id: uuid.UUID, body: InstanceCreate, session: SessionDep, caller: Editor
) -> InstanceRead:
    """按标准指引生成本机关的目录草稿，并替换为本机关的公开主体、渠道和咨询电话."""
    instance = await service.instantiate(session, caller=caller, agency_id=agency_id, data=body)
    return service.instance_read(instance, await service.get(session, instance.template_id))


@router.get(
    "/agencies/{agency_id}/instances",
    response_model=InstanceList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_instances(
    agency_id: uuid.UUID, session: SessionDep, caller: StaffReader
) -> InstanceList:
    """本机关由哪些指引生成了目录，是否已跟上指引的修订."""
    return InstanceList(items=await service.instances(session, caller=caller, agency_id=agency_id))


@router.get(
    "/agencies/{agency_id}/instances/{instance_id}/comparison",
    response_model=Comparison,
    responses=problem_responses(401, 403, 404, 422),
)
async def compare_instance(
    agency_id: uuid.UUID, instance_id: uuid.UUID, session: SessionDep, caller: StaffReader
) -> Comparison:
    """指引自上次同步以来的变化，并列出本机关草稿中的对应值."""
    _, instance = await service.own_instance(session, caller, agency_id, instance_id)
    return await service.compare(session, instance)


@router.post(
    "/agencies/{agency_id}/instances/{instance_id}/pull",
    response_model=PullResult,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def pull_instance(
    agency_id: uuid.UUID,
    instance_id: uuid.UUID,
    body: PullRequest,
    session: SessionDep,
    caller: Editor,
) -> PullResult:
    """把指引的变化同步到本机关的目录草稿（本机关替换过的主体、渠道、电话保持不变）."""
    return await service.pull(
        session,
        caller=caller,
        agency_id=agency_id,
        instance_id=instance_id,
        only=body.template_item_ids,
    )
