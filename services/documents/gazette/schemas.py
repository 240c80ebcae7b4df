"""Bodies of gazette issues."""

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.documents.records.models import PublicationStatus


class EntryWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document_id: uuid.UUID | None = Field(None, description="刊登的文件；目录中的其他条目可不填")
    title: str | None = Field(None, min_length=1, max_length=300, description="默认取文件标题")
    section: str | None = Field(None, min_length=1, max_length=50, description="栏目")

    @model_validator(mode="after")
    def _something(self) -> "EntryWrite":
        if self.document_id is None and self.title is None:
            raise ValueError("每个条目须有所刊登的文件（document_id）或标题（title）")
        return self


class GazetteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency_id: uuid.UUID = Field(description="编辑公报的机关")
    title: str = Field(
        "政府公报", min_length=1, max_length=100, description="如 张掖市人民政府公报"
    )
    year: int = Field(ge=1949, le=2100)
    issue_number: int = Field(ge=1, le=999, description="当年期号")
    total_number: int | None = Field(None, ge=1, le=100_000, description="总期号")
    issued_on: dt.date = Field(description="出版日期")
    entries: list[EntryWrite] = Field(
        default_factory=list, max_length=300, description="目录（按顺序）"
    )


class GazetteUpdate(BaseModel):
    """Changes to an issue; ``entries`` replaces the whole contents. A published issue needs
    ``change_reason`` (kept in its versions)."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=100)
    year: int | None = Field(None, ge=1949, le=2100)
    issue_number: int | None = Field(None, ge=1, le=999, description="当年期号")
    total_number: int | None = Field(None, ge=1, le=100_000, description="总期号")
    issued_on: dt.date | None = Field(None, description="出版日期")
    entries: list[EntryWrite] | None = Field(None, max_length=300, description="目录（按顺序）")
    change_reason: str | None = Field(
        None, min_length=1, max_length=1000, description="修改原因（已发布的公报必填）"
    )


class EntryRead(BaseModel):
    position: int
    document_id: uuid.UUID | None
    title: str
    section: str | None


class GazetteRead(BaseModel):
    id: uuid.UUID
    agency_id: uuid.UUID
    agency_name: str
    title: str
    year: int
    issue_number: int
    total_number: int | None
    issued_on: dt.date
    status: PublicationStatus
    pdf: str | None = Field(None, description="版式文件（PDF/OFD）下载地址；未上传为空")
    entries: list[EntryRead]


class GazetteSummary(BaseModel):
    id: uuid.UUID
    title: str
    year: int
    issue_number: int
    total_number: int | None
    issued_on: dt.date
    status: PublicationStatus


class GazetteList(BaseModel):
    items: list[GazetteSummary]
    next_cursor: str | None = None
    next: str | None = None
