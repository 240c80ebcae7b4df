"""Request and response bodies of templates, instances and their comparison."""

import datetime as dt
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.catalog.items.models import Channel
from services.catalog.items.schemas import ItemContent
from services.catalog.versions.schemas import ChangeKind


class TemplateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    domain_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200, examples=["征地补偿领域基层政务公开标准指引"])
    issuer: str | None = Field(None, max_length=200, examples=["自然资源部"])
    items: list[ItemContent] = Field(default_factory=list, max_length=500)


class TemplateItemRead(ItemContent):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    position: int


class TemplateRead(BaseModel):
    id: uuid.UUID
    domain_id: uuid.UUID
    domain_name: str
    name: str
    issuer: str | None
    revision: int
    updated_at: dt.datetime
    items: list[TemplateItemRead]


class TemplateSummary(BaseModel):
    id: uuid.UUID
    domain_id: uuid.UUID
    name: str
    issuer: str | None
    revision: int


class TemplateList(BaseModel):
    items: list[TemplateSummary]


class InstanceCreate(BaseModel):
    """Copy a template into the agency's draft, localising subject, channels and phone."""

    model_config = ConfigDict(extra="forbid")

    template_id: uuid.UUID
    subject: str | None = Field(None, min_length=1, max_length=200, description="本机关的公开主体")
    channels: list[Channel] | None = Field(None, max_length=13, description="本机关的公开渠道")
    phone: str | None = Field(None, max_length=50, description="本机关的咨询电话")


class InstanceRead(BaseModel):
    id: uuid.UUID
    template_id: uuid.UUID
    agency_id: uuid.UUID
    base_revision: int = Field(description="最近一次同步时指引的修订号")
    template_revision: int
    up_to_date: bool
    subject: str | None
    channels: list[Channel] | None
    phone: str | None
    synced_at: dt.datetime


class InstanceList(BaseModel):
    items: list[InstanceRead]


class FieldComparison(BaseModel):
    template_before: Any = Field(description="上次同步时指引中的值")
    template_after: Any = Field(description="指引现在的值")
    instance: Any = Field(description="本机关草稿中的值；事项已删除时为空")


class TemplateChange(BaseModel):
    template_item_id: uuid.UUID
    kind: ChangeKind
    title_path: list[str]
    instance_item_id: uuid.UUID | None
    fields: dict[str, FieldComparison] = Field(default_factory=dict)


class Comparison(BaseModel):
    instance_id: uuid.UUID
    template_id: uuid.UUID
    base_revision: int
    template_revision: int
    changes: list[TemplateChange]


class PullRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_item_ids: list[uuid.UUID] | None = Field(
        None, max_length=500, description="只同步这些指引事项的变化；不填则全部同步"
    )


class PullResult(BaseModel):
    added: int
    removed: int
    changed: int
    comparison: Comparison
