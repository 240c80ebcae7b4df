"""Versions of interpretations and gazette issues once published: who, when, why, what."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class RevisionKind(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    WITHDRAWN = "withdrawn"


REVISION_LABELS = {
    RevisionKind.PUBLISHED: "发布",
    RevisionKind.UPDATED: "修改",
    RevisionKind.WITHDRAWN: "撤回",
}


class Revision(DocumentsTable, table=True):
    """One change to a published interpretation (政策解读) or gazette issue (政府公报)."""

    __tablename__ = "revision"
    __table_args__ = (sa.UniqueConstraint("entity", "entity_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # "interpretation" or "gazette_issue", as in the outbox.
    entity: str = Field(sa_type=sa.String(32))
    entity_id: uuid.UUID = Field(index=True)
    number: int
    kind: str = Field(sa_type=sa.String(32))
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=200)
    reason: str = Field(max_length=1000)
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
