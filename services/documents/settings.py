"""Settings of the documents service."""

from typing import ClassVar

from pydantic import Field

from services.common.settings import ServiceSettings
from services.documents.search.config import SearchOptions


class DocumentsSettings(ServiceSettings, SearchOptions):
    service_name: ClassVar[str] = "documents"
    documents_database_url: str | None = Field(
        None,
        description="Database of the documents service; default: a SQLite file under data_dir.",
    )
