"""GET /api/v1/documents/search and /suggest (before /{document_id}, which would shadow them)."""

import uuid
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from services.common.auth import Principal
from services.common.errors import ServiceUnavailable, Unprocessable, problem_responses
from services.common.isodates import IsoDate
from services.documents.access import Anyone
from services.documents.search.models import (
    MAX_LIMIT,
    FacetName,
    Scope,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
)
from services.documents.search.port import SearchIndex, SearchUnavailable
from services.documents.visibility import staff_agencies

router = APIRouter(prefix="/api/v1/documents", tags=["全文检索"])


class SuggestionList(BaseModel):
    items: list[Suggestion] = Field(description="词语（拼音首字母）、发文字号和标题建议")


def scope_of(caller: Principal) -> Scope:
    """The public sees public documents; staff also their agencies' other documents."""
    if caller.is_platform_admin:
        return Scope(everything=True)
    agencies = staff_agencies(caller)
    return Scope.staff(set(agencies)) if agencies else Scope.public()


def _unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("全文检索暂不可用，请稍后再试。", code="search-unavailable")


def _index(request: Request) -> SearchIndex:
    index: SearchIndex | None = getattr(request.app.state, "search_index", None)
    if index is None:
        raise _unavailable()
    return index


def _short(values: list[str], name: str) -> tuple[str, ...]:
    for value in values:
        if len(value) > 64:
            raise Unprocessable(f"查询参数 {name} 的值过长（最多 64 个字符）。")
    return tuple(values)


@router.get("/search", response_model=SearchResults, responses=problem_responses(400, 422, 503))
async def search(
    request: Request,
    caller: Anyone,
    q: Annotated[str, Query(max_length=200, description="检索词；空格分隔的词须同时出现")] = "",
    agency: Annotated[list[uuid.UUID], Query(max_length=20, description="发文机关")] = [],  # noqa: B006
    doc_type: Annotated[
        list[str], Query(alias="type", max_length=20, description="文件类型代码")
    ] = [],  # noqa: B006
    category: Annotated[list[str], Query(max_length=20, description="主题分类代码")] = [],  # noqa: B006
    validity: Annotated[list[str], Query(max_length=20, description="有效性")] = [],  # noqa: B006
    catalog_item: Annotated[list[uuid.UUID], Query(max_length=20, description="公开事项")] = [],  # noqa: B006
    year: Annotated[int | None, Query(ge=1949, le=2200, description="年份")] = None,
    date_from: Annotated[IsoDate | None, Query(description="发布日期起")] = None,
    date_to: Annotated[IsoDate | None, Query(description="发布日期止")] = None,
    in_force_on: Annotated[IsoDate | None, Query(description="在该日有效的文件")] = None,
    sort: Annotated[Sort, Query(description="relevance、newest 或 oldest")] = Sort.RELEVANCE,
    facet: Annotated[list[FacetName], Query(max_length=6, description="要统计的分面")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="每页条数，1–100")] = 20,
    cursor: Annotated[str | None, Query(max_length=512, description="上一页返回的游标")] = None,
) -> SearchResults:
    """全文检索：标题 > 发文字号 > 主题词 > 正文 > 附件；总数在 10000 以内精确.

    公众只检索已发布的主动公开文件，分面计数也只统计调用者可见的文件。
    """
    if date_from and date_to and date_from > date_to:
        raise Unprocessable("发布日期起（date_from）不能晚于发布日期止（date_to）。")
    query = SearchQuery(
        q=q,
        agency_ids=tuple(agency),
        doc_types=_short(doc_type, "type"),
        categories=_short(category, "category"),
        validities=_short(validity, "validity"),
        catalog_item_ids=tuple(catalog_item),
        year=year,
        date_from=date_from,
        date_to=date_to,
        in_force_on=in_force_on,
        sort=sort,
        facets=tuple(facet),
        limit=limit,
        cursor=cursor,
        scope=scope_of(caller),
    )
    index = _index(request)
    try:
        return await to_thread.run_sync(index.search, query)
    except SearchUnavailable:
        raise _unavailable() from None


@router.get("/suggest", response_model=SuggestionList, responses=problem_responses(422, 503))
async def suggest(
    request: Request,
    caller: Anyone,
    q: Annotated[str, Query(min_length=1, max_length=64, description="输入的文字或拼音首字母")],
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> SuggestionList:
    """输入提示：标题、发文字号；拼音首字母（如 zwgk）给出词语（政务公开）."""
    index = _index(request)
    try:
        items = await to_thread.run_sync(index.suggest, q, scope_of(caller), limit)
    except SearchUnavailable:
        raise _unavailable() from None
    return SuggestionList(items=items)
