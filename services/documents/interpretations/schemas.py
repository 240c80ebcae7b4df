"""Bodies of interpretations (政策解读)."""

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.documents.interpretations.models import InterpretationKind
from services.documents.records.models import PublicationStatus


class InterpretationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID = Field(description="解读机关（通常为文件的起草机关）")
    kind: InterpretationKind = Field(description="解读形式")
    title: str = Field(min_length=1, max_length=300)
    body_text: str = Field("", max_length=500_000)
    url: str | None = Field(None, max_length=500, pattern=r"^https?://", description="外部地址")
    document_ids: list[uuid.UUID] = Field(min_length=1, max_length=20, description="所解读的文件")


class InterpretationUpdate(BaseModel):
    """Changes to an interpretation; a published one needs ``change_reason`` (kept in its
    versions)."""

    model_config = ConfigDict(extra="forbid")

    kind: InterpretationKind | None = Field(None, description="解读形式")
    title: str | None = Field(None, min_length=1, max_length=300)
    body_text: str | None = Field(None, max_length=500_000)
    url: str | None = Field(None, max_length=500, pattern=r"^https?://", description="外部地址")
    document_ids: list[uuid.UUID] | None = Field(
        None, min_length=1, max_length=20, description="所解读的文件"
    )
    change_reason: str | None = Field(
        None, min_length=1, max_length=1000, description="修改原因（已发布的解读必填）"
    )


class InterpretationRead(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    kind: InterpretationKind
    kind_label: str
    title: str
    body_text: str
    url: str | None
    status: PublicationStatus
    published_on: dt.date | None
    document_ids: list[uuid.UUID] = Field(description="所解读的文件（仅列出调用者可见的）")
    created_at: dt.datetime
    updated_at: dt.datetime


class InterpretationList(BaseModel):
    items: list[InterpretationRead]
    next_cursor: str | None = None
    next: str | None = None
