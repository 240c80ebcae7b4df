"""The embedded search engine: tantivy index files under a data directory.

Text is analysed in Python (see ``analysis``) and handed to tantivy as space-joined tokens.
Exactly one process writes (a lock file beside the index; tantivy itself refuses a second
writer too); every other instance only reads and reloads to see the writer's commits.
"""

import datetime as dt
import fcntl
import multiprocessing
import os
import shutil
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import IO, Any

import orjson
import tantivy

from services.documents.search.analysis import (
    AgencyAliases,
    Analyzer,
    canonical_doc_number,
    doc_number_candidates,
    initials,
    is_pinyin_query,
    load_vocabulary,
)
from services.documents.search.highlight import highlight_whole, matched_in_attachment, snippet
from services.documents.search.models import (
    TOTAL_BOUND,
    FacetCount,
    FacetName,
    IndexedDocument,
    Scope,
    SearchHit,
    SearchQuery,
    SearchResults,
    Sort,
    Suggestion,
    SuggestionKind,
)
from services.documents.search.plan import QueryPlan, Term, plan_query

SCHEMA_VERSION = "2"
_WS = "gk_ws"
_NGRAM = "gk_initials"
_NEVER = -(2**62)
_FOREVER = 2**62
_RELOAD_SECONDS = 0.05
_FACET_SIZE = 50
_POSITION_FILE = "outbox-position"

# Field weights of the ranking: title > 发文字号 > keywords (and agency) > body > attachment.
_TEXT_FIELDS = (
    ("title", 5.0),
    ("doc_number_text", 4.0),
    ("keywords", 3.0),
    ("agency_names", 2.0),
    ("body", 1.0),
    ("attachment", 0.5),
)
_FACET_FIELDS = {
    FacetName.AGENCY: "agency",
    FacetName.YEAR: "year",
    FacetName.DOC_TYPE: "doc_type",
    FacetName.CATEGORY: "category",
    FacetName.VALIDITY: "validity",
    FacetName.CATALOG_ITEM: "catalog_item",
}


class SearchWriterBusy(RuntimeError):
    """Another process holds the index writer."""


class ReadOnlyIndex(RuntimeError):
    """This instance was opened for reading only."""


def _schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    sb.add_integer_field("version", stored=True, indexed=True, fast=True)
    for name, _ in _TEXT_FIELDS:
        sb.add_text_field(name, tokenizer_name=_WS)
    sb.add_text_field("subwords", tokenizer_name=_WS, index_option="freq")
    sb.add_text_field("doc_number", tokenizer_name="raw")
    sb.add_text_field("initials", tokenizer_name=_NGRAM, index_option="basic")
    sb.add_unsigned_field("public", indexed=True, fast=True)
    for name in ("agency", "doc_type", "category", "validity", "disclosure", "catalog_item"):
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in ("year", "effective_from", "effective_until", "sort_day"):
        sb.add_integer_field(name, indexed=True, fast=True)
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


def word_tokenizer() -> tantivy.TextAnalyzer:
    """Splits segmented text into ``analysis.TOKEN`` words: tantivy's "simple" tokenizer cuts
    at every character that is not alphanumeric, the same tokens (a test checks it) as a
    ``[\\p{L}\\p{N}]+`` regex tokenizer at a third of the indexing cost."""
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).build()


def _day(value: dt.date | None, default: int) -> int:
    return value.toordinal() if value is not None else default


def analyse(doc: IndexedDocument, analyzer: Analyzer) -> dict[str, str]:
    """The analysed text fields of a document (space-joined words), ready for tantivy."""
    pieces = {
        "title": analyzer.segment(doc.title),
        "doc_number_text": analyzer.segment(doc.doc_number) if doc.doc_number else [],
        "keywords": [p for k in doc.keywords for p in (*analyzer.segment(k), " ")],
        "agency_names": [p for n in doc.agency_names for p in (*analyzer.segment(n), " ")],
        "body": analyzer.segment(doc.body),
        "attachment": analyzer.segment(doc.attachment_text) if doc.attachment_text else [],
    }
    fields = {name: " ".join(words) for name, words in pieces.items() if words}
    # each distinct long word once: the sub-word field is for recall, not for phrases
    fields["subwords"] = analyzer.subword_text(chain.from_iterable(pieces.values()))
    return {name: text for name, text in fields.items() if text}


_worker_analyzer: Analyzer | None = None


def _start_worker(vocabulary_files: list[Path]) -> None:
    global _worker_analyzer  # noqa: PLW0603 (one analyzer per worker process)
    _worker_analyzer = Analyzer(load_vocabulary(vocabulary_files))


def _analyse_in_worker(doc: IndexedDocument) -> dict[str, str]:
    assert _worker_analyzer is not None
    return analyse(doc, _worker_analyzer)


class TantivySearchIndex:
    """``SearchIndex`` on tantivy; ``writable=True`` takes the single writer lock."""

    def __init__(
        self,
        path: Path,
        *,
        analyzer: Analyzer,
        aliases: AgencyAliases = AgencyAliases(),
        writable: bool = False,
        writer_heap: int = 256_000_000,
        writer_threads: int = 2,
        vocabulary_files: Sequence[Path] = (),
    ) -> None:
        self._path = Path(path)
        self._analyzer = analyzer
        self._vocabulary_files = list(vocabulary_files)  # the analyzer's: for worker processes
        self._aliases = aliases
        self._schema = _schema()
        self._write_lock = threading.Lock()
        self._lock_file: IO[str] | None = None
        self._writer: Any = None
        self._writer_heap = writer_heap
        self._writer_threads = writer_threads
        self._last_reload = 0.0
        self._path.mkdir(parents=True, exist_ok=True)
        if writable:
            self._take_writer_lock()
            self._rebuild_if_incompatible()
        self._index = self._open()
        if writable:
            self._writer = self._index.writer(writer_heap, writer_threads)

    # -- opening -------------------------------------------------------------------------

    def _take_writer_lock(self) -> None:
        handle = (self._path.parent / f"{self._path.name}.writer.lock").open("a+")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise SearchWriterBusy(
                f"检索索引 {self._path} 已由另一个进程写入；每个索引只能有一个写入进程。"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def _rebuild_if_incompatible(self) -> None:
        """A tantivy upgrade or a schema change: drop the files; ``gongkai reindex`` refills."""
        marker = self._path / "gongkai-schema"
        has_index = tantivy.Index.exists(str(self._path))
        stale = has_index and (
            not tantivy.Index.is_compatible(str(self._path))
            or not marker.exists()
            or marker.read_text().strip() != SCHEMA_VERSION
        )
        if stale:
            shutil.rmtree(self._path)
            self._path.mkdir(parents=True)
        marker.write_text(SCHEMA_VERSION)

    def _open(self) -> tantivy.Index:
        index = tantivy.Index(self._schema, str(self._path), reuse=True)
        index.register_tokenizer(_WS, word_tokenizer())
        index.register_tokenizer(
            _NGRAM, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(2, 8, False)).build()
        )
        return index

    def close(self) -> None:
        with self._write_lock:
            if self._writer is not None:
                self._writer.wait_merging_threads()
                self._writer = None
            if self._lock_file is not None:
                self._lock_file.close()
                self._lock_file = None

    # -- writing -------------------------------------------------------------------------

    def _require_writer(self) -> Any:
        if self._writer is None:
            raise ReadOnlyIndex("此检索索引以只读方式打开，不能写入。")
        return self._writer

    def _document(
        self, doc: IndexedDocument, texts: dict[str, str] | None = None
    ) -> tantivy.Document:
        out = tantivy.Document()
        out.add_text("id", str(doc.id))
        out.add_integer("version", doc.version)
        for name, text in (texts if texts is not None else analyse(doc, self._analyzer)).items():
            out.add_text(name, text)
        if doc.doc_number:
            out.add_text("doc_number", canonical_doc_number(doc.doc_number))
        out.add_text("initials", initials(doc.title))
        out.add_unsigned("public", 1 if doc.is_public else 0)
        for agency in doc.agency_ids:
            out.add_text("agency", str(agency))
        for item in doc.catalog_item_ids:
            out.add_text("catalog_item", str(item))
        for name in ("doc_type", "category", "validity"):
            value = getattr(doc, name)
            if value:
                out.add_text(name, value)
        out.add_text("disclosure", doc.disclosure)
        if doc.year is not None:
            out.add_integer("year", doc.year)
        out.add_integer("effective_from", _day(doc.effective_from, _NEVER))
        out.add_integer("effective_until", _day(doc.effective_until, _FOREVER))
        out.add_integer("sort_day", doc.sort_date.toordinal())
        payload = {
            "title": doc.title,
            "doc_number": doc.doc_number,
            "published_on": doc.published_on.isoformat() if doc.published_on else None,
            "body": doc.body,
            "attachment_text": doc.attachment_text,
            "keywords": list(doc.keywords),
            "agency_ids": [str(a) for a in doc.agency_ids],
            "is_public": doc.is_public,
        }
        out.add_bytes("payload", orjson.dumps(payload))
        return out

    def _versions(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, int]:
        self._reload(force=True)
        searcher = self._index.searcher()
        found: dict[uuid.UUID, int] = {}
        for document_id in ids:
            query = tantivy.Query.term_query(self._schema, "id", str(document_id))
            for _, address in searcher.search(query, 1, count=False).hits:
                found[document_id] = int(searcher.doc(address).get_first("version") or 0)
        return found

    def upsert(self, documents: Sequence[IndexedDocument]) -> int:
        newest: dict[uuid.UUID, IndexedDocument] = {}
        for doc in documents:  # within a batch, only the highest version counts
            if doc.id not in newest or doc.version > newest[doc.id].version:
                newest[doc.id] = doc
        with self._write_lock:
            writer = self._require_writer()
            indexed = self._versions(newest)
            applied = 0
            for doc in newest.values():
                current = indexed.get(doc.id)
                if current is not None and current >= doc.version:
                    continue
                if current is not None:
                    writer.delete_documents_by_term("id", str(doc.id))
                writer.add_document(self._document(doc))
                applied += 1
            if applied:
                writer.commit()
                self._reload(force=True)
            return applied

    def bulk_load(
        self,
        documents: Iterable[IndexedDocument],
        *,
        workers: int = 1,
        commit_every: int = 10_000,
    ) -> int:
        """Add documents to an index known to hold none of them (after ``clear``).

        With ``workers`` > 1 the Chinese analysis (the costly part) runs in that many worker
        processes, each loading the same vocabulary; tantivy's writer threads do the rest.
        Only the analysed text comes back from a worker: the document stays here, in order.
        """
        count = 0
        with self._write_lock:
            writer = self._require_writer()
            pool = None
            pending: deque[IndexedDocument] = deque()

            def remembered() -> Iterator[IndexedDocument]:
                for doc in documents:  # read by the pool's feeder thread, ahead of the results
                    pending.append(doc)
                    yield doc

            if workers > 1:
                pool = multiprocessing.get_context("spawn").Pool(
                    workers, initializer=_start_worker, initargs=(self._vocabulary_files,)
                )
                analysed = (
                    (pending.popleft(), texts)
                    for texts in pool.imap(_analyse_in_worker, remembered(), chunksize=16)
                )
            else:
                analysed = ((doc, analyse(doc, self._analyzer)) for doc in documents)
            try:
                for doc, texts in analysed:
                    writer.add_document(self._document(doc, texts))
                    count += 1
                    if count % commit_every == 0:
                        writer.commit()
            except BaseException:
                if pool is not None:
                    pool.terminate()
                raise
            finally:
                if pool is not None:
                    pool.close()
                    pool.join()
                writer.commit()
            self._reload(force=True)
        return count

    def delete(self, document_id: uuid.UUID, version: int | None = None) -> bool:
        with self._write_lock:
            writer = self._require_writer()
            current = self._versions([document_id]).get(document_id)
            if current is None or (version is not None and current > version):
                return False
            writer.delete_documents_by_term("id", str(document_id))
            writer.commit()
            self._reload(force=True)
            return True

    def set_aliases(self, aliases: AgencyAliases) -> None:
        self._aliases = aliases  # used at query time only: nothing to re-index

    def position(self) -> int:
        try:
            return int((self._path / _POSITION_FILE).read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def set_position(self, sequence: int) -> None:
        with self._write_lock:
            self._require_writer()
            if sequence <= self.position():
                return
            temporary = self._path / (_POSITION_FILE + ".tmp")
            temporary.write_text(str(sequence))
            temporary.replace(self._path / _POSITION_FILE)  # atomic: never a torn number

    def clear(self) -> None:
        with self._write_lock:
            (self._path / _POSITION_FILE).unlink(missing_ok=True)
            writer = self._require_writer()
            writer.delete_all_documents()
            writer.commit()
            self._reload(force=True)

    # -- reading -------------------------------------------------------------------------

    def _reload(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._last_reload > _RELOAD_SECONDS:
            self._index.reload()
            self._last_reload = now

    def indexed_version(self, document_id: uuid.UUID) -> int | None:
        return self._versions([document_id]).get(document_id)

    def count(self) -> int:
        self._reload()
        return int(self._index.searcher().num_docs)

    def _term(self, field: str, value: str | int) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    def _text_clause(
        self, tokens: Sequence[str], weights: Sequence[tuple[str, float]]
    ) -> tantivy.Query:
        should = []
        for field, weight in weights:
            if len(tokens) == 1:
                query = self._term(field, tokens[0])
            else:
                query = tantivy.Query.phrase_query(self._schema, field, list(tokens))
            should.append((tantivy.Occur.Should, tantivy.Query.boost_query(query, weight)))
        if len(tokens) == 1 and len(tokens[0]) >= 2:
            # a word the segmenter kept inside a longer one (公开 in 政务公开)
            should.append(
                (
                    tantivy.Occur.Should,
                    tantivy.Query.boost_query(self._term("subwords", tokens[0]), 0.3),
                )
            )
        return tantivy.Query.boolean_query(should)

    def _term_query(self, term: Term) -> tantivy.Query:
        variants = [self._text_clause(v, _TEXT_FIELDS) for v in term.variants]
        if len(variants) == 1:
            return variants[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, v) for v in variants])

    def _text_query(self, plan: QueryPlan) -> tantivy.Query:
        must: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for number in plan.doc_numbers:
            candidates = doc_number_candidates(number)
            # the whole number scores highest; shorter prefixes (text glued in front) less
            exact = tantivy.Query.boolean_query(
                [
                    (
                        tantivy.Occur.Should,
                        tantivy.Query.boost_query(
                            self._term("doc_number", c), 30.0 * len(c) / len(candidates[0])
                        ),
                    )
                    for c in candidates
                ]
            )
            tokens = self._analyzer.words(number)
            mentioned = self._text_clause(
                tokens, [("title", 2.0), ("body", 1.0), ("attachment", 0.5)]
            )
            must.append(
                (
                    tantivy.Occur.Must,
                    tantivy.Query.boolean_query(
                        [(tantivy.Occur.Should, exact), (tantivy.Occur.Should, mentioned)]
                    ),
                )
            )
        must += [(tantivy.Occur.Must, self._term_query(t)) for t in plan.terms]
        return tantivy.Query.boolean_query(must)

    def _visibility(self, scope: Scope) -> tantivy.Query | None:
        if scope.everything:
            return None
        public = self._term("public", 1)
        if not scope.staff_agency_ids:
            return public
        own = tantivy.Query.term_set_query(
            self._schema, "agency", [str(a) for a in sorted(scope.staff_agency_ids)]
        )
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, public), (tantivy.Occur.Should, own)]
        )

    def _any_of(self, field: str, values: Sequence[str]) -> tantivy.Query:
        return tantivy.Query.term_set_query(self._schema, field, list(values))

    def _filters(self, query: SearchQuery) -> list[tantivy.Query]:
        filters: list[tantivy.Query] = []
        visibility = self._visibility(query.scope)
        if visibility is not None:
            filters.append(visibility)
        for field, values in (
            ("agency", [str(a) for a in query.agency_ids]),
            ("doc_type", list(query.doc_types)),
            ("category", list(query.categories)),
            ("validity", list(query.validities)),
            ("catalog_item", [str(c) for c in query.catalog_item_ids]),
        ):
            if values:
                filters.append(self._any_of(field, values))
        integer = tantivy.FieldType.Integer
        if query.year is not None:
            filters.append(self._term("year", query.year))
        if query.date_from or query.date_to:
            filters.append(
                tantivy.Query.range_query(
                    self._schema,
                    "sort_day",
                    integer,
                    query.date_from.toordinal() if query.date_from else None,
                    query.date_to.toordinal() if query.date_to else None,
                )
            )
        if query.in_force_on is not None:
            day = query.in_force_on.toordinal()
            filters.append(
                tantivy.Query.range_query(self._schema, "effective_from", integer, None, day)
            )
            filters.append(
                tantivy.Query.range_query(self._schema, "effective_until", integer, day, None)
            )
        return filters

    def _query(self, query: SearchQuery, plan: QueryPlan) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        if not plan.empty:
            clauses.append((tantivy.Occur.Must, self._text_query(plan)))
        for f in self._filters(query):
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)))
        if not clauses:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query(clauses)

    def search(self, query: SearchQuery) -> SearchResults:
        offset = query.offset()
        plan = plan_query(query.q, self._analyzer, self._aliases)
        if query.q.strip() and plan.empty:  # only punctuation: nothing can match
            return SearchResults(hits=[], total=0)
        self._reload()
        searcher = self._index.searcher()
        tquery = self._query(query, plan)
        limit = min(query.limit, TOTAL_BOUND - offset)
        sort = (
            query.sort
            if not plan.empty
            else (query.sort if query.sort != Sort.RELEVANCE else Sort.NEWEST)
        )
        if sort is Sort.RELEVANCE:
            result = searcher.search(tquery, limit, count=True, offset=offset)
        else:
            order = tantivy.Order.Desc if sort is Sort.NEWEST else tantivy.Order.Asc
            result = searcher.search(
                tquery, limit, count=True, offset=offset, order_by_field="sort_day", order=order
            )
        hits = [
            self._hit(searcher, address, score if sort is Sort.RELEVANCE else None, plan)
            for score, address in result.hits
        ]
        total = int(getattr(result, "count", 0) or 0)
        facets = self._facets(searcher, tquery, query.facets) if query.facets else {}
        return SearchResults(
            hits=hits,
            total=total,
            total_exact=True,
            facets=facets,
            next_cursor=query.next_cursor(offset, len(hits), total),
        )

    def _hit(self, searcher: Any, address: Any, score: Any, plan: QueryPlan) -> SearchHit:
        stored = searcher.doc(address)
        payload = orjson.loads(stored.get_first("payload"))
        needles = plan.needles
        title: str = payload["title"]
        body: str = payload["body"]
        attachment: str = payload["attachment_text"]
        main = (title, payload["doc_number"] or "", " ".join(payload["keywords"]), body)
        in_attachment = matched_in_attachment(main, attachment, needles)
        published = payload["published_on"]
        return SearchHit(
            id=uuid.UUID(stored.get_first("id")),
            version=int(stored.get_first("version")),
            title=title,
            doc_number=payload["doc_number"],
            published_on=dt.date.fromisoformat(published) if published else None,
            title_highlight=highlight_whole(title, needles),
            snippet=snippet(attachment if in_attachment else body, needles),
            matched_in_attachment=in_attachment,
            score=float(score) if isinstance(score, float) else None,
        )

    def _facets(
        self, searcher: Any, tquery: tantivy.Query, names: Sequence[FacetName]
    ) -> dict[FacetName, list[FacetCount]]:
        spec = {
            name.value: {"terms": {"field": _FACET_FIELDS[name], "size": _FACET_SIZE}}
            for name in dict.fromkeys(names)
        }
        raw = searcher.aggregate(tquery, spec)
        out: dict[FacetName, list[FacetCount]] = {}
        for name in dict.fromkeys(names):
            buckets = raw.get(name.value, {}).get("buckets", [])
            out[name] = [
                FacetCount(value=str(b["key"]), count=int(b["doc_count"])) for b in buckets
            ]
        return out

    # -- suggestions ---------------------------------------------------------------------

    def suggest(self, q: str, scope: Scope, limit: int = 10) -> list[Suggestion]:
        text = q.strip()[:64]
        if not text:
            return []
        self._reload()
        searcher = self._index.searcher()
        visibility = self._visibility(scope)
        if is_pinyin_query(text):
            return self._suggest_initials(searcher, text.lower(), visibility, limit)
        return self._suggest_text(searcher, text, visibility, limit)

    def _restricted(self, query: tantivy.Query, visibility: tantivy.Query | None) -> tantivy.Query:
        if visibility is None:
            return query
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, query), (tantivy.Occur.Must, visibility)]
        )

    def _suggest_initials(
        self, searcher: Any, letters: str, visibility: tantivy.Query | None, limit: int
    ) -> list[Suggestion]:
        query = self._restricted(self._term("initials", letters[:8]), visibility)
        terms: dict[str, int] = {}
        titles: list[Suggestion] = []
        for _, address in searcher.search(query, 200, count=False).hits:
            stored = searcher.doc(address)
            payload = orjson.loads(stored.get_first("payload"))
            title: str = payload["title"]
            position = initials(title).find(letters)
            if position == -1:
                continue
            phrase = title[position : position + len(letters)]
            terms[phrase] = terms.get(phrase, 0) + 1
            if len(titles) < limit:
                titles.append(
                    Suggestion(
                        text=title,
                        kind=SuggestionKind.TITLE,
                        document_id=uuid.UUID(stored.get_first("id")),
                    )
                )
        ranked = sorted(terms, key=lambda t: -terms[t])
        out = [Suggestion(text=t, kind=SuggestionKind.TERM) for t in ranked]
        return (out + titles)[:limit]

    def _suggest_text(
        self, searcher: Any, text: str, visibility: tantivy.Query | None, limit: int
    ) -> list[Suggestion]:

        out: list[Suggestion] = []
        number = canonical_doc_number(text)
        numbers = tantivy.Query.regex_query(
            self._schema, "doc_number", _regex_escape(number) + ".*"
        )
        for _, address in searcher.search(
            self._restricted(numbers, visibility), limit, count=False
        ).hits:
            stored = searcher.doc(address)
            payload = orjson.loads(stored.get_first("payload"))
            out.append(
                Suggestion(
                    text=payload["doc_number"],
                    kind=SuggestionKind.DOC_NUMBER,
                    document_id=uuid.UUID(stored.get_first("id")),
                )
            )
        tokens = self._analyzer.words(text)
        if tokens and len(out) < limit:
            if len(tokens) == 1:
                title_query = tantivy.Query.regex_query(
                    self._schema, "title", _regex_escape(tokens[0]) + ".*"
                )
            else:
                title_query = tantivy.Query.phrase_prefix_query(
                    self._schema, "title", list[str | tuple[int, str]](tokens)
                )
            for _, address in searcher.search(
                self._restricted(title_query, visibility), limit - len(out), count=False
            ).hits:
                stored = searcher.doc(address)
                payload = orjson.loads(stored.get_first("payload"))
                out.append(
                    Suggestion(
                        text=payload["title"],
                        kind=SuggestionKind.TITLE,
                        document_id=uuid.UUID(stored.get_first("id")),
                    )
                )
        return out


def _regex_escape(text: str) -> str:
    """Escape for tantivy's regex syntax (Rust regex)."""
    return "".join("\\" + c if c in r".^$*+?()[]{}|\-&~#<>\"@" else c for c in text)
