"""HTTP routes of the catalog's change feed: JSON pages by sequence, and NDJSON streams."""

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import StreamingResponse

from services.catalog.changes import repository, service
from services.catalog.changes.models import Stream
from services.catalog.changes.schemas import ChangePage
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


async def _page(
    request: Request, session: SessionDep, stream: Stream, after: int, limit: int,
    agency: uuid.UUID | None,
) -> ChangePage:  # fmt: skip
    items, last, more = await service.page(
        session, stream, after=after, limit=limit, agency_id=agency
    )
    following = str(request.url.include_query_params(after=last)) if more else None
    return ChangePage(items=items, last_sequence=last, next=following)


def _ndjson(request: Request, stream: Stream, after: int, agency: uuid.UUID | None) -> Response:
    sessions = request.app.state.db.sessions

    async def lines() -> AsyncIterator[bytes]:
        # Short sessions per batch: a slow reader must not hold a transaction open.
        async with sessions() as session:
            until = await repository.head(session, stream)
        position = after
        while position < until:
            async with sessions() as session:
                entries = await repository.events(
                    session, stream, after=position, limit=STREAM_BATCH, agency_id=agency
                )
                entries = [e for e in entries if (e.sequence or 0) <= until]
                if not entries:
                    return
                items = await service.render(session, entries)
            position = int(entries[-1].sequence or position)
            yield b"".join(orjson.dumps(i.model_dump(mode="json")) + b"\n" for i in items)

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@router.get("/agencies", response_model=ChangePage, responses=PROBLEMS)
async def agencies_feed(
    request: Request, session: SessionDep, _caller: Anyone, agency: Agency = None,
    after: After = 0, limit: Limit = 100,
) -> ChangePage:  # fmt: skip
    """机关变更流（JSON，按序号分页）."""
    return await _page(request, session, Stream.AGENCY, after, limit, agency)


@router.get("/agencies.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def agencies_stream(
    request: Request, _caller: Anyone, agency: Agency = None, after: After = 0
) -> Response:
    """机关变更流（NDJSON 流式）."""
    return _ndjson(request, Stream.AGENCY, after, agency)


@router.get("/items", response_model=ChangePage, responses=PROBLEMS)
async def items_feed(
    request: Request, session: SessionDep, _caller: Anyone, agency: Agency = None,
    after: After = 0, limit: Limit = 100,
) -> ChangePage:  # fmt: skip
    """政务公开事项变更流（JSON，按序号分页）：目录发布新版本时新增、更新和撤回（墓碑）."""
    return await _page(request, session, Stream.CATALOG_ITEM, after, limit, agency)


@router.get("/items.ndjson", response_class=StreamingResponse, responses=PROBLEMS)
async def items_stream(
    request: Request, _caller: Anyone, agency: Agency = None, after: After = 0
) -> Response:
    """政务公开事项变更流（NDJSON 流式）."""
    return _ndjson(request, Stream.CATALOG_ITEM, after, agency)
