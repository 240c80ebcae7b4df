"""HTTP routes of the change feed: JSON pages, NDJSON streams and the Atom feed."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import StreamingResponse

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.access import Anyone
from services.documents.feed import atom, repository, service
from services.documents.feed.models import Stream
from services.documents.feed.schemas import FeedPage

router = APIRouter(prefix="/feeds", tags=["开放数据变更流"])

# Documents carry their full text: pages and stream batches stay small enough to hold.
MAX_LIMIT = 200
STREAM_BATCH = 50
NDJSON = "application/x-ndjson"
ATOM = "application/atom+xml; charset=utf-8"
PROBLEMS = problem_responses(422)

After = Annotated[int, Query(ge=0, description="只返回序号大于此值的事件；首次同步为 0")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"每页事件数，1–{MAX_LIMIT}")]


def filters(
    agency: Annotated[uuid.UUID | None, Query(description="发文机关（含联合发文）")] = None,
    type: Annotated[str | None, Query(max_length=32, description="文件类型代码")] = None,
    category: Annotated[str | None, Query(max_length=16, description="主题分类代码")] = None,
    catalog_item: Annotated[uuid.UUID | None, Query(description="政务公开事项")] = None,
) -> service.Filters:
    return service.Filters(agency=agency, type=type, category=category, catalog_item=catalog_item)


FiltersDep = Annotated[service.Filters, Depends(filters)]


async def _page(
    request: Request, session: SessionDep, stream: Stream, after: int, limit: int,
    chosen: service.Filters,
) -> FeedPage:  # fmt: skip
    items, last, more = await service.page(
        session, stream, after=after, limit=limit, filters=chosen
    )
    following = str(request.url.include_query_params(after=last)) if more else None
    return FeedPage(items=items, last_sequence=last, next=following)


def _ndjson(request: Request, stream: Stream, after: int, chosen: service.Filters) -> Response:
    """Streams every event after ``after`` up to the head at the start, one JSON per line."""
    sessions = request.app.state.db.sessions

    async def lines() -> AsyncIterator[bytes]:
        # Short sessions per batch: a slow reader must not hold a transaction open.
        async with sessions() as session:
            until = await repository.head(session, stream)
        position = after
        while position < until:
            async with sessions() as session:
                events = await repository.events(
                    session, stream, after=position, limit=STREAM_BATCH, facets=chosen.facets()
                )
                events = [e for e in events if (e.sequence or 0) <= until]
                if not events:
                    return
                items = await service.render(session, events)
            position = int(events[-1].sequence or position)
            yield b"".join(orjson.dumps(i.model_dump(mode="json")) + b"\n" for i in items)

    return StreamingResponse(lines(), media_type=NDJSON)


@router.get("/documents", response_model=FeedPage, responses=PROBLEMS)
async def documents_feed(
    request: Request, session: SessionDep, _caller: Anyone, chosen: FiltersDep,
    after: After = 0, limit: Limit = 100,
) -> FeedPage:  # fmt: skip
    """文件变更流（JSON，按序号分页）：新公开、更新和撤回（墓碑），只含公众可见的记录."""
    return await _page(request, session, Stream.DOCUMENT, after, limit, chosen)


@router.get("/documents.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def documents_stream(
    request: Request, _caller: Anyone, chosen: FiltersDep, after: After = 0
) -> Response:
    """文件变更流（NDJSON 流式）：从 after 之后直到当前最新，每行一个事件."""
    return _ndjson(request, Stream.DOCUMENT, after, chosen)


@router.get("/documents.atom", response_class=Response, responses=PROBLEMS)
async def documents_atom(
    request: Request, session: SessionDep, _caller: Anyone, chosen: FiltersDep,
    limit: Annotated[int, Query(ge=1, le=100, description="条目数")] = 50,
) -> Response:  # fmt: skip
    """文件变更 Atom 订阅源（可按机关、文件类型、主题分类筛选）."""
    items = await service.latest(session, Stream.DOCUMENT, limit=limit, filters=chosen)
    base = str(request.base_url).rstrip("/")
    body = atom.render(items, base=base, self_url=str(request.url), title="政府文件更新")
    return Response(body, media_type=ATOM)


@router.get("/interpretations", response_model=FeedPage, responses=PROBLEMS)
async def interpretations_feed(
    request: Request, session: SessionDep, _caller: Anyone, chosen: FiltersDep,
    after: After = 0, limit: Limit = 100,
) -> FeedPage:  # fmt: skip
    """政策解读变更流（JSON，按序号分页）."""
    return await _page(request, session, Stream.INTERPRETATION, after, limit, chosen)


@router.get("/interpretations.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def interpretations_stream(
    request: Request, _caller: Anyone, chosen: FiltersDep, after: After = 0
) -> Response:
    """政策解读变更流（NDJSON 流式）."""
    return _ndjson(request, Stream.INTERPRETATION, after, chosen)


@router.get("/gazette", response_model=FeedPage, responses=PROBLEMS)
async def gazette_feed(
    request: Request, session: SessionDep, _caller: Anyone, chosen: FiltersDep,
    after: After = 0, limit: Limit = 100,
) -> FeedPage:  # fmt: skip
    """政府公报变更流（JSON，按序号分页）."""
    return await _page(request, session, Stream.GAZETTE_ISSUE, after, limit, chosen)


@router.get("/gazette.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def gazette_stream(
    request: Request, _caller: Anyone, chosen: FiltersDep, after: After = 0
) -> Response:
    """政府公报变更流（NDJSON 流式）."""
    return _ndjson(request, Stream.GAZETTE_ISSUE, after, chosen)
