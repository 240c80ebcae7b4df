"""Request and response bodies of agencies; AgencyRead is the contract other services rely on."""

import string
import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from services.catalog.agencies.models import AgencyKind
from services.catalog.divisions.schemas import DeadlineDays, DivisionCode
from services.common.identifiers import validate_credit_code

CreditCode = Annotated[
    str,
    Field(max_length=40, description="统一社会信用代码（18 位，校验位按 GB 32100 检查）"),
    AfterValidator(validate_credit_code),
]

INDEX_NUMBER_FIELDS = frozenset({"credit_code", "org_code", "year", "seq"})
DEFAULT_INDEX_NUMBER_PATTERN = "{org_code}/{year}-{seq:05d}"


def validate_index_number_pattern(value: str) -> str:
    """Only the known placeholders; ``seq`` may carry a zero-padded width such as ``{seq:05d}``."""
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError:
        raise ValueError("索引号格式中的花括号不成对") from None
    fields = [(name, spec) for _, name, spec, _ in parts if name is not None]
    for name, spec in fields:
        if name not in INDEX_NUMBER_FIELDS:
            raise ValueError(
                f"索引号格式含未知占位符 {{{name}}}；可用 {{credit_code}}、{{org_code}}、"
                "{year}、{seq}（如 {seq:05d}）"
            )
        if spec and not (name == "seq" and spec.startswith("0") and spec.endswith("d")):
            raise ValueError("只有 {seq} 可以指定补零宽度，如 {seq:05d}")
        if spec and not spec[1:-1].isdigit():
            raise ValueError("序号宽度应写成 {seq:05d} 的形式")
    if "seq" not in {name for name, _ in fields}:
        raise ValueError("索引号格式必须含有序号占位符 {seq}")
    return value


IndexNumberPattern = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="索引号格式：占位符 {credit_code} 统一社会信用代码、{org_code} 组织机构代码、"
        "{year} 年份、{seq} 序号（可补零，如 {seq:05d}）",
        examples=[DEFAULT_INDEX_NUMBER_PATTERN, "JCXZFBWJ-{year}-{seq:04d}"],
    ),
    AfterValidator(validate_index_number_pattern),
]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Alias = Annotated[str, Field(min_length=1, max_length=50)]


class Contact(BaseModel):
    """政府信息公开工作机构的联系方式."""

    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(None, max_length=200, description="办公地址")
    phone: str | None = Field(None, max_length=50, description="咨询电话")
    hours: str | None = Field(None, max_length=200, description="办公时间")
    email: str | None = Field(
        None, max_length=100, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="电子邮箱"
    )


class Regulation(BaseModel):
    """一项政府信息公开制度（如 主动公开制度、依申请公开工作规程）."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    url: str | None = Field(None, max_length=500)


class AgencyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(description="全称，如 张掖市人民政府办公室")
    short_name: str | None = Field(None, max_length=50, description="简称，如 市政府办")
    aliases: list[Alias] = Field(default_factory=list, max_length=20, description="别称")
    credit_code: CreditCode
    division_code: DivisionCode
    kind: AgencyKind
    parent_id: uuid.UUID | None = None
    contact: Contact = Field(default_factory=Contact)
    index_number_pattern: IndexNumberPattern = DEFAULT_INDEX_NUMBER_PATTERN
    publication_deadline_days: DeadlineDays | None = None
    guide: str | None = Field(None, max_length=50_000, description="政府信息公开指南")
    regulations: list[Regulation] = Field(default_factory=list, max_length=50)

    @field_validator("aliases")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(a.strip() for a in value if a.strip()))


class AgencyUpdate(BaseModel):
    """Fields left out stay as they are; credit code and division are fixed once created."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    short_name: str | None = Field(None, max_length=50)
    aliases: list[Alias] | None = Field(None, max_length=20)
    kind: AgencyKind | None = None
    parent_id: uuid.UUID | None = None
    contact: Contact | None = None
    index_number_pattern: IndexNumberPattern | None = None
    publication_deadline_days: DeadlineDays | None = None
    guide: str | None = Field(None, max_length=50_000)
    regulations: list[Regulation] | None = Field(None, max_length=50)


class AgencyLinks(BaseModel):
    """The 政府信息公开 column's fixed parts and the agency's catalog, as addresses."""

    self: str
    guide: str = Field(description="政府信息公开指南")
    regulations: str = Field(description="政府信息公开制度")
    statutory_content: str = Field(description="法定主动公开内容（文件服务）")
    annual_reports: str = Field(description="政府信息公开工作年度报告（依申请公开服务）")
    on_request: str = Field(description="依申请公开：提出申请（依申请公开服务）")
    catalog: str = Field(description="当前发布的政务公开事项标准目录")
    domains: str = Field(description="目录涉及的领域")
    versions: str = Field(description="目录的历次发布版本")


class AgencyRead(BaseModel):
    id: uuid.UUID
    name: str
    short_name: str | None
    aliases: list[str]
    credit_code: str
    division_code: str
    kind: AgencyKind
    kind_label: str
    parent_id: uuid.UUID | None
    contact: Contact
    index_number_pattern: str
    publication_deadline_days: int = Field(
        description="主动公开期限（工作日）：机关设置，否则所在区划（逐级向上），否则默认 20"
    )
    links: AgencyLinks


class GuideRead(BaseModel):
    """政府信息公开指南 with the office that handles disclosure and requests."""

    agency_id: uuid.UUID
    agency_name: str
    guide: str | None = Field(description="指南全文；未填写时为空")
    contact: Contact
    regulations: list[Regulation]
    links: AgencyLinks


class RegulationList(BaseModel):
    agency_id: uuid.UUID
    items: list[Regulation]


class AgencyList(BaseModel):
    items: list[AgencyRead]
    next_cursor: str | None = None
    next: str | None = None
