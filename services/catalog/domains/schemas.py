"""Request and response bodies of domains."""

import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.catalog.divisions.schemas import DivisionCode


def _clean_name(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("领域名称不能为空")
    return value


DomainName = Annotated[
    str, Field(min_length=1, max_length=50, examples=["乡村振兴"]), AfterValidator(_clean_name)
]


class DomainCreate(BaseModel):
    """A locality's own domain (e.g. 自然资源), usable by the agencies of that division."""

    model_config = ConfigDict(extra="forbid")

    name: DomainName
    division_code: DivisionCode = Field(description="增设该领域的行政区划")


class DomainUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DomainName = Field(description="新名称；原名称记入 former_names")


class DomainMerge(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: uuid.UUID = Field(description="并入的领域")


class DomainRead(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    former_names: list[str]
    national: bool = Field(description="国务院部署的 26 个试点领域之一")
    division_code: str | None = Field(description="地方增设领域所属的区划；全国领域为空")
    merged_into_id: uuid.UUID | None = Field(description="已并入的领域；为空表示仍在使用")
    unverified: bool = Field(description="试点领域名单中尚未核实的领域")
    position: int


class DomainList(BaseModel):
    items: list[DomainRead]
