"""Documents (规章、行政规范性文件 …), their issuing agencies, classification and history."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class Disclosure(StrEnum):
    """公开属性."""

    PUBLIC = "public"
    ON_REQUEST = "on_request"
    WITHHELD = "withheld"


DISCLOSURE_LABELS = {
    Disclosure.PUBLIC: "主动公开",
    Disclosure.ON_REQUEST: "依申请公开",
    Disclosure.WITHHELD: "不予公开",
}


class PublicationStatus(StrEnum):
    """Whether the record has been issued (发布) yet.

    A published interpretation or gazette issue can be withdrawn (撤回); a document cannot (it
    is repealed instead, and stays on record with its validity).
    """

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


STATUS_LABELS = {
    PublicationStatus.DRAFT: "未发布",
    PublicationStatus.PUBLISHED: "已发布",
    PublicationStatus.WITHDRAWN: "已撤回",
}


class Document(DocumentsTable, table=True):
    __table_args__ = (sa.UniqueConstraint("agency_id", "doc_number_key"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    index_number: str = Field(max_length=100, unique=True)
    # The lead issuing agency owns the record; joint issuers are in DocumentAgency too.
    agency_id: uuid.UUID = Field(index=True)
    agency_name: str = Field(max_length=100)
    title: str = Field(max_length=300)
    doc_number: str | None = Field(default=None, max_length=100)
    doc_number_key: str | None = Field(default=None, max_length=100, index=True)
    doc_number_code: str | None = Field(default=None, max_length=100)
    doc_number_year: int | None = Field(default=None)
    doc_number_seq: int | None = Field(default=None)
    doc_number_is_order: bool = Field(default=False)
    type_code: str = Field(max_length=32, foreign_key="document_type.code", index=True)
    subject_code: str | None = Field(
        default=None, max_length=16, foreign_key="subject_category.code", index=True
    )
    keywords: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    written_on: dt.date = Field(index=True)
    published_on: dt.date | None = Field(default=None, index=True)
    effective_on: dt.date | None = Field(default=None)
    expires_on: dt.date | None = Field(default=None)
    body_text: str = Field(default="", sa_type=sa.Text)
    body_html: str | None = Field(default=None, sa_type=sa.Text)
    disclosure: str | None = Field(default=None, sa_type=sa.String(32), index=True)
    disclosure_reason: str | None = Field(default=None, sa_type=sa.Text)
    disclosure_legal_basis: str | None = Field(default=None, sa_type=sa.Text)
    disclosure_reviewed_on: dt.date | None = Field(default=None)
    # 三同步: a policy document needs an interpretation published with it, or a stated reason.
    is_policy: bool = Field(default=False)
    interpretation_exemption: str | None = Field(default=None, max_length=500)
    status: str = Field(default=PublicationStatus.DRAFT, sa_type=sa.String(32), index=True)
    # Publication deadline (条例 Art. 26): N working days after 成文日期, N as it stood then.
    deadline_days: int = Field(default=20)
    publish_due_on: dt.date = Field(index=True)
    version: int = Field(default=1)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    published_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class DocumentAgency(DocumentsTable, table=True):
    """An issuing agency (发文机关) of a document; position 0 is the lead agency."""

    __tablename__ = "document_agency"

    document_id: uuid.UUID = Field(foreign_key="document.id", primary_key=True)
    agency_id: uuid.UUID = Field(primary_key=True, index=True)
    position: int = Field(default=0)
    name: str = Field(max_length=100)


class DocumentCatalogItem(DocumentsTable, table=True):
    """归类: a catalog item (政务公开事项) the document falls under."""

    __tablename__ = "document_catalog_item"

    document_id: uuid.UUID = Field(foreign_key="document.id", primary_key=True)
    item_id: uuid.UUID = Field(primary_key=True, index=True)
    item_agency_id: uuid.UUID | None = Field(default=None)


class IndexCounter(DocumentsTable, table=True):
    """The last 索引号 sequence number given per agency and year."""

    __tablename__ = "index_counter"

    agency_id: uuid.UUID = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_seq: int = Field(default=0)


class DocumentVersion(DocumentsTable, table=True):
    """A change to a published document: who, when, why and what (old → new per field)."""

    __tablename__ = "document_version"
    __table_args__ = (sa.UniqueConstraint("document_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    number: int
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=500)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)


class DisclosureChange(DocumentsTable, table=True):
    """公开属性 history: every setting, review and reclassification, with its reasons."""

    __tablename__ = "disclosure_change"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    previous: str | None = Field(default=None, sa_type=sa.String(32))
    attribute: str = Field(sa_type=sa.String(32))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    legal_basis: str | None = Field(default=None, sa_type=sa.Text)
    comment: str | None = Field(default=None, max_length=500)
    is_review: bool = Field(default=False)
    changed_on: dt.date
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=200)


class IdempotencyRecord(DocumentsTable, table=True):
    """A creation already done under an ``Idempotency-Key``: the same request gets the same row."""

    __tablename__ = "idempotency_record"

    subject: str = Field(primary_key=True, max_length=200)
    key: str = Field(primary_key=True, max_length=200)
    request_hash: str = Field(max_length=64)
    document_id: uuid.UUID = Field(foreign_key="document.id")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
