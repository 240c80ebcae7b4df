"""HTTP routes of the gazette (政府公报)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Header, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from services.common.db import SessionDep
from services.common.errors import NotFound, problem_responses
from services.common.listing import NOT_MODIFIED, ListQuery, list_query, list_response
from services.common.pagination import PageParams, next_link, page_params
from services.documents.access import Anyone, Publisher, Writer
from services.documents.attachments.http import content_disposition, etag, etag_matches
from services.documents.attachments.kinds import FileKind
from services.documents.attachments.storage import LocalStorage
from services.documents.gazette import editing, service
from services.documents.gazette.models import GazetteIssue
from services.documents.gazette.schemas import (
    GazetteCreate,
    GazetteList,
    GazetteRead,
    GazetteSummary,
    GazetteUpdate,
)
from services.documents.paths import DocumentId
from services.documents.revisions import service as revisions
from services.documents.revisions.schemas import RevisionList, WithdrawBody
from services.documents.settings import DocumentsSettings

router = APIRouter(prefix="/api/v1/documents", tags=["政府公报"])
Listing = Annotated[ListQuery, Depends(list_query(GazetteSummary))]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", max_length=200, description="读取时的 ETag")
]


def _summaries(rows: list[GazetteIssue]) -> list[GazetteSummary]:
    return [GazetteSummary.model_validate(r, from_attributes=True) for r in rows]


@router.get(
    "/gazette",
    response_model=GazetteList,
    responses={**problem_responses(400, 422), **NOT_MODIFIED},
)
async def list_issues(
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
    year: Annotated[int | None, Query(ge=1949, le=2100, description="年度")] = None,
    agency_id: Annotated[uuid.UUID | None, Query(description="编辑机关")] = None,
) -> Response:
    """政府公报各期，按出版日期倒序."""
    rows, cursor = await service.list_page(
        session, caller=caller, year=year, agency_id=agency_id, document_id=None, page=page,
        updated_since=query.updated_since,
    )  # fmt: skip
    envelope = GazetteList(
        items=_summaries(rows), next_cursor=cursor, next=next_link(request, cursor)
    )
    return list_response(request, envelope, query)


@router.post(
    "/gazette",
    status_code=201,
    response_model=GazetteRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_issue(
    body: GazetteCreate, request: Request, response: Response, session: SessionDep, caller: Writer
) -> GazetteRead:
    """编辑一期公报：年度、期号、总期号、出版日期和有序目录."""
    issue = await service.create(
        session, caller=caller, catalog=request.app.state.peers["catalog"], data=body
    )
    response.headers["ETag"] = revisions.etag(issue.updated_at)
    return await service.read(session, caller, issue)


@router.get(
    "/gazette/{issue_id}", response_model=GazetteRead, responses=problem_responses(404, 422)
)
async def read_issue(
    issue_id: uuid.UUID, response: Response, session: SessionDep, caller: Anyone
) -> GazetteRead:
    """读取一期公报及其目录（带 ETag）."""
    issue = await service.get_visible(session, caller, issue_id)
    response.headers["ETag"] = revisions.etag(issue.updated_at)
    return await service.read(session, caller, issue)


@router.patch(
    "/gazette/{issue_id}",
    response_model=GazetteRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def update_issue(
    issue_id: uuid.UUID,
    body: GazetteUpdate,
    response: Response,
    session: SessionDep,
    caller: Writer,
    if_match: IfMatch = None,
) -> GazetteRead:
    """修改一期公报（须带 If-Match；目录整体替换）；已发布的须填写修改原因，并留存版本."""
    issue = await editing.update(
        session, caller=caller, issue_id=issue_id, data=body, if_match=if_match
    )
    response.headers["ETag"] = revisions.etag(issue.updated_at)
    return await service.read(session, caller, issue)


@router.delete(
    "/gazette/{issue_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def delete_issue(issue_id: uuid.UUID, session: SessionDep, caller: Writer) -> Response:
    """删除未发布的公报；已发布的只能撤回."""
    await editing.delete(session, caller=caller, issue_id=issue_id)
    return Response(status_code=204)


@router.post(
    "/gazette/{issue_id}/withdraw",
    response_model=GazetteRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def withdraw_issue(
    issue_id: uuid.UUID,
    body: WithdrawBody,
    response: Response,
    session: SessionDep,
    caller: Publisher,
) -> GazetteRead:
    """撤回已发布的公报（公众不再可见，记录保留）；写明原因."""
    issue = await editing.withdraw(session, caller=caller, issue_id=issue_id, reason=body.reason)
    response.headers["ETag"] = revisions.etag(issue.updated_at)
    return await service.read(session, caller, issue)


@router.get(
    "/gazette/{issue_id}/versions",
    response_model=RevisionList,
    responses=problem_responses(404, 422),
)
async def issue_versions(issue_id: uuid.UUID, session: SessionDep, caller: Anyone) -> RevisionList:
    """已发布公报的发布、修改和撤回记录：何时、为何、改了什么（修改人仅本机关可见）."""
    return RevisionList(items=await editing.versions(session, caller=caller, issue_id=issue_id))


@router.post(
    "/gazette/{issue_id}/publish",
    response_model=GazetteRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def publish_issue(issue_id: uuid.UUID, session: SessionDep, caller: Publisher) -> GazetteRead:
    """发布一期公报（所刊登的文件须已作为主动公开文件发布）."""
    issue = await service.publish(session, caller=caller, issue_id=issue_id)
    return await service.read(session, caller, issue)


@router.get(
    "/{document_id}/gazette",
    response_model=GazetteList,
    responses={**problem_responses(400, 404, 422), **NOT_MODIFIED},
)
async def document_gazette(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    caller: Anyone,
    page: Annotated[PageParams, Depends(page_params)],
    query: Listing,
) -> Response:
    """刊登该文件的各期公报."""
    rows, cursor = await service.list_page(
        session, caller=caller, year=None, agency_id=None, document_id=document_id, page=page,
        updated_since=query.updated_since,
    )  # fmt: skip
    envelope = GazetteList(
        items=_summaries(rows), next_cursor=cursor, next=next_link(request, cursor)
    )
    return list_response(request, envelope, query)


@router.put(
    "/gazette/{issue_id}/pdf",
    response_model=GazetteRead,
    responses=problem_responses(400, 401, 403, 404, 413, 415, 422),
)
async def upload_issue_pdf(
    issue_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Writer,
    file: Annotated[UploadFile, File(description="本期公报的 PDF 或 OFD 版式文件")],
) -> GazetteRead:
    """上传（或替换）本期公报的版式文件（PDF、OFD），与纸质版同步."""
    settings: DocumentsSettings = request.app.state.settings
    issue = await service.attach_pdf(
        session, caller=caller, storage=LocalStorage(settings.attachments_root),
        max_size=settings.attachment_max_bytes, issue_id=issue_id, file=file,
    )  # fmt: skip
    return await service.read(session, caller, issue)


@router.get(
    "/gazette/{issue_id}/pdf",
    response_class=Response,
    responses={**problem_responses(404), 200: {"content": {"application/pdf": {}}}},
)
async def download_issue_pdf(
    issue_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Anyone,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match", max_length=200)] = None,
) -> Response:
    """下载本期公报的版式文件."""
    issue = await service.get_visible(session, caller, issue_id)
    if issue.pdf_sha256 is None or issue.pdf_kind is None:
        raise NotFound("本期公报尚未上传版式文件。", code="gazette-pdf-missing")
    settings: DocumentsSettings = request.app.state.settings
    storage = LocalStorage(settings.attachments_root)
    tag = etag(issue.pdf_sha256)
    headers = {
        "ETag": tag,
        "Content-Disposition": content_disposition(issue.pdf_filename or "gazette.pdf"),
        "X-Content-Type-Options": "nosniff",
    }
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    size = await storage.size(issue.pdf_sha256)
    headers["Content-Length"] = str(size)
    return StreamingResponse(
        storage.open_range(issue.pdf_sha256, 0, max(size - 1, 0)),
        headers=headers,
        media_type=FileKind(issue.pdf_kind).media_type,
    )
