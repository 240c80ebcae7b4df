"""Bodies of the legacy import (``POST /api/v1/documents/import``)."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.documents.importer import FieldReport

MAX_TEXT = 2_000_000


class ImportFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: str = Field(min_length=1, max_length=200, description="文件名（用于报告）")
    text: str = Field(max_length=MAX_TEXT, description="原始文本（网页复制的内容也可）")


class ImportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: list[ImportFile] = Field(min_length=1, max_length=50)
    agency_id: uuid.UUID | None = Field(
        None, description="发文机关；不填则按文中识别的机关名称在目录中查找"
    )
    type_code: str = Field("normative", min_length=1, max_length=32, description="文件类型")
    publish: bool = Field(
        False, description="同时按原发布日期发布主动公开的文件（需发布权限和多因素认证）"
    )
    dry_run: bool = Field(False, description="只识别、不登记")


class ImportStatus(StrEnum):
    PREVIEW = "preview"
    CREATED = "created"
    PUBLISHED = "published"
    EXISTS = "exists"
    INCOMPLETE = "incomplete"
    REFUSED = "refused"


STATUS_LABELS = {
    ImportStatus.PREVIEW: "已识别（未登记）",
    ImportStatus.CREATED: "已登记为草稿",
    ImportStatus.PUBLISHED: "已登记并发布",
    ImportStatus.EXISTS: "本机关已有同一发文字号的文件，未重复登记",
    ImportStatus.INCOMPLETE: "缺少必要信息，未登记",
    ImportStatus.REFUSED: "未登记",
}


class ImportFileResult(BaseModel):
    filename: str
    status: ImportStatus
    status_label: str
    document_id: uuid.UUID | None = None
    doc_number: str | None
    title: str | None
    agency: str | None
    agency_id: uuid.UUID | None
    written_on: dt.date | None
    published_on: dt.date | None
    disclosure: str | None
    fields: list[FieldReport] = Field(description="逐项识别结果")
    messages: list[str] = Field(default_factory=list, description="需要人工处理的事项")


class ImportResponse(BaseModel):
    results: list[ImportFileResult]
    created: int
