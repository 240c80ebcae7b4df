"""政府公报: issues and their ordered contents, linked both ways with documents."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class GazetteIssue(DocumentsTable, table=True):
    __tablename__ = "gazette_issue"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year", "issue_number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # The government whose gazette this is (its 办公室 edits it).
    agency_id: uuid.UUID = Field(index=True)
    agency_name: str = Field(max_length=100)
    title: str = Field(max_length=100)
    year: int = Field(index=True)
    issue_number: int = Field(description="当年期号")
    total_number: int | None = Field(default=None, description="总期号")
    issued_on: dt.date
    status: str = Field(default="draft", sa_type=sa.String(32), index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GazetteEntry(DocumentsTable, table=True):
    """One item of an issue's contents, in order; most carry a document of the registry."""

    __tablename__ = "gazette_entry"

    issue_id: uuid.UUID = Field(foreign_key="gazette_issue.id", primary_key=True)
    position: int = Field(primary_key=True)
    document_id: uuid.UUID | None = Field(default=None, foreign_key="document.id", index=True)
    title: str = Field(max_length=300)
    section: str | None = Field(default=None, max_length=50, description="栏目，如 市政府文件")
