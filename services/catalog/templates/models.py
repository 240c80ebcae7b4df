"""Templates (a domain guideline), their items, and the agencies' instances of them."""

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.catalog.db import CatalogTable
from services.catalog.items.models import ItemFields
from services.common.db import UTCDateTime, utcnow


class Template(CatalogTable, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    domain_id: uuid.UUID = Field(foreign_key="domain.id", index=True)
    name: str = Field(max_length=200)
    issuer: str | None = Field(default=None, max_length=200)
    # Raised by every change of its items, so instances know they are behind.
    revision: int = Field(default=1)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TemplateItem(ItemFields, CatalogTable, table=True):
    __tablename__ = "template_item"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    template_id: uuid.UUID = Field(foreign_key="template.id", index=True)


class TemplateInstance(CatalogTable, table=True):
    """An agency's copy of a template, with the template as it was when last pulled."""

    __tablename__ = "template_instance"
    __table_args__ = (sa.UniqueConstraint("template_id", "agency_id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    template_id: uuid.UUID = Field(foreign_key="template.id", index=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    # {template item id: its content when last pulled}: the base of a three-way comparison.
    base: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    base_revision: int
    # The agency's own values of the localised columns; None keeps the template's.
    local_subject: str | None = Field(default=None, max_length=200)
    local_channels: list[str] | None = Field(default=None, sa_type=sa.JSON)
    local_phone: str | None = Field(default=None, max_length=50)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    synced_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
