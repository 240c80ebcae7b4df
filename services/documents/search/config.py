"""Choosing and opening the search backend from settings (the composition root calls this)."""

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.documents.search.analysis import AgencyAliases, Analyzer, load_vocabulary
from services.documents.search.meilisearch_index import MeilisearchSearchIndex
from services.documents.search.port import SearchIndex
from services.documents.search.tantivy_index import TantivySearchIndex


class SearchBackend(StrEnum):
    EMBEDDED = "embedded"
    MEILISEARCH = "meilisearch"


class SearchSettings(BaseSettings):
    """``GONGKAI_SEARCH_*`` variables; the documents service folds these into its settings."""

    model_config = SettingsConfigDict(env_prefix="GONGKAI_", extra="ignore", frozen=True)

    data_dir: Path = Path("data")
    search_backend: SearchBackend = Field(
        SearchBackend.EMBEDDED, description="embedded (tantivy under data_dir) or meilisearch"
    )
    search_dictionary_file: Path | None = Field(
        None, description="Administrator's extra vocabulary, one word per line (optional freq)."
    )
    meilisearch_url: str | None = Field(None, description="Meilisearch base URL")
    meilisearch_api_key: str | None = Field(None, description="Meilisearch API key")
    meilisearch_index: str = Field("gongkai_documents", description="Meilisearch index uid")

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "search" / "documents"


@lru_cache(maxsize=4)
def shared_analyzer(dictionary_file: Path | None = None) -> Analyzer:
    """One analyzer per process and dictionary (loading it takes ~0.2 s)."""
    return Analyzer(load_vocabulary([dictionary_file] if dictionary_file else []))


def open_search_index(
    settings: SearchSettings, *, aliases: AgencyAliases = AgencyAliases(), writable: bool = False
) -> SearchIndex:
    """The configured backend; ``writable`` takes the embedded engine's single writer lock."""
    analyzer = shared_analyzer(settings.search_dictionary_file)
    if settings.search_backend is SearchBackend.MEILISEARCH:
        if not settings.meilisearch_url:
            raise ValueError(
                "GONGKAI_SEARCH_BACKEND=meilisearch 时必须设置 GONGKAI_MEILISEARCH_URL"
            )
        return MeilisearchSearchIndex(
            settings.meilisearch_url,
            api_key=settings.meilisearch_api_key,
            index_uid=settings.meilisearch_index,
            analyzer=analyzer,
            aliases=aliases,
        )
    return TantivySearchIndex(
        settings.index_dir, analyzer=analyzer, aliases=aliases, writable=writable
    )
