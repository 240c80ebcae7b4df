"""The catalog's change log: public create / update / withdraw events of agencies and items.

The catalog has no outbox; this table is written in the same transaction as the change it
records (an agency saved, a catalog version published), so it is its change feed directly.
"""

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from services.catalog.db import CatalogTable
from services.common.db import UTCDateTime, utcnow


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    WITHDRAW = "withdraw"


class Stream(StrEnum):
    AGENCY = "agency"
    CATALOG_ITEM = "catalog_item"


class ChangeEntry(CatalogTable, table=True):
    __tablename__ = "change_entry"
    __table_args__ = (sa.Index("ix_change_entry_entity_sequence", "entity", "sequence"),)

    sequence: int | None = Field(
        default=None,
        sa_type=sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
    )
    entity: str = Field(sa_type=sa.String(32))
    entity_id: uuid.UUID = Field(index=True)
    action: str = Field(sa_type=sa.String(16))
    # The agency the record belongs to (an agency: itself), for ``?agency=`` filters.
    agency_id: uuid.UUID = Field(index=True)
    recorded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
