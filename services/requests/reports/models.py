"""Tables of annual reports (one row per version) and of reconsideration/litigation cases.

A draft's tables are computed from the records whenever it is read; publishing stores the
whole computed report in ``content``, which is never changed afterwards (a correction is a new
version). Review cases live here because the requests table has no fields for them.
"""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.requests.db import RequestsTable


class ReportStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"


STATUS_LABELS = {
    ReportStatus.DRAFT: "草稿",
    ReportStatus.SUBMITTED: "已报送待审核",
    ReportStatus.PUBLISHED: "已公布",
}


class ReviewKind(StrEnum):
    RECONSIDERATION = "reconsideration"
    LITIGATION_DIRECT = "litigation_direct"
    LITIGATION_AFTER = "litigation_after"


REVIEW_KIND_LABELS = {
    ReviewKind.RECONSIDERATION: "行政复议",
    ReviewKind.LITIGATION_DIRECT: "行政诉讼（未经复议直接起诉）",
    ReviewKind.LITIGATION_AFTER: "行政诉讼（复议后起诉）",
}


class ReviewResult(StrEnum):
    UPHELD = "upheld"
    CORRECTED = "corrected"
    OTHER = "other"


REVIEW_RESULT_LABELS = {
    ReviewResult.UPHELD: "结果维持",
    ReviewResult.CORRECTED: "结果纠正",
    ReviewResult.OTHER: "其他结果",
}


class AnnualReport(RequestsTable, table=True):
    """一个机关一个年度的政府信息公开工作年度报告的一个版本."""

    __tablename__ = "annual_report"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year", "version"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    agency_id: uuid.UUID = Field(index=True)
    agency_name: str = Field(max_length=200)
    division_code: str | None = Field(default=None, max_length=12, index=True)
    year: int = Field(index=True)
    version: int = Field(default=1)
    status: str = Field(sa_type=sa.String(32), index=True)
    overview: str | None = Field(default=None, sa_type=sa.Text)
    problems: str | None = Field(default=None, sa_type=sa.Text)
    other_matters: str | None = Field(default=None, sa_type=sa.Text)
    figures: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    content: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_by: str | None = Field(default=None, max_length=200)
    published_by: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    submitted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ReviewCase(RequestsTable, table=True):
    """一件因政府信息公开申请引起的行政复议或行政诉讼及其结果."""

    __tablename__ = "request_review_case"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    request_id: uuid.UUID = Field(foreign_key="info_request.id", index=True)
    agency_id: uuid.UUID = Field(index=True)
    kind: str = Field(sa_type=sa.String(32))
    case_number: str | None = Field(default=None, max_length=100)
    filed_on: dt.date = Field(index=True)
    result: str | None = Field(default=None, sa_type=sa.String(32))
    concluded_on: dt.date | None = Field(default=None, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
