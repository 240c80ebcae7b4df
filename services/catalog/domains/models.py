"""The domain table: national pilot domains (seeded) and locality extensions."""

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlmodel import Field

from services.catalog.db import CatalogTable
from services.common.db import UTCDateTime, utcnow


class Domain(CatalogTable, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # A stable key (the seed's slug, or "local-…" for an extension); names change, it does not.
    code: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=50, index=True)
    former_names: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # None: a national pilot domain; otherwise the division that added it for itself.
    division_code: str | None = Field(
        default=None, max_length=12, foreign_key="division.code", index=True
    )
    merged_into_id: uuid.UUID | None = Field(default=None, foreign_key="domain.id", index=True)
    # Listed as unverified in domain.md §3 (税收管理, 城市综合执法): kept, flagged.
    unverified: bool = Field(default=False)
    position: int = Field(default=0)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
