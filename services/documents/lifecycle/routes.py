"""HTTP routes of the lifecycle: publish, amend, repeal, expiry, events and validity."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from services.common.db import SessionDep
from services.common.errors import NotFound, problem_responses
from services.common.isodates import IsoDateTime
from services.common.pagination import PageParams, next_link, page_params
from services.documents.access import Admin, Anyone, Publisher
from services.documents.lifecycle import repository, service
from services.documents.lifecycle.models import VALIDITY_LABELS, EventKind, Validity
from services.documents.lifecycle.schemas import (
    AmendBody,
    EventFeed,
    EventList,
    EventRead,
    ExpiryResult,
    IntervalRead,
    PublishBody,
    RepealBody,
    ValidityHistory,
)
from services.documents.paths import DocumentId
from services.documents.records import present
from services.documents.records import service as records
from services.documents.records.routes import IfMatch
from services.documents.records.schemas import DocumentRead

router = APIRouter(prefix="/api/v1/documents", tags=["文件生命周期"])

WRITE_PROBLEMS = problem_responses(401, 403, 404, 409, 412, 422)


@router.post("/expiries", response_model=ExpiryResult, responses=problem_responses(401, 403))
async def record_expiries(session: SessionDep, _caller: Admin) -> ExpiryResult:
    """记录有效期已届满文件的失效事件（可定时调用，重复调用无副作用）."""
    return ExpiryResult(expired=await service.record_expiries(session))


@router.get("/events", response_model=EventFeed, responses=problem_responses(400, 422))
async def event_feed(
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    since: Annotated[IsoDateTime | None, Query(description="此时刻以后记录的事件")] = None,
    kind: Annotated[EventKind | None, Query(description="事件类型")] = None,
) -> EventFeed:
    """全部文件的生命周期事件（发布、修改、废止、失效 …），按记录时间先后；公众只见公开文件的."""
    items, cursor = await service.feed(session, caller=caller, since=since, kind=kind, page=page)
    return EventFeed(items=items, next_cursor=cursor, next=next_link(request, cursor))


@router.post("/{document_id}/publish", response_model=DocumentRead, responses=WRITE_PROBLEMS)
async def publish(
    document_id: DocumentId,
    response: Response,
    session: SessionDep,
    caller: Publisher,
    body: PublishBody | None = None,
    if_match: IfMatch = None,
) -> DocumentRead:
    """发布文件：须已确定公开属性；政策性文件须同步发布解读（三同步）."""
    document = await service.publish(
        session,
        caller=caller,
        document_id=document_id,
        data=body or PublishBody(),
        if_match=if_match,
    )
    response.headers["ETag"] = present.etag(document)
    return await present.read(session, document)


@router.post("/{document_id}/amend", response_model=DocumentRead, responses=WRITE_PROBLEMS)
async def amend(
    document_id: DocumentId,
    body: AmendBody,
    response: Response,
    session: SessionDep,
    caller: Publisher,
    if_match: IfMatch = None,
) -> DocumentRead:
    """登记后一文件对本文件的修改（已修改或部分失效），两份文件相互关联."""
    document = await service.amend(
        session, caller=caller, document_id=document_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = present.etag(document)
    return await present.read(session, document)


@router.post("/{document_id}/repeal", response_model=DocumentRead, responses=WRITE_PROBLEMS)
async def repeal(
    document_id: DocumentId,
    body: RepealBody,
    response: Response,
    session: SessionDep,
    caller: Publisher,
    if_match: IfMatch = None,
) -> DocumentRead:
    """废止文件：日期、作出废止的文件或决定、理由."""
    document = await service.repeal(
        session, caller=caller, document_id=document_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = present.etag(document)
    return await present.read(session, document)


@router.get(
    "/{document_id}/events", response_model=EventList, responses=problem_responses(404, 422)
)
async def list_events(document_id: DocumentId, session: SessionDep, caller: Anyone) -> EventList:
    """文件的生命周期事件（发布、修改、废止、失效 …），以及它对其他文件作出的修改和废止."""
    return EventList(items=await service.events(session, caller=caller, document_id=document_id))


@router.get(
    "/{document_id}/events/{event_id}",
    response_model=EventRead,
    responses=problem_responses(404, 422),
)
async def read_event(
    document_id: DocumentId, event_id: uuid.UUID, session: SessionDep, caller: Anyone
) -> EventRead:
    """文件的一个生命周期事件."""
    for event in await service.events(session, caller=caller, document_id=document_id):
        if event.id == event_id:
            return event
    raise NotFound(f"该文件没有编号为 {event_id} 的事件。", code="event-not-found")


@router.get(
    "/{document_id}/validity",
    response_model=ValidityHistory,
    responses=problem_responses(404, 422),
)
async def validity_history(
    document_id: DocumentId, session: SessionDep, caller: Anyone
) -> ValidityHistory:
    """有效性的各个时段及其原因."""
    document = await records.get_visible(session, caller, document_id)
    rows = await repository.intervals(session, document.id)
    return ValidityHistory(
        items=[
            IntervalRead(
                status=Validity(r.status),
                label=VALIDITY_LABELS[Validity(r.status)],
                starts_on=r.starts_on,
                ends_on=r.ends_on,
                cause=r.cause,
            )
            for r in rows
        ]
    )
