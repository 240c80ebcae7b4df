"""The port every search backend implements; the documents service sees only this."""

import uuid
from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from services.documents.search.analysis import AgencyAliases
from services.documents.search.models import (
    IndexedDocument,
    Scope,
    SearchQuery,
    SearchResults,
    Suggestion,
)


class SearchUnavailable(RuntimeError):
    """The search engine cannot be reached now. The database is unaffected: changes wait in
    the outbox and the indexer applies them when the engine is back."""


@runtime_checkable
class SearchIndex(Protocol):
    """A derived, rebuildable index of documents.

    Calls are synchronous (both engines answer in milliseconds); async callers run them in a
    worker thread. Writes are idempotent by (id, version): a version older than the indexed
    one is ignored, so replaying an outbox from any point converges.
    """

    def upsert(self, documents: Sequence[IndexedDocument]) -> int:
        """Index these versions (skipping stale ones); returns how many were applied."""
        ...

    def bulk_load(self, documents: Iterable[IndexedDocument], *, workers: int = 1) -> int:
        """Add documents to an index just cleared (no version checks): a rebuild's fast path.

        ``workers`` > 1 lets an adapter analyse text in that many processes."""
        ...

    def delete(self, document_id: uuid.UUID, version: int | None = None) -> bool:
        """Remove a document unless a newer version than ``version`` is indexed."""
        ...

    def indexed_version(self, document_id: uuid.UUID) -> int | None: ...

    def count(self) -> int:
        """Documents in the index, whatever their visibility (for lag and reindex checks)."""
        ...

    def search(self, query: SearchQuery) -> SearchResults: ...

    def suggest(self, q: str, scope: Scope, limit: int = 10) -> list[Suggestion]:
        """Autocomplete over titles and 发文字号; pinyin initials (zwgk) find 政务公开."""
        ...

    def position(self) -> int:
        """The last outbox sequence applied (0 for a new index); kept with the index itself,
        so a rebuilt or replaced index starts again from what it really holds."""
        ...

    def set_position(self, sequence: int) -> None:
        """Record that every outbox entry up to ``sequence`` is applied (never goes back)."""
        ...

    def set_aliases(self, aliases: AgencyAliases) -> None:
        """Replace the agency alias groups used to expand queries (catalog changes)."""
        ...

    def clear(self) -> None:
        """Drop every document (before a full rebuild)."""
        ...

    def close(self) -> None: ...
