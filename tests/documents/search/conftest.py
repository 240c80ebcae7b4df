"""One contract suite, run against every search adapter.

The embedded engine always runs; Meilisearch runs when GONGKAI_TEST_MEILISEARCH_URL names a
server (none can be installed on the development machines, so it skips there, saying so).
"""

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from services.documents.search.analysis import AgencyAliases, Analyzer
from services.documents.search.config import shared_analyzer
from services.documents.search.meilisearch_index import MeilisearchSearchIndex
from services.documents.search.port import SearchIndex
from services.documents.search.tantivy_index import TantivySearchIndex
from tests.documents.search.samples import Sample, load_samples

MEILISEARCH_URL = os.environ.get("GONGKAI_TEST_MEILISEARCH_URL")
ALIASES = AgencyAliases.of(
    [
        ["市府办", "市人民政府办公室"],
        ["交城县府办", "交城县人民政府办公室"],
    ]
)

IndexFactory = Callable[[], SearchIndex]


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return shared_analyzer(None)


@pytest.fixture(scope="session")
def samples() -> dict[str, Sample]:
    return load_samples()


@pytest.fixture(
    params=[
        "embedded",
        pytest.param(
            "meilisearch",
            marks=pytest.mark.skipif(
                MEILISEARCH_URL is None,
                reason="未设置 GONGKAI_TEST_MEILISEARCH_URL：本机无法安装 Meilisearch 服务器，"
                "Meilisearch 适配器的契约测试跳过",
            ),
        ),
    ]
)
def make_index(
    request: pytest.FixtureRequest, tmp_path: Path, analyzer: Analyzer
) -> Iterator[IndexFactory]:
    """Opens a fresh, empty index of the parametrised adapter (closed after the test)."""
    opened: list[SearchIndex] = []

    def make() -> SearchIndex:
        index: SearchIndex
        if request.param == "embedded":
            index = TantivySearchIndex(
                tmp_path / "index", analyzer=analyzer, aliases=ALIASES, writable=True
            )
        else:
            assert MEILISEARCH_URL is not None
            index = MeilisearchSearchIndex(
                MEILISEARCH_URL,
                api_key=os.environ.get("GONGKAI_TEST_MEILISEARCH_KEY"),
                index_uid=f"test_{uuid.uuid4().hex}",
                analyzer=analyzer,
                aliases=ALIASES,
            )
        opened.append(index)
        return index

    yield make
    for index in opened:
        if request.param == "meilisearch":
            index.clear()
        index.close()


@pytest.fixture
def index(make_index: IndexFactory, samples: dict[str, Sample]) -> SearchIndex:
    """An index holding the five public samples."""
    search_index = make_index()
    search_index.upsert([s.document for s in samples.values()])
    return search_index
