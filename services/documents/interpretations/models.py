"""政策解读: interpretations of documents, typed, linked both ways."""

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class InterpretationKind(StrEnum):
    TEXT = "text"
    GRAPHIC = "graphic"
    QA = "qa"
    AUDIO_VIDEO = "audio_video"
    H5 = "h5"
    EXPERT = "expert"
    OFFICIAL = "official"
    MEDIA = "media"


KIND_LABELS = {
    InterpretationKind.TEXT: "文字解读",
    InterpretationKind.GRAPHIC: "图解",
    InterpretationKind.QA: "问答",
    InterpretationKind.AUDIO_VIDEO: "音视频",
    InterpretationKind.H5: "H5",
    InterpretationKind.EXPERT: "专家解读",
    InterpretationKind.OFFICIAL: "负责人解读",
    InterpretationKind.MEDIA: "媒体解读",
}


class Interpretation(DocumentsTable, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    agency_id: uuid.UUID = Field(index=True)
    kind: str = Field(sa_type=sa.String(32))
    title: str = Field(max_length=300)
    body_text: str = Field(default="", sa_type=sa.Text)
    url: str | None = Field(default=None, max_length=500)
    status: str = Field(default="draft", sa_type=sa.String(32), index=True)
    published_on: dt.date | None = Field(default=None)
    created_by: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InterpretationDocument(DocumentsTable, table=True):
    """An interpretation explains one or more documents; each document lists its interpretations."""

    __tablename__ = "interpretation_document"

    interpretation_id: uuid.UUID = Field(foreign_key="interpretation.id", primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", primary_key=True, index=True)
