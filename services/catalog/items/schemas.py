"""Request and response bodies of catalog items; ItemContent is one row of domain.md §3."""

import uuid
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.catalog.items.models import (
    Audience,
    Channel,
    DeadlineTrigger,
    DeadlineUnit,
    DisclosureLevel,
    DisclosureMode,
)


def _strip(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("不能为空")
    return value


def _strip_optional(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


Title = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_strip)]
OptionalTitle = Annotated[str | None, Field(None, max_length=200), AfterValidator(_strip_optional)]


class Element(BaseModel):
    """公开内容（要素）之一：● 必要要素 / 〇 可选要素."""

    model_config = ConfigDict(extra="forbid")

    name: Title
    required: bool = True


class DeadlineRule(BaseModel):
    """公开时限 as a rule: what starts the clock, and how long."""

    model_config = ConfigDict(extra="forbid")

    trigger: DeadlineTrigger
    number: int | None = Field(None, ge=1, le=366)
    unit: DeadlineUnit | None = None

    @model_validator(mode="after")
    def _number_with_unit(self) -> Self:
        if (self.number is None) != (self.unit is None):
            raise ValueError("时限的数量和单位须同时填写或同时留空")
        if self.number is not None and self.trigger in (
            DeadlineTrigger.PROMPTLY,
            DeadlineTrigger.ONGOING,
        ):
            raise ValueError("“及时公开”“长期公开”不带天数")
        return self


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(
        min_length=1, max_length=200, description="原文，如 信息形成（或变更）之日起20个工作日内"
    )
    rule: DeadlineRule | None = Field(None, description="不填则从原文读出")


class ItemContent(BaseModel):
    """一个公开事项的全部栏目."""

    model_config = ConfigDict(extra="forbid")

    domain_id: uuid.UUID
    level1: Title = Field(description="一级事项")
    level2: OptionalTitle = Field(None, description="二级事项")
    level3: OptionalTitle = Field(None, description="三级事项（部分领域）")
    elements: list[Element] = Field(min_length=1, max_length=50, description="公开内容（要素）")
    basis: str = Field("", max_length=5000, description="公开依据")
    deadline: Deadline = Field(description="公开时限")
    subject: str = Field(min_length=1, max_length=200, description="公开主体")
    channels: list[Channel] = Field(max_length=13, description="公开渠道和载体")
    audience: Audience = Field(Audience.EVERYONE, description="公开对象")
    audience_note: OptionalTitle = Field(None, description="特定群体的说明")
    mode: DisclosureMode = Field(DisclosureMode.PROACTIVE, description="公开方式")
    levels: list[DisclosureLevel] = Field(min_length=1, max_length=3, description="公开层级")
    phone: str | None = Field(None, max_length=50, description="咨询电话")

    @model_validator(mode="after")
    def _normalise(self) -> Self:
        if self.level3 is not None and self.level2 is None:
            raise ValueError("有三级事项时须填写二级事项")
        names = [e.name for e in self.elements]
        if len(set(names)) != len(names):
            raise ValueError("公开内容（要素）有重复")
        # Sets with a stable order, so versions compare equal whatever order was sent.
        self.channels = sorted(set(self.channels), key=list(Channel).index)
        self.levels = sorted(set(self.levels), key=list(DisclosureLevel).index)
        return self


class ItemUpdate(BaseModel):
    """Fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    domain_id: uuid.UUID | None = None
    level1: Title | None = None
    level2: OptionalTitle = None
    level3: OptionalTitle = None
    elements: list[Element] | None = Field(None, min_length=1, max_length=50)
    basis: str | None = Field(None, max_length=5000)
    deadline: Deadline | None = None
    subject: str | None = Field(None, max_length=200)
    channels: list[Channel] | None = Field(None, max_length=13)
    audience: Audience | None = None
    audience_note: OptionalTitle = None
    mode: DisclosureMode | None = None
    levels: list[DisclosureLevel] | None = Field(None, min_length=1, max_length=3)
    phone: str | None = Field(None, max_length=50)
    position: int | None = Field(None, ge=0, le=100_000)


class ItemLinks(BaseModel):
    self: str
    agency: str
    documents: str = Field(description="归入此事项的文件（文件服务）")


class ItemRead(ItemContent):
    model_config = ConfigDict(extra="ignore")

    id: uuid.UUID
    agency_id: uuid.UUID
    domain_name: str
    position: int
    template_item_id: uuid.UUID | None = None
    status: str = Field(description="draft 草稿 / published 当前发布版本中的事项")
    version: int | None = Field(None, description="所在的发布版本号；草稿为空")
    links: ItemLinks


class ItemList(BaseModel):
    items: list[ItemRead]
    next_cursor: str | None = None
    next: str | None = None


class LookupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


class LookupItem(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    title_path: list[str] = Field(description="一级 / 二级 / 三级事项")
    title: str = Field(description="事项名称，如 征收土地信息 / 征收土地信息")
    domain_id: uuid.UUID
    domain_name: str
    published: bool = Field(description="在本机关当前发布的目录中")


class LookupResult(BaseModel):
    items: list[LookupItem]
    missing: list[uuid.UUID] = Field(description="不存在（或调用者无权看到的草稿）事项")


def dump(content: ItemContent) -> dict[str, Any]:
    """The JSON form of a row, the unit versions and templates compare."""
    return content.model_dump(mode="json")
