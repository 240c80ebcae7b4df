"""The agency table (机关) and the kinds of agency the law distinguishes."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field

from services.catalog.db import CatalogTable
from services.common.db import UTCDateTime, utcnow


class AgencyKind(StrEnum):
    """机关类别."""

    GOVERNMENT = "government"
    GOVERNMENT_OFFICE = "government_office"
    DEPARTMENT = "department"
    TOWNSHIP = "township"
    SUBDISTRICT = "subdistrict"
    DEVELOPMENT_ZONE = "development_zone"
    OTHER = "other"


KIND_LABELS = {
    AgencyKind.GOVERNMENT: "人民政府",
    AgencyKind.GOVERNMENT_OFFICE: "人民政府办公室（厅）",
    AgencyKind.DEPARTMENT: "政府工作部门",
    AgencyKind.TOWNSHIP: "乡镇人民政府",
    AgencyKind.SUBDISTRICT: "街道办事处",
    AgencyKind.DEVELOPMENT_ZONE: "开发区管委会",
    AgencyKind.OTHER: "其他机关",
}


class Agency(CatalogTable, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100, index=True)
    short_name: str | None = Field(default=None, max_length=50)
    aliases: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Every name, short name and alias, normalised and separated, for ?q= substring search.
    search_text: str = Field(default="", sa_type=sa.Text)
    credit_code: str = Field(max_length=18, unique=True)
    division_code: str = Field(max_length=12, foreign_key="division.code", index=True)
    kind: AgencyKind = Field(sa_type=sa.String(32))
    parent_id: uuid.UUID | None = Field(default=None, foreign_key="agency.id", index=True)
    contact_address: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=50)
    contact_hours: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=100)
    index_number_pattern: str = Field(max_length=100)
    publication_deadline_days: int | None = Field(default=None)
    # 政府信息公开指南 (text) and 制度 (titles with links), parts of the 政府信息公开 column.
    guide: str | None = Field(default=None, sa_type=sa.Text)
    regulations: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
