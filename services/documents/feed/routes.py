"""HTTP routes of the change feed: JSON pages and NDJSON streams per stream, the Atom feed."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.access import Anyone
from services.documents.feed import atom, service
from services.documents.feed.models import Stream
from services.documents.feed.schemas import STREAMS, DocumentFeed, FeedPage

router = APIRouter(prefix="/feeds", tags=["开放数据变更流"])

# Documents carry their full text: pages and stream batches stay small enough to hold.
MAX_LIMIT = 200
STREAM_BATCH = 50
ATOM = "application/atom+xml; charset=utf-8"
PROBLEMS = problem_responses(422)

After = Annotated[int, Query(ge=0, description="只返回序号大于此值的事件；首次同步为 0")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"每页事件数，1–{MAX_LIMIT}")]
StreamName = Annotated[
    DocumentFeed, Path(description="documents 文件、interpretations 政策解读、gazette 政府公报")
]


def filters(
    agency: Annotated[uuid.UUID | None, Query(description="发文机关（含联合发文）")] = None,
    type: Annotated[str | None, Query(max_length=32, description="文件类型代码")] = None,
    category: Annotated[str | None, Query(max_length=16, description="主题分类代码")] = None,
    catalog_item: Annotated[uuid.UUID | None, Query(description="政务公开事项")] = None,
) -> service.Filters:
    return service.Filters(agency=agency, type=type, category=category, catalog_item=catalog_item)


FiltersDep = Annotated[service.Filters, Depends(filters)]


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


# Declared after the Atom route and before the JSON one: "{stream}" alone would match both.
@router.get("/{stream}.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def feed_stream(
    request: Request, stream: StreamName, _caller: Anyone, chosen: FiltersDep, after: After = 0
) -> Response:
    """变更流（NDJSON 流式）：从 after 之后直到当前最新，每行一个事件."""
    reader = service.reader(STREAMS[stream], chosen)
    return reader.ndjson(request.app.state.db.sessions, after=after, batch=STREAM_BATCH)


@router.get("/{stream}", response_model=FeedPage, responses=PROBLEMS)
async def feed_page(
    request: Request, session: SessionDep, stream: StreamName, _caller: Anyone,
    chosen: FiltersDep, after: After = 0, limit: Limit = 100,
) -> FeedPage:  # fmt: skip
    """变更流（JSON，按序号分页）：新公开、更新和撤回（墓碑），只含公众可见的记录."""
    found = await service.reader(STREAMS[stream], chosen).page(session, after=after, limit=limit)
    return FeedPage(
        items=found.items, last_sequence=found.last_sequence, next=found.next_url(request)
    )
