"""Settings of the documents service."""

from pathlib import Path
from typing import ClassVar

from pydantic import Field, field_validator

from services.common.settings import Environment, ServiceSettings
from services.documents.search.config import SearchOptions
from services.documents.webhooks.config import WebhookOptions


class DocumentsSettings(ServiceSettings, SearchOptions, WebhookOptions):
    service_name: ClassVar[str] = "documents"
    documents_database_url: str | None = Field(
        None,
        description="Database of the documents service; default: a SQLite file under data_dir.",
    )
    # The gateway reads the same variable: its body limit of the upload routes follows it
    # (gateway/settings.py), so the two cannot disagree.
    attachment_max_bytes: int = Field(
        50 * 1024 * 1024, ge=1, description="Largest attachment accepted, in bytes (50 MiB)."
    )
    documents_jobs_interval_seconds: float = Field(
        300.0,
        ge=0,
        description="Seconds between runs of the periodic work (expiries, holiday notices); "
        "0: never.",
    )
    attachments_dir: Path | None = Field(
        None, description="Where attachment content is stored; default: data_dir/attachments."
    )

    @field_validator("attachments_dir", mode="before")
    @classmethod
    def _empty_is_default(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def attachments_root(self) -> Path:
        return self.attachments_dir or self.data_dir / "attachments"

    @property
    def webhook_private_targets_allowed(self) -> bool:
        """Loopback and private webhook targets: refused in production unless configured."""
        if self.webhook_allow_private_targets is not None:
            return self.webhook_allow_private_targets
        return self.environment is not Environment.PRODUCTION
