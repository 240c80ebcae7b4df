"""Settings of the requests service."""

from typing import ClassVar

from pydantic import Field

from services.common.settings import ServiceSettings


class RequestsSettings(ServiceSettings):
    service_name: ClassVar[str] = "requests"
    requests_database_url: str | None = Field(
        None,
        description="Database of the requests service; default: a SQLite file under data_dir.",
    )
