"""HTTP routes of interpretations (政策解读)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params
from services.documents.access import Anyone, Publisher, Writer
from services.documents.interpretations import service
from services.documents.interpretations.models import Interpretation
from services.documents.interpretations.schemas import (
    InterpretationCreate,
    InterpretationList,
    InterpretationRead,
    InterpretationUpdate,
)
from services.documents.paths import DocumentId
from services.documents.revisions import service as revisions
from services.documents.revisions.schemas import RevisionList, WithdrawBody

router = APIRouter(prefix="/api/v1/documents", tags=["政策解读"])
Listing = Annotated[ListQuery, Depends(list_query(InterpretationRead))]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=200, description="读取时的 ETag")
]


async def _read(
    session: AsyncSession, caller: Principal, row: Interpretation, response: Response
) -> InterpretationRead:
    response.headers["ETag"] = revisions.etag(row.updated_at)
    return (await service.to_reads(session, caller, [row]))[0]


@router.get(
    "/interpretations",
    response_model=InterpretationList,
    responses={**problem_responses(400, 422), **NOT_MODIFIED},
)
async def list_interpretations(
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
) -> Response:
    """政策解读列表（公众只看到已发布、且所解读文件公开的解读）."""
    rows, cursor = await service.list_page(
        session, caller=caller, document_id=None, page=page, updated_since=query.updated_since
    )
    envelope = InterpretationList(
        items=await service.to_reads(session, caller, rows),
        next_cursor=cursor,
        next=next_link(request, cursor),
    )
    return list_response(request, envelope, query)


@router.post(
    "/interpretations",
    status_code=201,
    response_model=InterpretationRead,
    responses=problem_responses(401, 403, 422),
)
async def create_interpretation(
    body: InterpretationCreate, response: Response, session: SessionDep, caller: Writer
) -> InterpretationRead:
    """登记解读材料（草稿），关联所解读的文件；文件发布时解读同步发布."""
    row = await service.create(session, caller=caller, data=body)
    return await _read(session, caller, row, response)


@router.get(
    "/interpretations/{interpretation_id}",
    response_model=InterpretationRead,
    responses=problem_responses(404, 422),
)
async def read_interpretation(
    interpretation_id: uuid.UUID, response: Response, session: SessionDep, caller: Anyone
) -> InterpretationRead:
    """读取一份解读（带 ETag）."""
    row = await service.get_visible(session, caller, interpretation_id)
    return await _read(session, caller, row, response)


@router.patch(
    "/interpretations/{interpretation_id}",
    response_model=InterpretationRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_interpretation(
    interpretation_id: uuid.UUID,
    body: InterpretationUpdate,
    response: Response,
    session: SessionDep,
    caller: Writer,
    if_match: IfMatch = None,
) -> InterpretationRead:
    """修改解读（须带 If-Match）；已发布的解读须填写修改原因，并留存版本."""
    row = await service.update(
        session, caller=caller, interpretation_id=interpretation_id, data=body, if_match=if_match
    )
    return await _read(session, caller, row, response)


@router.delete(
    "/interpretations/{interpretation_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def delete_interpretation(
    interpretation_id: uuid.UUID, session: SessionDep, caller: Writer
) -> Response:
    """删除解读草稿；已发布的解读只能撤回."""
    await service.delete(session, caller=caller, interpretation_id=interpretation_id)
    return Response(status_code=204)


@router.post(
    "/interpretations/{interpretation_id}/withdraw",
    response_model=InterpretationRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def withdraw_interpretation(
    interpretation_id: uuid.UUID,
    body: WithdrawBody,
    response: Response,
    session: SessionDep,
    caller: Publisher,
) -> InterpretationRead:
    """撤回已发布的解读（公众不再可见，记录保留）；写明原因."""
    row = await service.withdraw(
        session, caller=caller, interpretation_id=interpretation_id, reason=body.reason
    )
    return await _read(session, caller, row, response)


@router.get(
    "/interpretations/{interpretation_id}/versions",
    response_model=RevisionList,
    responses=problem_responses(404, 422),
)
async def interpretation_versions(
    interpretation_id: uuid.UUID, session: SessionDep, caller: Anyone
) -> RevisionList:
    """已发布解读的发布、修改和撤回记录：何时、为何、改了什么（修改人仅本机关可见）."""
    return RevisionList(
        items=await service.versions(session, caller=caller, interpretation_id=interpretation_id)
    )


@router.post(
    "/interpretations/{interpretation_id}/publish",
    response_model=InterpretationRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def publish_interpretation(
    interpretation_id: uuid.UUID, response: Response, session: SessionDep, caller: Publisher
) -> InterpretationRead:
    """单独发布解读（所解读的文件须已发布，例如补充的解读）."""
    row = await service.publish(session, caller=caller, interpretation_id=interpretation_id)
    return await _read(session, caller, row, response)


@router.get(
    "/{document_id}/interpretations",
    response_model=InterpretationList,
    responses={**problem_responses(400, 404, 422), **NOT_MODIFIED},
)
async def document_interpretations(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
) -> Response:
    """文件的政策解读."""
    rows, cursor = await service.list_page(
        session, caller=caller, document_id=document_id, page=page,
        updated_since=query.updated_since,
    )  # fmt: skip
    envelope = InterpretationList(
        items=await service.to_reads(session, caller, rows),
        next_cursor=cursor,
        next=next_link(request, cursor),
    )
    return list_response(request, envelope, query)
