"""Choosing and opening the search backend from settings (the composition root calls this)."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.documents.search.analysis import AgencyAliases, Analyzer, load_vocabulary
from services.documents.search.port import SearchIndex
from services.documents.search.tantivy_index import TantivySearchIndex


class SearchBackend(StrEnum):
    EMBEDDED = "embedded"
    MEILISEARCH = "meilisearch"


class SearchOptions(BaseModel):
    """The search part of the documents service's settings (``GONGKAI_*`` variables)."""

    search_backend: SearchBackend = Field(
        SearchBackend.EMBEDDED, description="embedded (tantivy under data_dir) or meilisearch"
    )
    search_indexer: bool = Field(
        True, description="Run the outbox indexer in this process (embedded: if it can write)."
    )
    search_dictionary_file: Path | None = Field(
        None, description="Administrator's extra vocabulary, one word per line (optional freq)."
    )
    meilisearch_url: str | None = Field(None, description="Meilisearch base URL")
    meilisearch_api_key: str | None = Field(None, description="Meilisearch API key")
    meilisearch_index: str = Field("gongkai_documents", description="Meilisearch index uid")

    @field_validator(
        "search_dictionary_file", "meilisearch_url", "meilisearch_api_key", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # Deployment files pass unset values as empty strings.
        return None if value == "" else value

    @field_validator("search_dictionary_file")
    @classmethod
    def _dictionary_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"GONGKAI_SEARCH_DICTIONARY_FILE 指向的文件不存在：{value}")
        return value


class SearchSettings(SearchOptions, BaseSettings):
    """Standalone (CLI, benchmarks): the same variables plus ``GONGKAI_DATA_DIR``."""

    model_config = SettingsConfigDict(env_prefix="GONGKAI_", extra="ignore", frozen=True)

    data_dir: Path = Path("data")


def index_dir(data_dir: Path) -> Path:
    return data_dir / "search" / "documents"


@lru_cache(maxsize=4)
def shared_analyzer(dictionary_file: Path | None = None) -> Analyzer:
    """One analyzer per process and dictionary (loading it takes ~0.2 s)."""
    return Analyzer(load_vocabulary([dictionary_file] if dictionary_file else []))


def open_search_index(
    options: SearchOptions,
    data_dir: Path,
    *,
    aliases: AgencyAliases = AgencyAliases(),
    writable: bool = False,
) -> SearchIndex:
    """The configured backend; ``writable`` takes the embedded engine's single writer lock
    (raises ``SearchWriterBusy`` when another process holds it)."""
    analyzer = shared_analyzer(options.search_dictionary_file)
    if options.search_backend is SearchBackend.MEILISEARCH:
        # the client (and requests) load only where Meilisearch is configured
        from services.documents.search.meilisearch_index import (  # noqa: PLC0415
            MeilisearchSearchIndex,
        )

        if not options.meilisearch_url:
            raise ValueError(
                "GONGKAI_SEARCH_BACKEND=meilisearch 时必须设置 GONGKAI_MEILISEARCH_URL"
            )
        return MeilisearchSearchIndex(
            options.meilisearch_url,
            api_key=options.meilisearch_api_key,
            index_uid=options.meilisearch_index,
            analyzer=analyzer,
            aliases=aliases,
        )
    return TantivySearchIndex(
        index_dir(data_dir),
        analyzer=analyzer,
        aliases=aliases,
        writable=writable,
        vocabulary_files=[options.search_dictionary_file] if options.search_dictionary_file else [],
    )
