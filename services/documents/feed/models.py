"""The open-data change feed: public create / update / withdraw events in outbox order."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    WITHDRAW = "withdraw"


class Stream(StrEnum):
    """The resource types with a feed; the values are the outbox's ``entity`` names."""

    DOCUMENT = "document"
    INTERPRETATION = "interpretation"
    GAZETTE_ISSUE = "gazette_issue"


class FeedState(DocumentsTable, table=True):
    """What the feed last told the public about a record (its tombstone needs this)."""

    __tablename__ = "feed_state"

    entity: str = Field(sa_type=sa.String(32), primary_key=True)
    entity_id: uuid.UUID = Field(primary_key=True)
    public: bool = Field(default=False)
    # The facets (agency, type, category …) of the last public state, as [name, value] pairs:
    # a tombstone is filed under them, never under those of the non-public record.
    facets: list[Any] = Field(default_factory=list, sa_type=sa.JSON)
    sequence: int = Field(sa_type=sa.BigInteger)


class FeedEvent(DocumentsTable, table=True):
    """One public event, numbered in commit order.

    The feed has its own dense sequence rather than the outbox's: gaps in the outbox's
    numbers would tell the public how many non-public changes happened in between. Events
    are inserted while the outbox's table lock is held, so this sequence is in commit order
    too.
    """

    __tablename__ = "feed_event"
    __table_args__ = (sa.Index("ix_feed_event_entity_sequence", "entity", "sequence"),)

    sequence: int | None = Field(
        default=None,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
    )
    outbox_sequence: int = Field(
        sa_type=sa.BigInteger, foreign_key="outbox_entry.sequence", index=True
    )
    entity: str = Field(sa_type=sa.String(32))
    entity_id: uuid.UUID = Field(index=True)
    action: str = Field(sa_type=sa.String(16))
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FeedFacet(DocumentsTable, table=True):
    """A filter value of an event (agency, type, category, catalog_item), for filtered feeds."""

    __tablename__ = "feed_facet"
    __table_args__ = (sa.Index("ix_feed_facet_lookup", "name", "value", "sequence"),)

    sequence: int = Field(
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        foreign_key="feed_event.sequence",
    )
    name: str = Field(sa_type=sa.String(16), primary_key=True)
    value: str = Field(max_length=64, primary_key=True)
