"""Meilisearch down: the adapter opens without it and every call says "unavailable"."""

import pytest

from services.documents.search.analysis import Analyzer
from services.documents.search.meilisearch_index import MeilisearchSearchIndex
from services.documents.search.models import Scope, SearchQuery
from services.documents.search.port import SearchUnavailable
from tests.support.processes import free_port


def test_meilisearch_adapter_starts_without_the_server_and_reports_it_unavailable(
    analyzer: Analyzer,
) -> None:
    index = MeilisearchSearchIndex(
        f"http://127.0.0.1:{free_port()}",  # nothing listens there
        api_key=None,
        index_uid="gongkai_documents",
        analyzer=analyzer,
        timeout_seconds=2,
    )
    with pytest.raises(SearchUnavailable, match="Meilisearch 无法访问"):
        index.position()
    with pytest.raises(SearchUnavailable):
        index.search(SearchQuery(q="政务公开", scope=Scope.public()))
    with pytest.raises(SearchUnavailable):
        index.set_position(3)
    index.close()
