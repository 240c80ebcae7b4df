"""Rules of attachments: staff of the issuing agency upload; whoever sees the document reads.

The upload is streamed to storage (size limit mid-stream, type from the bytes checked against
the name, zip-bomb guard) before the row is written; a refused file leaves nothing behind.
Content is addressed by its SHA-256, so an orphan left by a rolled-back transaction is
harmless and is reused by the next upload of the same bytes.
"""

import uuid
from pathlib import Path

import anyio
from fastapi import UploadFile
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import BadRequest, NotFound
from services.documents.attachments.checks import base_name, inspect_file
from services.documents.attachments.kinds import FileKind
from services.documents.attachments.models import Attachment
from services.documents.attachments.schemas import AttachmentRead
from services.documents.attachments.storage import LocalStorage, read_chunks
from services.documents.attachments.text import extract_text
from services.documents.outbox import repository as outbox
from services.documents.records import service as records
from services.documents.records.models import Document, PublicationStatus


async def upload(
    session: AsyncSession,
    *,
    caller: Principal,
    storage: LocalStorage,
    max_size: int,
    document_id: uuid.UUID,
    file: UploadFile,
) -> Attachment:
    document = await records.get_editable(session, caller, document_id)
    filename = base_name(file.filename or "")[:255]
    if not filename:
        raise BadRequest(
            "上传的文件缺少文件名，请带上原始文件名重新上传。", code="filename-missing"
        )
    kinds: list[FileKind] = []

    def verify(path: Path) -> None:  # runs on the staged file, before it is stored
        kinds.append(inspect_file(path, filename))

    blob = await storage.save(read_chunks(file), max_size=max_size, verify=verify)
    kind = kinds[0]
    text = await anyio.to_thread.run_sync(extract_text, storage.local_path(blob.key), kind)
    attachment = Attachment(
        document_id=document.id,
        filename=filename,
        kind=kind,
        media_type=kind.media_type,
        size=blob.size,
        sha256=blob.sha256,
        text=text,
        created_by=caller.subject,
    )
    session.add(attachment)
    await _changed(session, caller, document, f"添加附件：{filename}", "attachment_added")
    return attachment


async def _changed(
    session: AsyncSession, caller: Principal, document: Document, reason: str, kind: str
) -> None:
    if document.status == PublicationStatus.PUBLISHED:
        await records.add_version(
            session, document, actor=caller.subject, reason=reason, changes={"attachments": reason}
        )
    document.version += 1
    document.updated_at = utcnow()
    session.add(document)
    await session.flush()
    await outbox.append(session, entity="document", entity_id=document.id, kind=kind)


async def listing(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID
) -> list[Attachment]:
    document = await records.get_visible(session, caller, document_id)
    rows = await session.exec(
        select(Attachment)
        .where(col(Attachment.document_id) == document.id)
        .order_by(col(Attachment.created_at), col(Attachment.id))
    )
    return list(rows)


async def get(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID, attachment_id: uuid.UUID
) -> Attachment:
    document = await records.get_visible(session, caller, document_id)
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.document_id != document.id:
        raise NotFound(f"未找到编号为 {attachment_id} 的附件。", code="attachment-not-found")
    return attachment


async def remove(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID, attachment_id: uuid.UUID
) -> None:
    """Remove the row; the content stays (other attachments may share it)."""
    document = await records.get_editable(session, caller, document_id)
    attachment = await get(
        session, caller=caller, document_id=document.id, attachment_id=attachment_id
    )
    await session.delete(attachment)
    await _changed(
        session, caller, document, f"删除附件：{attachment.filename}", "attachment_removed"
    )


def to_read(attachment: Attachment) -> AttachmentRead:
    kind = FileKind(attachment.kind)
    return AttachmentRead(
        id=attachment.id,
        document_id=attachment.document_id,
        filename=attachment.filename,
        kind=kind,
        kind_label=kind.label,
        media_type=attachment.media_type,
        size=attachment.size,
        sha256=attachment.sha256,
        has_text=bool(attachment.text),
        created_at=attachment.created_at,
        download=f"/api/v1/documents/{attachment.document_id}/attachments/{attachment.id}/content",
    )
