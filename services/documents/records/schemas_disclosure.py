"""Bodies of the disclosure attribute (公开属性) and its history."""

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from services.documents.records.models import Disclosure


class DisclosureWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attribute: Disclosure = Field(description="公开属性")
    reason: str | None = Field(None, min_length=1, max_length=2000, description="理由")
    legal_basis: str | None = Field(None, min_length=1, max_length=2000, description="法律依据")
    comment: str | None = Field(None, min_length=1, max_length=500, description="审查或调整说明")


class DisclosureChangeRead(BaseModel):
    id: uuid.UUID
    previous: Disclosure | None
    attribute: Disclosure
    reason: str | None
    legal_basis: str | None
    comment: str | None
    is_review: bool = Field(description="年度审查（属性未变）")
    changed_on: dt.date
    recorded_at: dt.datetime


class DisclosureHistory(BaseModel):
    items: list[DisclosureChangeRead]


class VersionRead(BaseModel):
    number: int
    recorded_at: dt.datetime
    actor: str | None = Field(description="修改人（仅本机关工作人员可见）")
    reason: str
    changes: dict[str, object]


class VersionList(BaseModel):
    items: list[VersionRead]
