"""HTTP routes of interpretations (政策解读)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params
from services.documents.access import Anyone, Publisher, Writer
from services.documents.interpretations import service
from services.documents.interpretations.schemas import (
    InterpretationCreate,
    InterpretationList,
    InterpretationRead,
)
from services.documents.paths import DocumentId

router = APIRouter(prefix="/api/v1/documents", tags=["政策解读"])
Listing = Annotated[ListQuery, Depends(list_query(InterpretationRead))]


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
    body: InterpretationCreate, session: SessionDep, caller: Writer
) -> InterpretationRead:
    """登记解读材料（草稿），关联所解读的文件；文件发布时解读同步发布."""
    row = await service.create(session, caller=caller, data=body)
    return (await service.to_reads(session, caller, [row]))[0]


@router.get(
    "/interpretations/{interpretation_id}",
    response_model=InterpretationRead,
    responses=problem_responses(404, 422),
)
async def read_interpretation(
    interpretation_id: uuid.UUID, session: SessionDep, caller: Anyone
) -> InterpretationRead:
    """读取一份解读."""
    row = await service.get_visible(session, caller, interpretation_id)
    return (await service.to_reads(session, caller, [row]))[0]


@router.post(
    "/interpretations/{interpretation_id}/publish",
    response_model=InterpretationRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def publish_interpretation(
    interpretation_id: uuid.UUID, session: SessionDep, caller: Publisher
) -> InterpretationRead:
    """单独发布解读（所解读的文件须已发布，例如补充的解读）."""
    row = await service.publish(session, caller=caller, interpretation_id=interpretation_id)
    return (await service.to_reads(session, caller, [row]))[0]


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
