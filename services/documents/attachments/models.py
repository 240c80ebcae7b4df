"""The attachment table: a document's files, their content kind, hash and extracted text."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class Attachment(DocumentsTable, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    filename: str = Field(max_length=255)
    kind: str = Field(sa_type=sa.String(16))
    media_type: str = Field(max_length=100)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(max_length=64, index=True)
    # Text of PDF and DOCX files, for search (empty for other kinds or unreadable files).
    text: str = Field(default="", sa_type=sa.Text)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
