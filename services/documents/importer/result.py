"""What the importer found in one legacy file, field by field, with a Chinese note each."""

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.documents.importer.vocabulary import DisclosureMark


class ImportField(StrEnum):
    """The fields the importer looks for; `label` is the Chinese name shown to staff."""

    DOC_NUMBER = "doc_number"
    TITLE = "title"
    AGENCY = "agency"
    WRITTEN_ON = "written_on"
    DISCLOSURE = "disclosure"
    BODY = "body"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ImportField.DOC_NUMBER: "发文字号",
    ImportField.TITLE: "标题",
    ImportField.AGENCY: "发文机关",
    ImportField.WRITTEN_ON: "成文日期",
    ImportField.DISCLOSURE: "公开属性",
    ImportField.BODY: "正文",
}


class FieldReport(BaseModel):
    """Whether one field was found, its value as text, and a note for the person importing."""

    model_config = ConfigDict(frozen=True)

    field: ImportField
    label: str
    found: bool
    value: str | None = None
    source: str | None = Field(None, description="where it was read: 正文 or 网页元数据")
    message: str


class ImportResult(BaseModel):
    """One legacy document as read from its text; `None` or empty where nothing was found."""

    model_config = ConfigDict(frozen=True)

    filename: str
    doc_number: str | None = Field(None, description="发文字号, canonical (交政办发〔2020〕78号)")
    doc_number_original: str | None = Field(None, description="发文字号 as printed")
    title: str | None = Field(None, description="标题: 发文机关 + 关于…的通知 (GB/T 9704)")
    agency: str | None = Field(None, description="the first issuing agency's name")
    agencies: list[str] = Field(default_factory=list, description="all issuing agencies")
    written_on: dt.date | None = Field(None, description="成文日期")
    disclosure: DisclosureMark | None = None
    body: str = Field("", description="the document's text, chrome removed, paragraphs joined")
    index_number: str | None = Field(None, description="索引号 from the page's metadata")
    published_on: dt.date | None = Field(None, description="发布日期 from the page's metadata")
    keywords: list[str] = Field(default_factory=list, description="主题词")
    topic: str | None = Field(None, description="主题分类 as the page names it")
    cited_numbers: list[str] = Field(
        default_factory=list, description="other 发文字号 cited in the text, canonical"
    )
    fields: list[FieldReport] = Field(default_factory=list)

    @property
    def missing(self) -> list[ImportField]:
        """The fields that were not found (the person importing must fill them in)."""
        return [report.field for report in self.fields if not report.found]

    @property
    def complete(self) -> bool:
        return not self.missing

    def summary(self) -> str:
        """One line per file for the CLI: `文件名：已识别 5 项，未找到：公开属性`."""
        found = sum(1 for report in self.fields if report.found)
        missing = "、".join(f.label for f in self.missing)
        tail = f"，未找到：{missing}" if missing else "，全部识别"
        return f"{self.filename}：已识别 {found} 项{tail}"
