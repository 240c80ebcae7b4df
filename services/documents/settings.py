"""Settings of the documents service."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from services.common.settings import ServiceSettings


class DocumentsSettings(ServiceSettings):
    service_name: ClassVar[str] = "documents"
    documents_database_url: str | None = Field(
        None,
        description="Database of the documents service; default: a SQLite file under data_dir.",
    )
    documents_attachment_max_bytes: int = Field(
        100 * 1024 * 1024, ge=1, description="Largest attachment accepted, in bytes (100 MiB)."
    )
    documents_attachments_dir: Path | None = Field(
        None, description="Where attachment content is stored; default: data_dir/attachments."
    )

    @property
    def attachment_max_bytes(self) -> int:
        return self.documents_attachment_max_bytes

    @property
    def attachments_root(self) -> Path:
        return self.documents_attachments_dir or self.data_dir / "attachments"
