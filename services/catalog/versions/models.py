"""Published versions of an agency's catalog and the frozen copies of their items."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlmodel import Field

from services.catalog.db import CatalogTable
from services.catalog.items.models import ItemFields
from services.common.db import UTCDateTime, utcnow


class CatalogVersion(CatalogTable, table=True):
    __tablename__ = "catalog_version"
    __table_args__ = (sa.UniqueConstraint("agency_id", "number"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    number: int
    # Only the newest version of an agency is current: the one the public browses.
    current: bool = Field(default=True, index=True)
    note: str | None = Field(default=None, max_length=500)
    item_count: int = Field(default=0)
    published_by: str | None = Field(default=None, max_length=200)
    published_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PublishedItem(ItemFields, CatalogTable, table=True):
    """An item as one version published it; never changed afterwards."""

    __tablename__ = "published_item"
    __table_args__ = (sa.UniqueConstraint("version_id", "item_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    version_id: uuid.UUID = Field(foreign_key="catalog_version.id", index=True)
    # The draft item's id: the same in every version, what documents are classified under.
    item_id: uuid.UUID = Field(index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    template_item_id: uuid.UUID | None = Field(default=None)
    # Copied from the version, so the public list filters without a join.
    current: bool = Field(default=True, index=True)
