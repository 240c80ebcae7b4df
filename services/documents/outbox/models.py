"""The outbox: every change, in commit order, for the search indexer and the open-data feeds."""

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class OutboxEntry(DocumentsTable, table=True):
    """One change; ``sequence`` grows in commit order (writers serialise on the table)."""

    __tablename__ = "outbox_entry"

    sequence: int | None = Field(
        default=None,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
    )
    # What changed: "document", "interpretation" or "gazette_issue", and its id.
    entity: str = Field(sa_type=sa.String(32))
    entity_id: uuid.UUID = Field(index=True)
    kind: str = Field(sa_type=sa.String(32))
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
