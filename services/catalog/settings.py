"""Settings of the catalog service."""

from typing import ClassVar

from pydantic import Field

from services.common.settings import ServiceSettings


class CatalogSettings(ServiceSettings):
    service_name: ClassVar[str] = "catalog"
    catalog_database_url: str | None = Field(
        None,
        description="Database of the catalog service; default: a SQLite file under data_dir.",
    )
