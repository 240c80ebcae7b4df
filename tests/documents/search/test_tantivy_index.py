"""What only the embedded engine has: files on disk, one writer, readers that reload."""

import multiprocessing
import time
import uuid
from pathlib import Path

import pytest

from services.documents.search.analysis import AgencyAliases, Analyzer
from services.documents.search.config import SearchSettings, open_search_index
from services.documents.search.models import IndexedDocument, SearchQuery
from services.documents.search.tantivy_index import (
    ReadOnlyIndex,
    SearchWriterBusy,
    TantivySearchIndex,
    word_tokenizer,
)
from tests.documents.search.samples import Sample


def _doc(title: str, version: int = 1, doc_id: uuid.UUID | None = None) -> IndexedDocument:
    return IndexedDocument(
        id=doc_id or uuid.uuid4(), version=version, title=title, body=title, is_public=True
    )


def test_second_writer_is_refused_until_the_first_closes(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    first = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    with pytest.raises(SearchWriterBusy, match="只能有一个写入进程"):
        TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    first.close()
    second = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    second.close()


def test_reader_cannot_write_and_sees_the_writers_commits(
    tmp_path: Path, analyzer: Analyzer
) -> None:
    writer = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    reader = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer)
    with pytest.raises(ReadOnlyIndex):
        reader.upsert([_doc("关于规范性文件的通知")])
    doc = _doc("关于规范性文件的通知")
    writer.upsert([doc])

    time.sleep(0.1)  # readers reload at most every 50 ms
    assert [h.id for h in reader.search(SearchQuery(q="规范性文件")).hits] == [doc.id]
    writer.close()


def _write_in_child(path: str, doc_id: str) -> None:
    index = TantivySearchIndex(Path(path), analyzer=Analyzer(), writable=True)
    index.upsert([_doc("关于优化营商环境的通知", doc_id=uuid.UUID(doc_id))])
    index.close()


def test_reader_process_sees_commit_of_writer_process(tmp_path: Path, analyzer: Analyzer) -> None:
    path = tmp_path / "ix"
    reader = TantivySearchIndex(path, analyzer=analyzer)
    doc_id = uuid.uuid4()
    child = multiprocessing.get_context("spawn").Process(
        target=_write_in_child, args=(str(path), str(doc_id))
    )
    child.start()
    child.join(300)  # a loaded CI machine can take a while to spawn and import
    assert child.exitcode == 0

    time.sleep(0.1)
    assert [h.id for h in reader.search(SearchQuery(q="营商环境")).hits] == [doc_id]


def test_index_survives_reopening(tmp_path: Path, analyzer: Analyzer) -> None:
    index = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    doc = _doc("关于政务新媒体管理的通知", version=3)
    index.upsert([doc])
    index.close()
    again = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    assert again.indexed_version(doc.id) == 3
    assert again.upsert([doc.model_copy(update={"version": 2})]) == 0
    again.close()


def test_schema_change_rebuilds_the_index_files(tmp_path: Path, analyzer: Analyzer) -> None:
    index = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    index.upsert([_doc("关于政务新媒体管理的通知")])
    index.close()
    (tmp_path / "ix" / "gongkai-schema").write_text("0")
    reopened = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    assert reopened.count() == 0  # stale files dropped; `gongkai reindex` refills them
    reopened.close()


def test_settings_choose_the_embedded_engine_under_data_dir(tmp_path: Path) -> None:
    settings = SearchSettings(data_dir=tmp_path)
    index = open_search_index(settings, settings.data_dir, writable=True)
    assert isinstance(index, TantivySearchIndex)
    assert (tmp_path / "search" / "documents").is_dir()
    index.close()


def test_settings_refuse_meilisearch_without_url(tmp_path: Path) -> None:
    settings = SearchSettings(data_dir=tmp_path, search_backend="meilisearch")
    with pytest.raises(ValueError, match="GONGKAI_MEILISEARCH_URL"):
        open_search_index(settings, settings.data_dir)


def test_aliases_can_be_replaced_at_run_time(tmp_path: Path, analyzer: Analyzer) -> None:
    index = TantivySearchIndex(tmp_path / "ix", analyzer=analyzer, writable=True)
    doc = _doc("临泽县人民政府办公室关于政务公开的通知")
    index.upsert([doc])
    assert index.search(SearchQuery(q="临泽县府办")).total == 0
    index.set_aliases(AgencyAliases.of([["临泽县府办", "临泽县人民政府办公室"]]))
    assert [h.id for h in index.search(SearchQuery(q="临泽县府办")).hits] == [doc.id]
    index.close()


def test_engine_tokenizer_cuts_where_the_query_side_does(
    analyzer: Analyzer, samples: dict[str, Sample]
) -> None:
    """Documents are tokenised by tantivy, queries by ``analysis.TOKEN``: the same words."""
    tricky = "ＡＢＣ１２３ café x² ①② foo_bar 政務公開 交政办发[2020]78号 e.g. 3.14 〇 々 — 《》"
    tokenizer = word_tokenizer()
    for text in [tricky, *(s.document.body for s in samples.values())]:
        segmented = analyzer.segmented(text)
        assert tokenizer.analyze(segmented) == analyzer.words(text)
