"""Bodies of lifecycle actions and events."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.documents.lifecycle.models import EventKind, Validity


class PublishBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    published_on: dt.date | None = Field(
        None, description="发布日期；默认今天（补录历史文件时填写实际发布日期）"
    )


class AmendBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amending_document_id: uuid.UUID = Field(description="作出修改的文件")
    amended_on: dt.date = Field(description="修改生效日期")
    partial_invalidity: bool = Field(False, description="修改使部分条款失效（部分失效）")
    reason: str | None = Field(None, min_length=1, max_length=1000)


class RepealBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    repealed_on: dt.date = Field(description="废止日期")
    repealing_document_id: uuid.UUID | None = Field(None, description="作出废止的文件")
    decision: str | None = Field(
        None, min_length=1, max_length=300, description="废止决定（不在本库中时填写其名称或文号）"
    )
    reason: str = Field(min_length=1, max_length=1000, description="废止理由")

    @model_validator(mode="after")
    def _act(self) -> "RepealBody":
        if self.repealing_document_id is None and self.decision is None:
            raise ValueError("须指明作出废止的文件（repealing_document_id）或废止决定（decision）")
        return self


class EventRead(BaseModel):
    id: uuid.UUID
    document_id: uuid.UUID
    kind: EventKind
    label: str
    occurred_on: dt.date
    recorded_at: dt.datetime
    reason: str | None
    related_document_id: uuid.UUID | None
    decision: str | None
    details: dict[str, Any]


class EventList(BaseModel):
    items: list[EventRead]


class IntervalRead(BaseModel):
    status: Validity
    label: str
    starts_on: dt.date
    ends_on: dt.date | None
    cause: str


class ValidityHistory(BaseModel):
    items: list[IntervalRead]


class ExpiryResult(BaseModel):
    expired: int
