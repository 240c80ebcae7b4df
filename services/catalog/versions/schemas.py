"""Request and response bodies of versions and their differences."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=500, description="调整说明，如 依据新指引增补事项")


class VersionLinks(BaseModel):
    items: str
    excel: str


class VersionRead(BaseModel):
    agency_id: uuid.UUID
    number: int
    current: bool = Field(description="是否为当前发布的版本")
    note: str | None
    item_count: int
    published_at: dt.datetime
    links: VersionLinks


class VersionList(BaseModel):
    items: list[VersionRead]


class ChangeKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class FieldChange(BaseModel):
    before: Any
    after: Any


class ItemChange(BaseModel):
    id: uuid.UUID
    kind: ChangeKind
    title_path: list[str]
    fields: dict[str, FieldChange] = Field(
        default_factory=dict, description="变化的栏目（仅 changed）"
    )


class CatalogDiff(BaseModel):
    agency_id: uuid.UUID
    from_version: int | None = Field(description="起始版本；为空表示空目录")
    to_version: int | None = Field(description="目标版本；为空表示当前草稿")
    added: int
    removed: int
    changed: int
    unchanged: int
    changes: list[ItemChange]


class DomainCount(BaseModel):
    domain_id: uuid.UUID
    domain_name: str
    item_count: int
    links: dict[str, str]


class DomainCountList(BaseModel):
    agency_id: uuid.UUID
    version: int | None
    items: list[DomainCount]
