"""Request and response bodies of documents."""

import datetime as dt
import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from services.documents.lifecycle.models import Validity
from services.documents.records.models import Disclosure, PublicationStatus

Keyword = Annotated[str, Field(min_length=1, max_length=30)]
Title = Annotated[str, Field(min_length=1, max_length=300, description="标题")]
DocNumber = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="发文字号，如 国办函〔2020〕109号；括号写法与多余空格均可，规章写作 第12号令",
    ),
]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
MAX_BODY = 2_000_000


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def _check_dates(
    written_on: dt.date | None, effective_on: dt.date | None, expires_on: dt.date | None
) -> None:
    if written_on and effective_on and effective_on < written_on:
        raise ValueError("施行日期不能早于成文日期")
    start = effective_on or written_on
    if start and expires_on and expires_on < start:
        raise ValueError("有效期至不能早于施行日期（或成文日期）")


class DocumentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    agency_id: uuid.UUID = Field(description="主办（牵头）发文机关在目录服务中的编号")
    joint_agency_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=20, description="联合发文的其他机关"
    )
    doc_number: DocNumber | None = None
    type_code: str = Field(min_length=1, max_length=32, description="文件类型代码，如 normative")
    subject_code: str | None = Field(None, max_length=16, description="主题分类代码")
    keywords: list[Keyword] = Field(default_factory=list, max_length=20, description="主题词")
    written_on: dt.date = Field(description="成文日期")
    effective_on: dt.date | None = Field(None, description="施行日期；为空时自发布之日起施行")
    expires_on: dt.date | None = Field(None, description="有效期至（含当日）")
    body_text: str = Field("", max_length=MAX_BODY, description="正文（纯文本）")
    body_html: str | None = Field(None, max_length=MAX_BODY, description="正文 HTML，保存前净化")
    disclosure: Disclosure | None = Field(None, description="公开属性")
    disclosure_reason: Reason | None = Field(None, description="不公开或依申请公开的理由")
    disclosure_legal_basis: Reason | None = Field(None, description="法律依据，如 条例第十四条")
    is_policy: bool = Field(False, description="是否为需要同步解读的政策性文件（三同步）")
    interpretation_exemption: str | None = Field(
        None, min_length=1, max_length=500, description="无需解读的理由"
    )
    catalog_item_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50, description="归入的政务公开事项"
    )

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        return _distinct(value)

    @model_validator(mode="after")
    def _dates(self) -> "DocumentCreate":
        _check_dates(self.written_on, self.effective_on, self.expires_on)
        return self


class DocumentUpdate(BaseModel):
    """Fields left out stay; a published document also needs ``change_reason`` (its version)."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    joint_agency_ids: list[uuid.UUID] | None = Field(None, max_length=20)
    doc_number: DocNumber | None = None
    type_code: str | None = Field(None, min_length=1, max_length=32)
    subject_code: str | None = Field(None, max_length=16)
    keywords: list[Keyword] | None = Field(None, max_length=20)
    written_on: dt.date | None = None
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    body_text: str | None = Field(None, max_length=MAX_BODY)
    body_html: str | None = Field(None, max_length=MAX_BODY)
    is_policy: bool | None = None
    interpretation_exemption: str | None = Field(None, min_length=1, max_length=500)
    catalog_item_ids: list[uuid.UUID] | None = Field(None, max_length=50)
    change_reason: str | None = Field(
        None, min_length=1, max_length=500, description="修改原因（已发布文件必填，记入版本）"
    )

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _distinct(value)


class DocumentNumberRead(BaseModel):
    original: str
    normalised: str
    code: str | None = Field(description="机关代字")
    year: int | None
    sequence: int | None
    is_order: bool = Field(description="是否为令（规章）")


class IssuingAgency(BaseModel):
    id: uuid.UUID
    name: str
    lead: bool


class CodeName(BaseModel):
    code: str
    name: str


class DisclosureRead(BaseModel):
    attribute: Disclosure | None
    label: str | None
    reason: str | None
    legal_basis: str | None
    reviewed_on: dt.date | None
    review_due_on: dt.date | None = Field(description="下次年度审查日期（非主动公开）")


class ValidityRead(BaseModel):
    status: Validity
    label: str
    since: dt.date
    until: dt.date | None
    cause: str


class DocumentSummary(BaseModel):
    id: uuid.UUID
    index_number: str
    title: str
    doc_number: str | None
    doc_number_normalised: str | None
    agencies: list[IssuingAgency]
    type: CodeName
    subject: CodeName | None
    keywords: list[str]
    written_on: dt.date
    published_on: dt.date | None
    effective_on: dt.date | None
    expires_on: dt.date | None
    disclosure: Disclosure | None
    status: PublicationStatus
    status_label: str
    validity: ValidityRead | None = Field(description="今天的有效性")
    updated_at: dt.datetime


class DocumentRead(DocumentSummary):
    number: DocumentNumberRead | None
    body_text: str
    body_html: str | None
    disclosure_detail: DisclosureRead
    is_policy: bool
    interpretation_exemption: str | None
    catalog_item_ids: list[uuid.UUID]
    publish_due_on: dt.date = Field(description="按期发布的最后一日（成文日期后第 N 个工作日）")
    deadline_days: int
    version: int
    created_at: dt.datetime
    published_at: dt.datetime | None
    links: dict[str, Any]


class DocumentList(BaseModel):
    items: list[DocumentSummary]
    next_cursor: str | None = None
    next: str | None = None


class CountRead(BaseModel):
    count: int
