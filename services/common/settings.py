"""Typed settings shared by every app; each service adds its own database URL."""

from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SERVICE_NAMES = ("catalog", "documents", "requests")

PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev", "development", "secret", "password"}


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class CommonSettings(BaseSettings):
    """What every Gongkai process reads from ``GONGKAI_*`` variables (or a ``.env`` file)."""

    model_config = SettingsConfigDict(
        env_prefix="GONGKAI_", env_file=".env", extra="ignore", frozen=True
    )

    environment: Environment = Field(
        Environment.DEVELOPMENT, description="development, test or production"
    )
    data_dir: Path = Field(
        Path("data"), description="Where SQLite files, search indexes and uploads live."
    )
    host: str = Field("127.0.0.1", description="Address to listen on; '::' for IPv6 and IPv4.")
    port: int = Field(8000, description="Port to listen on.")
    log_level: str = Field("INFO", description="Python logging level name.")
    log_format: Literal["json", "text"] = Field("json", description="json (default) or text.")

    catalog_url: str | None = Field(
        None, description="Base URL of a separately running catalog service; unset: in-process."
    )
    documents_url: str | None = Field(
        None, description="Base URL of a separately running documents service; unset: in-process."
    )
    requests_url: str | None = Field(
        None, description="Base URL of a separately running requests service; unset: in-process."
    )

    token_issuer: str = Field(
        "http://127.0.0.1:8000", description="The `iss` every access token must carry."
    )
    jwks_url: str | None = Field(
        None,
        description="Where services fetch the signing keys (distributed mode); "
        "unset: read from the key file under data_dir.",
    )
    denylist_url: str | None = Field(
        None,
        description="The gateway's token denylist (distributed mode), e.g. "
        "http://gateway:8000/oauth/denylist; unset: handed over in-process.",
    )
    secret_key: SecretStr = Field(
        SecretStr("development-only-secret-key-change-me"),
        description="Server secret for keyed hashes and signatures; 32+ characters in production.",
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> "CommonSettings":
        if self.environment is Environment.PRODUCTION:
            value = self.secret_key.get_secret_value()
            if value.lower() in PLACEHOLDER_SECRETS or "change-me" in value or len(value) < 32:
                raise ValueError("生产环境必须设置 GONGKAI_SECRET_KEY（至少 32 个字符的随机值）")
        return self

    def service_url(self, name: str) -> str | None:
        """The configured base URL of another service, or None when it runs in-process."""
        url: str | None = getattr(self, f"{name}_url")
        return url.rstrip("/") if url else None

    def sqlite_url(self, name: str) -> str:
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{name}.db').as_posix()}"


class ServiceSettings(CommonSettings):
    """Settings of one service; subclasses declare ``<name>_database_url``."""

    service_name: ClassVar[str] = "service"

    @property
    def database_url(self) -> str:
        url: str | None = getattr(self, f"{self.service_name}_database_url", None)
        return normalise_database_url(url or self.sqlite_url(self.service_name))


def normalise_database_url(url: str) -> str:
    """Accept the URLs people write and pick the async drivers we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url
