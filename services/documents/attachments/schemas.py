"""Bodies of attachments."""

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from services.documents.attachments.kinds import FileKind


class AttachmentRead(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    filename: str
    kind: FileKind
    kind_label: str
    media_type: str
    size: int = Field(description="字节数")
    sha256: str
    has_text: bool = Field(description="已提取正文文字（供检索）")
    created_at: dt.datetime
    download: str = Field(description="下载地址")


class AttachmentList(BaseModel):
    items: list[AttachmentRead]
