"""Reference data an administrator edits: document types and the 主题分类 taxonomy."""

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from services.documents.db import DocumentsTable


class ReportRow(StrEnum):
    """The row of the annual report's 第二十条第（一）项 table a document type counts under."""

    RULE = "rule"
    NORMATIVE = "normative"


REPORT_ROW_LABELS = {ReportRow.RULE: "规章", ReportRow.NORMATIVE: "行政规范性文件"}


class DocumentType(DocumentsTable, table=True):
    """文件类型 (规章, 行政规范性文件, 其他政策文件 …)."""

    __tablename__ = "document_type"

    code: str = Field(primary_key=True, max_length=32)
    name: str = Field(max_length=50)
    # 规章 are numbered as 令 (第12号令) rather than 代字〔年〕号.
    numbered_as_order: bool = Field(default=False)
    report_row: str | None = Field(default=None, sa_type=sa.String(32))
    sort_order: int = Field(default=0)


class SubjectCategory(DocumentsTable, table=True):
    """主题分类: the gov.cn taxonomy (22 top-level classes with second levels), as data."""

    __tablename__ = "subject_category"

    code: str = Field(primary_key=True, max_length=16)
    name: str = Field(max_length=50)
    parent_code: str | None = Field(
        default=None, max_length=16, foreign_key="subject_category.code", index=True
    )
    sort_order: int = Field(default=0)
