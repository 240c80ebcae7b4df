"""Bodies of the reference data: document types and 主题分类."""

from pydantic import BaseModel, ConfigDict, Field

from services.documents.reference.models import ReportRow


class DocumentTypeWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    numbered_as_order: bool = Field(False, description="按令编号（规章）")
    report_row: ReportRow | None = Field(None, description="年度报告第二十条第（一）项中的行")
    sort_order: int = Field(0, ge=0, le=10_000)


class DocumentTypeRead(DocumentTypeWrite):
    code: str


class SubjectWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50)
    parent_code: str | None = Field(None, max_length=16)
    sort_order: int = Field(0, ge=0, le=10_000)


class SubjectRead(SubjectWrite):
    code: str


class DocumentTypeList(BaseModel):
    items: list[DocumentTypeRead]


class SubjectList(BaseModel):
    items: list[SubjectRead]
