"""Full-text search of documents behind the ``SearchIndex`` port (tantivy or Meilisearch)."""

from services.documents.search.analysis import AgencyAliases, Analyzer
from services.documents.search.config import SearchBackend, SearchSettings, open_search_index
from services.documents.search.models import (
    TOTAL_BOUND,
    FacetName,
    IndexedDocument,
    Scope,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
)
from services.documents.search.port import SearchIndex

__all__ = [
    "TOTAL_BOUND",
    "AgencyAliases",
    "Analyzer",
    "FacetName",
    "IndexedDocument",
    "Scope",
    "SearchBackend",
    "SearchIndex",
    "SearchQuery",
    "SearchResults",
    "SearchSettings",
    "Sort",
    "Suggestion",
    "open_search_index",
]
