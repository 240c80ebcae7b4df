"""HTTP routes of the document record."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request, Response

from services.common.auth import STAFF_ROLES, Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.isodates import IsoDate
from services.common.jsonutil import dumps
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params
from services.documents import workdays
from services.documents.clock import today
from services.documents.paths import DocumentId
from services.documents.records import disclosure, jsonld, present, service
from services.documents.records.filters import DocumentFilters, document_filters
from services.documents.records.schemas import (
    CountRead,
    DocumentCreate,
    DocumentList,
    DocumentRead,
    DocumentSummary,
    DocumentUpdate,
)
from services.documents.records.schemas_disclosure import (
    DisclosureChangeRead,
    DisclosureHistory,
    DisclosureWrite,
    VersionList,
    VersionRead,
)

router = APIRouter(prefix="/api/v1/documents", tags=["文件"])

WRITER_ROLES = [Role.EDITOR, Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN]
Writer = Annotated[Principal, requires(roles=WRITER_ROLES, scopes=["documents:write"])]
Anyone = Annotated[Principal, public()]
StaffReader = Annotated[Principal, requires(roles=sorted(STAFF_ROLES), scopes=["documents:read"])]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="重复提交时返回第一次创建的文件，不会重复登记",
    ),
]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=200, description="读取时的 ETag")
]
IfNoneMatch = Annotated[str | None, Header(alias="If-None-Match", max_length=200)]
# updated_since is one of the document filters (the count takes it too).
SummaryQuery = Annotated[ListQuery, Depends(list_query(DocumentSummary, updated_since=False))]


@router.get(
    "", response_model=DocumentList, responses={**problem_responses(400, 422), **NOT_MODIFIED}
)
async def list_documents(
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[DocumentFilters, Depends(document_filters)],
    query: SummaryQuery,
) -> Response:
    """文件列表，按成文日期倒序；公众只能看到已发布的主动公开文件."""
    rows, cursor = await service.list_page(
        session, caller=caller, filters=filters.conditions(), page=page
    )
    loaded = await present.load(session, rows)
    envelope = DocumentList(
        items=[present.summary(r, loaded) for r in rows],
        next_cursor=cursor,
        next=next_link(request, cursor),
    )
    return list_response(request, envelope, query)


@router.get("/count", response_model=CountRead, responses=problem_responses(422))
async def count_documents(
    session: SessionDep,
    caller: Anyone,
    filters: Annotated[DocumentFilters, Depends(document_filters)],
) -> CountRead:
    """符合条件、调用者可见的文件数."""
    return CountRead(
        count=await service.count(session, caller=caller, filters=filters.conditions())
    )


@router.get(
    "/disclosure-reviews",
    response_model=DocumentList,
    responses=problem_responses(400, 401, 403, 422),
)
async def disclosure_reviews(
    request: Request,
    session: SessionDep,
    caller: StaffReader,
    page: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[DocumentFilters, Depends(document_filters)],
    due_by: Annotated[
        IsoDate | None, Query(description="截至该日应完成年度审查的；默认今天")
    ] = None,
) -> DocumentList:
    """应进行年度审查的依申请公开、不予公开文件（上次审查满一年或从未审查），仅工作人员可见."""
    conditions = [*filters.conditions(), disclosure.review_due_before(due_by or today())]
    rows, cursor = await service.list_page(session, caller=caller, filters=conditions, page=page)
    loaded = await present.load(session, rows)
    return DocumentList(
        items=[present.summary(r, loaded) for r in rows],
        next_cursor=cursor,
        next=next_link(request, cursor),
    )


@router.post(
    "",
    status_code=201,
    response_model=DocumentRead,
    responses=problem_responses(401, 403, 409, 422, 503),
)
async def create_document(
    body: DocumentCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: Writer,
    idempotency_key: IdempotencyKey = None,
) -> DocumentRead:
    """登记文件（草稿）；索引号按发文机关的格式自动生成."""
    existing = await service.replayed(session, caller, idempotency_key, body)
    if existing is not None:
        response.status_code = 200
        response.headers["Idempotent-Replayed"] = "true"
        document = existing
    else:
        await workdays.refresh_for(request.app.state)
        document = await service.create(
            session,
            caller=caller,
            catalog=request.app.state.peers["catalog"],
            data=body,
            idempotency_key=idempotency_key,
            calendar=workdays.current(request.app.state),
        )
    response.headers["ETag"] = present.etag(document)
    response.headers["Location"] = f"{present.BASE}/{document.id}"
    return await present.read(session, document)


@router.get(
    "/{document_id}",
    response_model=DocumentRead,
    responses={
        **problem_responses(404, 422),
        200: {"content": {jsonld.MEDIA_TYPE: {}}},
        304: {},
    },
)
async def read_document(
    document_id: DocumentId,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: Anyone,
    if_none_match: IfNoneMatch = None,
) -> DocumentRead | Response:
    """读取文件；带 ETag，If-None-Match 命中时返回 304；Accept: application/ld+json 时返回
    schema.org Legislation（JSON-LD）."""
    document = await service.get_visible(session, caller, document_id)
    as_jsonld = jsonld.wants_jsonld(request.headers.get("accept"))
    tag = present.etag(document)
    if as_jsonld:
        tag = tag[:-1] + '-ld"'
    headers = {"ETag": tag, "Vary": "Accept, Authorization"}
    if if_none_match is not None and tag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    if as_jsonld:
        return _jsonld(request, await present.read(session, document), headers)
    response.headers.update(headers)
    return await present.read(session, document)


@router.get(
    "/{document_id}/jsonld",
    response_class=Response,
    responses={**problem_responses(404, 422), 200: {"content": {jsonld.MEDIA_TYPE: {}}}},
)
async def read_document_jsonld(
    document_id: DocumentId, request: Request, session: SessionDep, caller: Anyone
) -> Response:
    """文件的 schema.org Legislation 描述（JSON-LD），可嵌入网页供搜索引擎识别."""
    document = await service.get_visible(session, caller, document_id)
    return _jsonld(request, await present.read(session, document), {})


def _jsonld(request: Request, document: DocumentRead, headers: dict[str, str]) -> Response:
    base = str(request.base_url).rstrip("/")
    body = dumps(jsonld.legislation(document, base))
    return Response(body, media_type=jsonld.MEDIA_TYPE, headers=headers)


@router.patch(
    "/{document_id}",
    response_model=DocumentRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_document(
    document_id: DocumentId,
    body: DocumentUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: Writer,
    if_match: IfMatch = None,
) -> DocumentRead:
    """修改文件（须带 If-Match）；已发布的文件须填写修改原因，并留存版本."""
    await workdays.refresh_for(request.app.state)
    document = await service.update(
        session,
        caller=caller,
        catalog=request.app.state.peers["catalog"],
        document_id=document_id,
        data=body,
        if_match=if_match,
        calendar=workdays.current(request.app.state),
    )
    response.headers["ETag"] = present.etag(document)
    return await present.read(session, document)


@router.put(
    "/{document_id}/disclosure",
    response_model=DocumentRead,
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def set_disclosure(
    document_id: DocumentId,
    body: DisclosureWrite,
    response: Response,
    session: SessionDep,
    caller: Writer,
    if_match: IfMatch = None,
) -> DocumentRead:
    """确定、年度审查或调整公开属性；依申请公开、不予公开须写明理由和法律依据（可带 If-Match）."""
    document = await disclosure.set_attribute(
        session, caller=caller, document_id=document_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = present.etag(document)
    return await present.read(session, document)


@router.get(
    "/{document_id}/disclosure",
    response_model=DisclosureHistory,
    responses=problem_responses(404, 422),
)
async def disclosure_history(
    document_id: DocumentId, session: SessionDep, caller: Anyone
) -> DisclosureHistory:
    """公开属性的确定、审查和调整记录（工作人员可见）."""
    rows = await disclosure.history(session, caller=caller, document_id=document_id)
    return DisclosureHistory(
        items=[DisclosureChangeRead.model_validate(r, from_attributes=True) for r in rows]
    )


@router.get(
    "/{document_id}/versions", response_model=VersionList, responses=problem_responses(404, 422)
)
async def list_versions(
    document_id: DocumentId, session: SessionDep, caller: Anyone
) -> VersionList:
    """已发布文件的每次修改：何时、为何、改了什么（修改人仅本机关可见）."""
    rows, show_actor = await service.versions(session, caller=caller, document_id=document_id)
    return VersionList(
        items=[
            VersionRead(
                number=v.number,
                recorded_at=v.recorded_at,
                actor=v.actor if show_actor else None,
                reason=v.reason,
                changes=dict(v.changes),
            )
            for v in rows
        ]
    )
