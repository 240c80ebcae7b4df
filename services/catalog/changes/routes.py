"""HTTP routes of the catalog's change feed: JSON pages by sequence, and NDJSON streams."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import StreamingResponse

from services.catalog.changes import service
from services.catalog.changes.schemas import STREAMS, CatalogFeed, ChangePage
from services.common.auth import Principal, public
from services.common.db import SessionDep
from services.common.errors import problem_responses

router = APIRouter(prefix="/api/v1/catalog/feeds", tags=["开放数据变更流"])

MAX_LIMIT = 500
STREAM_BATCH = 200
PROBLEMS = problem_responses(422)
Anyone = Annotated[Principal, public()]
After = Annotated[int, Query(ge=0, description="只返回序号大于此值的事件；首次同步为 0")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"每页事件数，1–{MAX_LIMIT}")]
Agency = Annotated[uuid.UUID | None, Query(description="只看该机关的")]
StreamName = Annotated[CatalogFeed, Path(description="agencies 机关、items 政务公开事项")]


@router.get("/{stream}.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def feed_stream(
    request: Request, stream: StreamName, _caller: Anyone, agency: Agency = None, after: After = 0
) -> Response:
    """机关或政务公开事项变更流（NDJSON 流式）：从 after 之后直到当前最新，每行一个事件."""
    reader = service.reader(STREAMS[stream], agency)
    return reader.ndjson(request.app.state.db.sessions, after=after, batch=STREAM_BATCH)


# After the NDJSON route: "{stream}" alone would match "items.ndjson" too.
@router.get("/{stream}", response_model=ChangePage, responses=PROBLEMS)
async def feed_page(
    request: Request, session: SessionDep, stream: StreamName, _caller: Anyone,
    agency: Agency = None, after: After = 0, limit: Limit = 100,
) -> ChangePage:  # fmt: skip
    """机关或政务公开事项变更流（JSON，按序号分页）：目录发布新版本时新增、更新和撤回（墓碑）."""
    found = await service.reader(STREAMS[stream], agency).page(session, after=after, limit=limit)
    return ChangePage(
        items=found.items, last_sequence=found.last_sequence, next=found.next_url(request)
    )
