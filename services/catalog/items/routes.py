"""HTTP routes of catalog items: staff edit their agency's draft; everyone reads published items."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from services.catalog import concurrency
from services.catalog.items import service
from services.catalog.items.models import DisclosureLevel, DisclosureMode
from services.catalog.items.schemas import (
    ItemContent,
    ItemList,
    ItemRead,
    ItemUpdate,
    LookupRequest,
    LookupResult,
)
from services.common.auth import STAFF_ROLES, Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.pagination import PageParams, next_link, page_params

router = APIRouter(prefix="/api/v1/catalog", tags=["公开事项"])

Editor = Annotated[
    Principal,
    requires(
        roles=[Role.EDITOR, Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN],
        scopes=["catalog:write"],
    ),
]
StaffReader = Annotated[Principal, requires(roles=STAFF_ROLES, scopes=["catalog:read"])]
Anyone = Annotated[Principal, public()]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=200, description="读取草稿时的 ETag")
]


@router.post(
    "/agencies/{agency_id}/items",
    status_code=201,
    response_model=ItemRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_item(
    agency_id: uuid.UUID, body: ItemContent, session: SessionDep, caller: Editor
) -> ItemRead:
    """在本机关的目录草稿中新增公开事项（发布后公众才能看到）."""
    item = await service.create(session, caller=caller, agency_id=agency_id, content=body)
    return (await service.drafts_read(session, [item]))[0]


@router.get(
    "/agencies/{agency_id}/draft/items",
    response_model=ItemList,
    responses=problem_responses(400, 401, 403, 404, 422),
)
async def list_draft_items(
    request: Request,
    agency_id: uuid.UUID,
    session: SessionDep,
    caller: StaffReader,
    page: Annotated[PageParams, Depends(page_params)],
    domain: Annotated[uuid.UUID | None, Query(description="领域")] = None,
    mode: Annotated[DisclosureMode | None, Query(description="公开方式")] = None,
    level: Annotated[DisclosureLevel | None, Query(description="公开层级")] = None,
) -> ItemList:
    """本机关的目录草稿（仅本机关工作人员）."""
    rows, cursor = await service.draft_page(
        session, caller=caller, agency_id=agency_id, domain_id=domain, mode=mode, level=level,
        page=page,
    )  # fmt: skip
    return ItemList(
        items=await service.drafts_read(session, rows),
        next_cursor=cursor,
        next=next_link(request, cursor),
    )


@router.post("/items/lookup", response_model=LookupResult, responses=problem_responses(422))
async def lookup_items(body: LookupRequest, session: SessionDep, caller: Anyone) -> LookupResult:
    """按编号核对公开事项是否存在（文件归类时使用）；草稿只对本机关工作人员可见."""
    return await service.lookup(session, caller=caller, ids=body.ids)


@router.get("/items/{item_id}", response_model=ItemRead, responses=problem_responses(404, 422))
async def read_item(
    item_id: uuid.UUID,
    session: SessionDep,
    caller: Anyone,
    response: Response,
    view: Annotated[
        Literal["published", "draft"], Query(description="draft：草稿（仅本机关工作人员）")
    ] = "published",
) -> ItemRead:
    """读取公开事项：默认为当前发布版本中的内容；草稿带 ETag，修改时放入 If-Match."""
    read = await service.read(session, caller=caller, item_id=item_id, draft=view == "draft")
    if view == "draft":
        item = await service.draft_item(session, caller, item_id)
        response.headers["ETag"] = concurrency.etag(item.updated_at)
    return read


@router.patch(
    "/items/{item_id}",
    response_model=ItemRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_item(
    item_id: uuid.UUID,
    body: ItemUpdate,
    session: SessionDep,
    caller: Editor,
    response: Response,
    if_match: IfMatch = None,
) -> ItemRead:
    """修改目录草稿中的事项（带 If-Match 时，事项已被他人修改则返回 412）."""
    item = await service.update(
        session, caller=caller, item_id=item_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = concurrency.etag(item.updated_at)
    return (await service.drafts_read(session, [item]))[0]


@router.delete("/items/{item_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
async def delete_item(item_id: uuid.UUID, session: SessionDep, caller: Editor) -> Response:
    """从目录草稿中删除事项；已发布的版本不受影响."""
    await service.delete(session, caller=caller, item_id=item_id)
    return Response(status_code=204)
