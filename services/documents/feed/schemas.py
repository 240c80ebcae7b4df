"""What the change feed serves: events with the record's public content, or tombstones."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from services.documents.feed.models import Action, Stream
from services.documents.gazette.schemas import GazetteRead
from services.documents.interpretations.schemas import InterpretationRead
from services.documents.records.schemas import DocumentRead


class DocumentFeed(StrEnum):
    """A stream as its address names it: /feeds/{stream}, /feeds/{stream}.ndjson."""

    DOCUMENTS = "documents"
    INTERPRETATIONS = "interpretations"
    GAZETTE = "gazette"


STREAMS = {
    DocumentFeed.DOCUMENTS: Stream.DOCUMENT,
    DocumentFeed.INTERPRETATIONS: Stream.INTERPRETATION,
    DocumentFeed.GAZETTE: Stream.GAZETTE_ISSUE,
}


class FeedItem(BaseModel):
    """One event. A tombstone (``withdraw``) carries only sequence, type, action, id and time."""

    sequence: int = Field(description="单调递增的序号；从最后处理的序号继续即可续传")
    type: Stream = Field(description="资源类型")
    action: Action = Field(description="create 新公开 / update 更新 / withdraw 撤回（墓碑）")
    id: uuid.UUID
    time: dt.datetime = Field(description="变更记录时间（UTC）")
    data: DocumentRead | InterpretationRead | GazetteRead | None = Field(
        None,
        description="记录当前的公开内容；撤回事件没有此字段",
        exclude_if=lambda value: value is None,
    )


class FeedPage(BaseModel):
    items: list[FeedItem]
    last_sequence: int = Field(description="本页读到的位置；下次以 after=此值 继续")
    next: str | None = Field(None, description="下一页地址；为空表示已读到最新")
