"""Validity (有效性) as dated intervals with their cause, and the lifecycle events behind them."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class Validity(StrEnum):
    """有效性."""

    NOT_YET_EFFECTIVE = "not_yet_effective"
    IN_FORCE = "in_force"
    AMENDED = "amended"
    PARTIALLY_INVALID = "partially_invalid"
    REPEALED = "repealed"
    EXPIRED = "expired"


VALIDITY_LABELS = {
    Validity.NOT_YET_EFFECTIVE: "尚未生效",
    Validity.IN_FORCE: "现行有效",
    Validity.AMENDED: "已修改",
    Validity.PARTIALLY_INVALID: "部分失效",
    Validity.REPEALED: "已废止",
    Validity.EXPIRED: "已失效",
}
# An amended or partly invalid document is still in force (in its amended form).
IN_FORCE_STATES = frozenset({Validity.IN_FORCE, Validity.AMENDED, Validity.PARTIALLY_INVALID})
FINAL_STATES = frozenset({Validity.REPEALED, Validity.EXPIRED})


class EventKind(StrEnum):
    PUBLISHED = "published"
    AMENDED = "amended"
    PARTIALLY_INVALIDATED = "partially_invalidated"
    REPEALED = "repealed"
    EXPIRED = "expired"
    RECLASSIFIED = "reclassified"
    REVISED = "revised"


EVENT_LABELS = {
    EventKind.PUBLISHED: "发布",
    EventKind.AMENDED: "修改",
    EventKind.PARTIALLY_INVALIDATED: "部分失效",
    EventKind.REPEALED: "废止",
    EventKind.EXPIRED: "有效期届满失效",
    EventKind.RECLASSIFIED: "公开属性调整",
    EventKind.REVISED: "更正内容",
}


class ValidityInterval(DocumentsTable, table=True):
    """[starts_on, ends_on): the document's validity on those days, and why."""

    __tablename__ = "validity_interval"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    status: str = Field(sa_type=sa.String(32))
    starts_on: dt.date = Field(index=True)
    ends_on: dt.date | None = Field(default=None, index=True)
    cause: str = Field(max_length=500)
    event_id: uuid.UUID | None = Field(default=None, foreign_key="document_event.id")


class DocumentEvent(DocumentsTable, table=True):
    """A lifecycle event of one document (publish, amend, repeal, expiry …)."""

    __tablename__ = "document_event"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    kind: str = Field(sa_type=sa.String(32), index=True)
    occurred_on: dt.date
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=1000)
    # The amending or repealing document, when there is one in the registry.
    related_document_id: uuid.UUID | None = Field(
        default=None, foreign_key="document.id", index=True
    )
    # A repeal by a decision not in the registry names it here (e.g. 张政发〔2023〕5号).
    decision: str | None = Field(default=None, max_length=300)
    details: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
