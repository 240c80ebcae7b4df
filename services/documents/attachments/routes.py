"""HTTP routes of attachments: multipart upload, listing, download with ranges."""

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Header, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.documents.access import Anyone, Writer
from services.documents.attachments import service
from services.documents.attachments.http import content_disposition, etag, etag_matches, parse_range
from services.documents.attachments.schemas import AttachmentList, AttachmentRead
from services.documents.attachments.storage import LocalStorage
from services.documents.paths import DocumentId
from services.documents.settings import DocumentsSettings

router = APIRouter(prefix="/api/v1/documents", tags=["附件"])


def _storage(request: Request) -> tuple[LocalStorage, int]:
    settings: DocumentsSettings = request.app.state.settings
    return LocalStorage(settings.attachments_root), settings.attachment_max_bytes


@router.post(
    "/{document_id}/attachments",
    status_code=201,
    response_model=AttachmentRead,
    responses=problem_responses(400, 401, 403, 404, 413, 415, 422, 503, 507),
)
async def upload_attachment(
    document_id: DocumentId,
    request: Request,
    session: SessionDep,
    caller: Writer,
    file: Annotated[UploadFile, File(description="附件（multipart/form-data 的 file 字段）")],
) -> AttachmentRead:
    """上传附件：按内容（而非扩展名）判断类型；PDF、OFD、DOC/DOCX、XLS/XLSX、WPS、图片、ZIP."""
    storage, max_size = _storage(request)
    attachment = await service.upload(
        session, caller=caller, storage=storage, max_size=max_size,
        document_id=document_id, file=file,
    )  # fmt: skip
    return service.to_read(attachment)


@router.get(
    "/{document_id}/attachments",
    response_model=AttachmentList,
    responses=problem_responses(404),
)
async def list_attachments(
    document_id: DocumentId, session: SessionDep, caller: Anyone
) -> AttachmentList:
    """文件的附件."""
    rows = await service.listing(session, caller=caller, document_id=document_id)
    return AttachmentList(items=[service.to_read(r) for r in rows])


@router.get(
    "/{document_id}/attachments/{attachment_id}/content",
    responses={**problem_responses(404, 416), 200: {"content": {"application/octet-stream": {}}}},
    response_class=Response,
)
async def download_attachment(
    document_id: DocumentId,
    attachment_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    caller: Anyone,
    range_header: Annotated[str | None, Header(alias="Range", max_length=200)] = None,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match", max_length=200)] = None,
    if_range: Annotated[str | None, Header(alias="If-Range", max_length=200)] = None,
) -> Response:
    """下载附件：UTF-8 文件名（filename*）、ETag、断点续传（Range）."""
    attachment = await service.get(
        session, caller=caller, document_id=document_id, attachment_id=attachment_id
    )
    storage, _ = _storage(request)
    tag = etag(attachment.sha256)
    headers = {
        "ETag": tag,
        "Accept-Ranges": "bytes",
        "Content-Disposition": content_disposition(attachment.filename),
        "X-Content-Type-Options": "nosniff",
    }
    if etag_matches(if_none_match, tag):
        return Response(status_code=304, headers=headers)
    size = await storage.size(attachment.sha256)
    wanted = (
        parse_range(range_header, size) if if_range is None or etag_matches(if_range, tag) else None
    )
    start, end, status = (wanted.start, wanted.end, 206) if wanted else (0, size - 1, 200)
    if wanted is not None:
        headers["Content-Range"] = wanted.content_range
    headers["Content-Length"] = str(max(end - start + 1, 0))
    if size == 0:
        return Response(status_code=200, headers=headers, media_type=attachment.media_type)
    return StreamingResponse(
        storage.open_range(attachment.sha256, start, end),
        status_code=status,
        headers=headers,
        media_type=attachment.media_type,
    )


@router.delete(
    "/{document_id}/attachments/{attachment_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
async def delete_attachment(
    document_id: DocumentId, attachment_id: uuid.UUID, session: SessionDep, caller: Writer
) -> Response:
    """删除附件."""
    await service.remove(
        session, caller=caller, document_id=document_id, attachment_id=attachment_id
    )
    return Response(status_code=204)
