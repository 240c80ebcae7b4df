"""The production search backend: Meilisearch through the official client.

Text is folded (traditional → simplified, full-width → half-width) and 发文字号 made canonical
before it is sent, so Meilisearch's own Chinese segmentation sees what the embedded engine
sees. Writes wait for their task, so the port stays synchronous and idempotent by version.
"""

import datetime as dt
import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

import meilisearch
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)

from services.documents.search.analysis import (
    AgencyAliases,
    Analyzer,
    canonical_doc_number,
    canonicalise_doc_numbers,
    doc_number_candidates,
    fold,
    initials,
    is_pinyin_query,
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
from services.documents.search.plan import QueryPlan, plan_query
from services.documents.search.port import SearchUnavailable

_Self = TypeVar("_Self", bound="MeilisearchSearchIndex")
_P = ParamSpec("_P")
_R = TypeVar("_R")

_BULK_BATCH = 1000
_NEVER = -(10**9)
_FOREVER = 10**9
_TASK_TIMEOUT_MS = 60_000
_FACET_ATTRIBUTES = {
    FacetName.AGENCY: "agency_ids",
    FacetName.YEAR: "year",
    FacetName.DOC_TYPE: "doc_type",
    FacetName.CATEGORY: "category",
    FacetName.VALIDITY: "validity",
    FacetName.CATALOG_ITEM: "catalog_item_ids",
}
_DISPLAY = [
    "id",
    "version",
    "title",
    "doc_number",
    "published_on",
    "body",
    "attachment_text",
    "keywords",
]


def index_settings(aliases: AgencyAliases) -> dict[str, Any]:
    """What issue 5 asks of the index: ranked attributes, filters, sorts, Chinese, no typos
    on 发文字号."""
    synonyms: dict[str, list[str]] = {}
    for group in aliases.groups:
        for name in group:
            synonyms[name] = [other for other in group if other != name]
    return {
        "searchableAttributes": [
            "title_s",
            "doc_number_s",
            "keywords_s",
            "agency_names_s",
            "body_s",
            "attachment_s",
            "initials",  # only for pinyin suggestions (attributesToSearchOn)
        ],
        "filterableAttributes": [
            "id",
            "agency_ids",
            "year",
            "doc_type",
            "category",
            "validity",
            "disclosure",
            "catalog_item_ids",
            "is_public",
            "effective_from",
            "effective_until",
            "sort_day",
            "doc_number_key",
        ],
        "sortableAttributes": ["sort_day"],
        "localizedAttributes": [{"attributePatterns": ["*_s"], "locales": ["cmn"]}],
        "typoTolerance": {
            "disableOnAttributes": ["doc_number_s", "doc_number_key"],
            "disableOnNumbers": True,
        },
        "synonyms": synonyms,
        "pagination": {"maxTotalHits": TOTAL_BOUND},
        "faceting": {"maxValuesPerFacet": 50},
    }


def _engine_call(
    method: Callable[Concatenate[_Self, _P], _R],
) -> Callable[Concatenate[_Self, _P], _R]:
    """Prepare the index on first use; an unreachable server is ``SearchUnavailable``."""

    @functools.wraps(method)
    def call(self: _Self, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            self._prepare()
            return method(self, *args, **kwargs)
        except (MeilisearchCommunicationError, MeilisearchTimeoutError) as exc:
            raise SearchUnavailable(f"Meilisearch 无法访问（{type(exc).__name__}）") from exc

    return call


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _in(attribute: str, values: Sequence[str]) -> str:
    return f"{attribute} IN [{', '.join(_quote(v) for v in values)}]"


class MeilisearchSearchIndex:
    """``SearchIndex`` on a Meilisearch server (one index per deployment, uid from settings)."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None,
        index_uid: str,
        analyzer: Analyzer,
        aliases: AgencyAliases = AgencyAliases(),
        timeout_seconds: int = 10,
    ) -> None:
        self._client = meilisearch.Client(url, api_key, timeout=timeout_seconds)
        self._uid = index_uid
        self._analyzer = analyzer
        self._aliases = aliases
        self._index = self._client.index(index_uid)
        # the indexer's outbox position lives beside the index it describes
        self._state = self._client.index(f"{index_uid}_state")
        self._prepared = False

    def _prepare(self) -> None:
        """Create the indexes and apply the settings, on first use rather than at start-up:
        the documents service starts (and takes writes, which wait in the outbox) while
        Meilisearch is down."""
        if self._prepared:
            return
        uid = self._uid
        self._wait(self._client.create_index(uid, {"primaryKey": "id"}), tolerate_exists=True)
        self._wait(self._index.update_settings(index_settings(self._aliases)))
        self._wait(
            self._client.create_index(f"{uid}_state", {"primaryKey": "id"}), tolerate_exists=True
        )
        self._prepared = True

    def _wait(self, task: Any, *, tolerate_exists: bool = False) -> None:
        done = self._client.wait_for_task(task.task_uid, timeout_in_ms=_TASK_TIMEOUT_MS)
        if done.status != "succeeded":
            error = done.error or {}
            if tolerate_exists and error.get("code") == "index_already_exists":
                return
            raise RuntimeError(f"Meilisearch 任务失败：{error.get('message', done.status)}")

    def _body(self, doc: IndexedDocument) -> dict[str, Any]:
        def text(value: str) -> str:
            return canonicalise_doc_numbers(fold(value))

        title_initials = initials(doc.title)
        return {
            "id": str(doc.id),
            "version": doc.version,
            "title": doc.title,
            "doc_number": doc.doc_number,
            "published_on": doc.published_on.isoformat() if doc.published_on else None,
            "body": doc.body,
            "attachment_text": doc.attachment_text,
            "keywords": list(doc.keywords),
            "title_s": text(doc.title),
            "doc_number_s": canonical_doc_number(doc.doc_number) if doc.doc_number else None,
            "doc_number_key": canonical_doc_number(doc.doc_number) if doc.doc_number else None,
            "keywords_s": [text(k) for k in doc.keywords],
            "agency_names_s": [text(n) for n in doc.agency_names],
            "body_s": text(doc.body),
            "attachment_s": text(doc.attachment_text),
            # every suffix of the title's pinyin initials: a prefix search finds any run (zwgk)
            "initials": [title_initials[i : i + 16] for i in range(len(title_initials) - 1)],
            "agency_ids": [str(a) for a in doc.agency_ids],
            "year": doc.year,
            "doc_type": doc.doc_type,
            "category": doc.category,
            "validity": doc.validity,
            "disclosure": doc.disclosure,
            "catalog_item_ids": [str(c) for c in doc.catalog_item_ids],
            "is_public": doc.is_public,
            "effective_from": doc.effective_from.toordinal() if doc.effective_from else _NEVER,
            "effective_until": doc.effective_until.toordinal() if doc.effective_until else _FOREVER,
            "sort_day": doc.sort_date.toordinal(),
        }

    def _versions(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
        found: dict[uuid.UUID, int] = {}
        for start in range(0, len(ids), 500):
            chunk = [str(i) for i in ids[start : start + 500]]
            result = self._index.get_documents(
                {"filter": _in("id", chunk), "fields": ["id", "version"], "limit": len(chunk)}
            )
            for row in result.results:
                data = row if isinstance(row, dict) else dict(row)
                found[uuid.UUID(data["id"])] = int(data["version"])
        return found

    @_engine_call
    def upsert(self, documents: Sequence[IndexedDocument]) -> int:
        newest: dict[uuid.UUID, IndexedDocument] = {}
        for doc in documents:
            if doc.id not in newest or doc.version > newest[doc.id].version:
                newest[doc.id] = doc
        indexed = self._versions(list(newest))
        fresh = [
            self._body(d)
            for d in newest.values()
            if indexed.get(d.id) is None or indexed[d.id] < d.version
        ]
        if fresh:
            self._wait(self._index.add_documents(fresh, "id"))
        return len(fresh)

    def bulk_load(self, documents: Iterable[IndexedDocument], *, workers: int = 1) -> int:
        # the server analyses; batches of upserts keep each task a few MB
        count = 0
        chunk: list[IndexedDocument] = []
        for doc in documents:
            chunk.append(doc)
            if len(chunk) == _BULK_BATCH:
                count += self.upsert(chunk)
                chunk = []
        return count + (self.upsert(chunk) if chunk else 0)

    @_engine_call
    def delete(self, document_id: uuid.UUID, version: int | None = None) -> bool:
        current = self._versions([document_id]).get(document_id)
        if current is None or (version is not None and current > version):
            return False
        self._wait(self._index.delete_document(str(document_id)))
        return True

    @_engine_call
    def indexed_version(self, document_id: uuid.UUID) -> int | None:
        return self._versions([document_id]).get(document_id)

    @_engine_call
    def count(self) -> int:
        return int(self._index.get_stats().number_of_documents)

    @_engine_call
    def set_aliases(self, aliases: AgencyAliases) -> None:
        if aliases != self._aliases:
            self._aliases = aliases
            self._wait(
                self._index.update_settings({"synonyms": index_settings(aliases)["synonyms"]})
            )

    @_engine_call
    def position(self) -> int:
        try:
            row = self._state.get_document("outbox")
        except MeilisearchApiError:
            return 0
        data = row if isinstance(row, dict) else dict(row)
        return int(data.get("sequence", 0))

    @_engine_call
    def set_position(self, sequence: int) -> None:
        if sequence > self.position():
            self._wait(self._state.add_documents([{"id": "outbox", "sequence": sequence}], "id"))

    @_engine_call
    def clear(self) -> None:
        self._wait(self._index.delete_all_documents())
        self._wait(self._state.delete_all_documents())

    def close(self) -> None:
        """The client holds no resources beyond HTTP connections."""

    # -- searching -----------------------------------------------------------------------

    @staticmethod
    def _visibility(scope: Scope) -> str | None:
        if scope.everything:
            return None
        if not scope.staff_agency_ids:
            return "is_public = true"
        own = _in("agency_ids", sorted(str(a) for a in scope.staff_agency_ids))
        return f"(is_public = true OR {own})"

    def _filter(self, query: SearchQuery) -> list[str]:
        parts: list[str] = []
        visibility = self._visibility(query.scope)
        if visibility:
            parts.append(visibility)
        for attribute, values in (
            ("agency_ids", [str(a) for a in query.agency_ids]),
            ("doc_type", list(query.doc_types)),
            ("category", list(query.categories)),
            ("validity", list(query.validities)),
            ("catalog_item_ids", [str(c) for c in query.catalog_item_ids]),
        ):
            if values:
                parts.append(_in(attribute, values))
        if query.year is not None:
            parts.append(f"year = {query.year}")
        if query.date_from:
            parts.append(f"sort_day >= {query.date_from.toordinal()}")
        if query.date_to:
            parts.append(f"sort_day <= {query.date_to.toordinal()}")
        if query.in_force_on:
            day = query.in_force_on.toordinal()
            parts.append(f"effective_from <= {day} AND effective_until >= {day}")
        return parts

    @staticmethod
    def _text(plan: QueryPlan) -> str:
        words = [t.surfaces[0] for t in plan.terms]
        return " ".join([*plan.doc_numbers, *words])

    @_engine_call
    def search(self, query: SearchQuery) -> SearchResults:
        offset = query.offset()
        plan = plan_query(query.q, self._analyzer, self._aliases)
        if query.q.strip() and plan.empty:
            return SearchResults(hits=[], total=0)
        filters = self._filter(query)
        limit = min(query.limit, TOTAL_BOUND - offset)
        sort = query.sort
        if plan.empty and sort is Sort.RELEVANCE:
            sort = Sort.NEWEST
        params: dict[str, Any] = {
            "filter": " AND ".join(filters) if filters else None,
            "attributesToRetrieve": _DISPLAY,
            "showRankingScore": True,
        }
        if sort is not Sort.RELEVANCE:
            params["sort"] = ["sort_day:desc" if sort is Sort.NEWEST else "sort_day:asc"]
        if query.facets:
            params["facets"] = [_FACET_ATTRIBUTES[f] for f in dict.fromkeys(query.facets)]
        pinned: list[dict[str, Any]] = []
        if plan.doc_numbers and offset == 0:
            # the document carrying the number first, whatever Meilisearch ranks
            candidates = [c for n in plan.doc_numbers for c in doc_number_candidates(n)]
            exact = self._index.search(
                "",
                {
                    "filter": " AND ".join([*filters, _in("doc_number_key", candidates)]),
                    "attributesToRetrieve": _DISPLAY,
                    "limit": limit,
                },
            )
            pinned = exact["hits"]
        if offset % limit == 0:
            params.update(hitsPerPage=limit, page=offset // limit + 1)
        else:
            params.update(offset=offset, limit=limit)
        result = self._index.search(self._text(plan), params)
        seen = {h["id"] for h in pinned}
        rows = (pinned + [h for h in result["hits"] if h["id"] not in seen])[:limit]
        total = int(result.get("totalHits", result.get("estimatedTotalHits", 0)))
        total = max(total, len(pinned))
        exact_total = "totalHits" in result and total < TOTAL_BOUND
        facets: dict[FacetName, list[FacetCount]] = {}
        distribution = result.get("facetDistribution") or {}
        for name in dict.fromkeys(query.facets):
            counts = distribution.get(_FACET_ATTRIBUTES[name], {})
            ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            facets[name] = [FacetCount(value=str(k), count=int(v)) for k, v in ordered]
        hits = [self._hit(row, plan) for row in rows]
        return SearchResults(
            hits=hits,
            total=total,
            total_exact=exact_total,
            facets=facets,
            next_cursor=query.next_cursor(offset, len(hits), total),
        )

    @staticmethod
    def _hit(row: dict[str, Any], plan: QueryPlan) -> SearchHit:
        needles = plan.needles
        body = row.get("body") or ""
        attachment = row.get("attachment_text") or ""
        main = (
            row["title"],
            row.get("doc_number") or "",
            " ".join(row.get("keywords") or []),
            body,
        )
        in_attachment = matched_in_attachment(main, attachment, needles)
        published = row.get("published_on")
        score = row.get("_rankingScore")
        return SearchHit(
            id=uuid.UUID(row["id"]),
            version=int(row["version"]),
            title=row["title"],
            doc_number=row.get("doc_number"),
            published_on=dt.date.fromisoformat(published) if published else None,
            title_highlight=highlight_whole(row["title"], needles),
            snippet=snippet(attachment if in_attachment else body, needles),
            matched_in_attachment=in_attachment,
            score=float(score) if isinstance(score, int | float) else None,
        )

    @_engine_call
    def suggest(self, q: str, scope: Scope, limit: int = 10) -> list[Suggestion]:
        text = q.strip()[:64]
        if not text:
            return []
        visibility = self._visibility(scope)
        if is_pinyin_query(text):
            letters = text.lower()
            result = self._index.search(
                letters,
                {
                    "attributesToSearchOn": ["initials"],
                    "filter": visibility,
                    "attributesToRetrieve": ["id", "title"],
                    "limit": 200,
                },
            )
            terms: dict[str, int] = {}
            titles: list[Suggestion] = []
            for row in result["hits"]:
                position = initials(row["title"]).find(letters)
                if position == -1:
                    continue
                phrase = row["title"][position : position + len(letters)]
                terms[phrase] = terms.get(phrase, 0) + 1
                if len(titles) < limit:
                    titles.append(
                        Suggestion(
                            text=row["title"],
                            kind=SuggestionKind.TITLE,
                            document_id=uuid.UUID(row["id"]),
                        )
                    )
            ranked = sorted(terms, key=lambda t: -terms[t])
            return ([Suggestion(text=t, kind=SuggestionKind.TERM) for t in ranked] + titles)[:limit]
        out: list[Suggestion] = []
        number = canonical_doc_number(text)
        try:
            numbers = self._index.search(
                number,
                {
                    "attributesToSearchOn": ["doc_number_s"],
                    "filter": visibility,
                    "attributesToRetrieve": ["id", "doc_number"],
                    "limit": limit,
                },
            )
        except MeilisearchApiError:
            numbers = {"hits": []}
        for row in numbers["hits"]:
            if row.get("doc_number") and canonical_doc_number(row["doc_number"]).startswith(number):
                out.append(
                    Suggestion(
                        text=row["doc_number"],
                        kind=SuggestionKind.DOC_NUMBER,
                        document_id=uuid.UUID(row["id"]),
                    )
                )
        titles_result = self._index.search(
            fold(text),
            {
                "attributesToSearchOn": ["title_s"],
                "filter": visibility,
                "attributesToRetrieve": ["id", "title"],
                "limit": limit,
            },
        )
        for row in titles_result["hits"]:
            out.append(
                Suggestion(
                    text=row["title"], kind=SuggestionKind.TITLE, document_id=uuid.UUID(row["id"])
                )
            )
        return out[:limit]
