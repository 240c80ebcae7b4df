"""The division table: a code names it, the code's prefix places it in the hierarchy."""

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.catalog.db import CatalogTable


class DivisionLevel(StrEnum):
    """行政区划层级."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


LEVEL_LABELS = {
    DivisionLevel.PROVINCE: "省级",
    DivisionLevel.CITY: "市级",
    DivisionLevel.COUNTY: "县级",
    DivisionLevel.TOWNSHIP: "乡级",
    DivisionLevel.VILLAGE: "村级",
}


class DivisionBase(SQLModel):
    name: str = Field(max_length=100)
    level: DivisionLevel = Field(sa_type=sa.String(32))
    parent_code: str | None = Field(
        default=None, max_length=12, foreign_key="division.code", index=True
    )
    publication_deadline_days: int | None = Field(default=None)


class Division(DivisionBase, CatalogTable, table=True):
    code: str = Field(max_length=12, primary_key=True)
