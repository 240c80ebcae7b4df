"""Search over HTTP, fed by the outbox indexer of the running documents app."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI

from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from services.documents.app import create_app as create_documents
from services.documents.search.indexer import Indexer
from services.documents.search.models import Scope, SearchQuery
from services.documents.search.port import SearchIndex
from services.documents.settings import DocumentsSettings
from tests.conftest import ServiceSettingsFactory
from tests.documents.attachments.files import docx_bytes
from tests.support.apps import client_for
from tests.support.documents import DOCS, PROBLEM, World, register_agencies
from tests.support.tokens import TokenMinter

SEARCH = f"{DOCS}/search"


@dataclass
class SearchWorld:
    world: World
    app: FastAPI

    @property
    def index(self) -> SearchIndex:
        index: SearchIndex = self.app.state.search_index
        return index

    async def indexed(self) -> dict[str, Any]:
        """Wait for the background indexer to catch up, as /readyz reports it."""
        for _ in range(200):
            ready = await self.world.docs.get("/readyz")
            search = ready.json()["checks"]["search"]
            if search["lag"] == 0:
                return dict(search)
            await asyncio.sleep(0.05)
        raise AssertionError(f"indexer did not catch up: {search}")


async def _world(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter, **options: Any
) -> AsyncIterator[SearchWorld]:
    settings = await make_service_settings(["catalog", "documents"])
    assert isinstance(settings["catalog"], CatalogSettings)
    documents_settings = settings["documents"]
    assert isinstance(documents_settings, DocumentsSettings)
    catalog_app = create_catalog(settings["catalog"])
    documents_app = create_documents(
        documents_settings.model_copy(update=options), peers={"catalog": catalog_app}
    )
    async with client_for(catalog_app) as catalog, client_for(documents_app) as docs:
        agency, other = await register_agencies(catalog, tokens)
        world = World(docs=docs, catalog=catalog, tokens=tokens, agency=agency, other=other)
        yield SearchWorld(world, documents_app)


@pytest.fixture
async def sw(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[SearchWorld]:
    async for world in _world(make_service_settings, tokens):
        yield world


@pytest.fixture
async def stopped(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[SearchWorld]:
    """The documents app with no indexer running (the indexer has "crashed")."""
    async for world in _world(make_service_settings, tokens, search_indexer=False):
        yield world


async def _three_documents(world: World) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    zhangye = await world.create()
    await world.publish(zhangye, published_on="2020-09-20")
    draft = await world.create(
        title="关于内部考核工作的通知（草稿）",
        doc_number="张政办函〔2020〕101号",
        body_text="内部考核细则，尚未发布。",
        keywords=["考核评估"],
    )
    other = await world.create(
        world.other,
        title="甘州区人民政府办公室关于做好依申请公开工作的通知",
        doc_number="区政办发〔2021〕1号",
        written_on="2021-01-05",
        body_text="各单位要依法做好依申请公开答复工作。",
        subject_code=None,
    )
    await world.publish(other, published_on="2021-01-06")
    return zhangye, draft, other


async def test_search_document_number_in_any_brackets(sw: SearchWorld) -> None:
    zhangye, _, _ = await _three_documents(sw.world)
    await sw.indexed()
    for q in ("张政办函〔2020〕100号", "张政办函[2020]100号", "张政办函（2020）100号"):
        response = await sw.world.docs.get(SEARCH, params={"q": q})
        assert response.status_code == 200, response.text
        assert response.json()["hits"][0]["id"] == zhangye["id"]


async def test_public_sees_only_public_and_staff_their_own(sw: SearchWorld) -> None:
    zhangye, draft, other = await _three_documents(sw.world)
    await sw.indexed()
    params = {"q": "通知", "facet": ["agency", "year"]}
    public = (await sw.world.docs.get(SEARCH, params=params)).json()
    assert {h["id"] for h in public["hits"]} == {zhangye["id"], other["id"]}
    assert public["total"] == 2
    assert sum(f["count"] for f in public["facets"]["agency"]) == 2
    assert draft["id"] not in str(public)
    assert (await sw.world.docs.get(SEARCH, params={"q": "内部考核"})).json()["total"] == 0

    staff = (await sw.world.docs.get(SEARCH, params=params, headers=sw.world.staff())).json()
    assert {h["id"] for h in staff["hits"]} == {zhangye["id"], draft["id"], other["id"]}
    other_staff = (
        await sw.world.docs.get(SEARCH, params=params, headers=sw.world.staff(sw.world.other))
    ).json()
    assert draft["id"] not in {h["id"] for h in other_staff["hits"]}


async def test_filters_sort_and_suggest(sw: SearchWorld) -> None:
    zhangye, _, other = await _three_documents(sw.world)
    await sw.indexed()
    get = sw.world.docs.get
    newest = (await get(SEARCH, params={"q": "通知", "sort": "newest"})).json()
    assert [h["id"] for h in newest["hits"]] == [other["id"], zhangye["id"]]
    by_agency = (
        await get(SEARCH, params={"q": "通知", "agency": other["agencies"][0]["id"]})
    ).json()
    assert [h["id"] for h in by_agency["hits"]] == [other["id"]]
    before = (await get(SEARCH, params={"q": "通知", "in_force_on": "2020-12-31"})).json()
    assert [h["id"] for h in before["hits"]] == [zhangye["id"]]
    assert (await get(SEARCH, params={"q": "通知", "year": 2021})).json()["total"] == 1
    short = (await get(SEARCH, params={"q": "申请"})).json()  # inside 依申请公开
    assert [h["id"] for h in short["hits"]] == [other["id"]]
    assert "<em>申请</em>" in short["hits"][0]["snippet"]

    suggest = (await get(f"{DOCS}/suggest", params={"q": "zwgk"})).json()
    assert suggest["items"][0] == {"text": "政务公开", "kind": "term", "document_id": None}
    numbers = (await get(f"{DOCS}/suggest", params={"q": "张政办函"})).json()["items"]
    assert [s["document_id"] for s in numbers if s["kind"] == "doc_number"] == [zhangye["id"]]


async def test_bad_input_is_a_problem_not_a_500(sw: SearchWorld) -> None:
    """SIZE-02 for search parameters (every list route: tests/gateway/test_sizes.py)."""
    get = sw.world.docs.get
    for params in (
        {"q": "x" * 201},
        {"sort": "random"},
        {"facet": "colour"},
        {"limit": 0},
        {"date_from": "2021-01-02", "date_to": "2021-01-01"},
        {"agency": "not-a-uuid"},
    ):
        response = await get(SEARCH, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == PROBLEM
    bad_cursor = await get(SEARCH, params={"q": "通知", "cursor": "abc"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.json()["type"].endswith("invalid-cursor")
    assert (await get(f"{DOCS}/suggest")).status_code == 422


class _Killed(RuntimeError):
    pass


class _DiesOnce:
    """The real index, except that the first call of ``method`` kills the indexer."""

    def __init__(self, index: SearchIndex, method: str) -> None:
        self._index, self._method, self._armed = index, method, True

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._index, name)
        if name == self._method and self._armed:

            def die(*args: Any, **kwargs: Any) -> Any:
                # upsert: killed before indexing; set_position: indexed, position not saved
                self._armed = False
                raise _Killed(name)

            return die
        return attribute


@pytest.mark.parametrize("dies_in", ["upsert", "set_position"])
async def test_index_converges_after_the_indexer_dies(stopped: SearchWorld, dies_in: str) -> None:
    world = stopped.world
    zhangye, draft, other = await _three_documents(world)
    sessions = stopped.app.state.db.sessions
    crashing = Indexer(_DiesOnce(stopped.index, dies_in), sessions)  # type: ignore[arg-type]
    with pytest.raises(_Killed):
        await crashing.drain_once()
    # more changes arrive while the indexer is down
    await world.publish(draft, published_on="2020-10-10")
    restarted = Indexer(stopped.index, sessions)
    await restarted.catch_up()
    status = await restarted.status()
    assert status.lag == 0
    assert status.position == status.head
    public = (await world.docs.get(SEARCH, params={"q": "通知"})).json()
    assert {h["id"] for h in public["hits"]} == {zhangye["id"], draft["id"], other["id"]}
    # replaying everything from the start changes nothing
    await asyncio.to_thread(stopped.index.clear)
    assert await restarted.catch_up() > 0
    assert stopped.index.count() == 3


@pytest.mark.parametrize("workers", [1, 2])
async def test_rebuild_from_the_database(stopped: SearchWorld, workers: int) -> None:
    """In-process and with analysis in worker processes (what a large rebuild uses)."""
    await _three_documents(stopped.world)
    indexer = Indexer(stopped.index, stopped.app.state.db.sessions)
    assert await indexer.rebuild(workers=workers) == 3
    found = stopped.index.search(SearchQuery(q="依申请公开 答复", scope=Scope(everything=True)))
    assert [h.title for h in found.hits] == ["甘州区人民政府办公室关于做好依申请公开工作的通知"]
    assert (await indexer.status()).lag == 0
    everything = stopped.index.search(SearchQuery(scope=Scope(everything=True), limit=100))
    assert everything.total == 3
    assert {h.version for h in everything.hits} == {(await indexer.status()).head}


async def test_attachment_text_is_searchable_and_flagged(sw: SearchWorld) -> None:
    world = sw.world
    zhangye, _, _ = await _three_documents(world)
    uploaded = await world.docs.post(
        f"{DOCS}/{zhangye['id']}/attachments",
        files={"file": ("考核细则.docx", docx_bytes(["附件：临泽县政务公开考核评分细则"]))},
        headers=world.staff(),
    )
    assert uploaded.status_code == 201, uploaded.text
    await sw.indexed()
    found = (await world.docs.get(SEARCH, params={"q": "考核评分细则"})).json()
    assert [h["id"] for h in found["hits"]] == [zhangye["id"]]
    assert found["hits"][0]["matched_in_attachment"] is True
    assert "<em>考核评分细则</em>" in found["hits"][0]["snippet"]
    in_body = (await world.docs.get(SEARCH, params={"q": "推进方案"})).json()
    assert in_body["hits"][0]["matched_in_attachment"] is False


async def test_a_renamed_type_or_subject_refreshes_its_documents(sw: SearchWorld) -> None:
    """A rename appends outbox entries for the documents that show the name: the indexer
    reindexes exactly those, and the change feed carries them with the new name."""
    world = sw.world
    zhangye, draft, other = await _three_documents(world)  # other has no 主题分类
    await sw.indexed()

    async def versions() -> dict[str, int]:
        found = await world.docs.get(SEARCH, params={"q": "通知"}, headers=world.admin())
        return {hit["id"]: hit["version"] for hit in found.json()["hits"]}

    async def feed_after(sequence: int) -> list[dict[str, Any]]:
        page = await world.docs.get("/feeds/documents", params={"after": sequence})
        return list(page.json()["items"])

    before = await versions()
    assert set(before) == {zhangye["id"], draft["id"], other["id"]}
    last = (await world.docs.get("/feeds/documents")).json()["last_sequence"]
    types = {t["code"]: t for t in (await world.docs.get(f"{DOCS}/types")).json()["items"]}
    same = {k: v for k, v in types["normative"].items() if k != "code"}
    # Saving a type unchanged touches no document.
    assert (
        await world.docs.put(f"{DOCS}/types/normative", json=same, headers=world.admin())
    ).status_code == 200
    await sw.indexed()
    assert await versions() == before
    assert await feed_after(last) == []

    renamed = {**same, "name": "规范性文件"}
    response = await world.docs.put(f"{DOCS}/types/normative", json=renamed, headers=world.admin())
    assert response.status_code == 200, response.text
    search = await sw.indexed()
    after_type = await versions()
    # Every document of the type, drafts too (staff search them), is reindexed from the outbox.
    assert all(after_type[i] > before[i] for i in before), (before, after_type)
    assert max(after_type.values()) == search["head"]
    events = await feed_after(last)
    # The public ones reach the feed as updates showing the new name; the draft never does.
    assert {(e["id"], e["action"]) for e in events} == {
        (zhangye["id"], "update"), (other["id"], "update"),
    }  # fmt: skip
    assert {e["data"]["type"]["name"] for e in events} == {"规范性文件"}

    last = events[-1]["sequence"]
    subject = {"name": "政务督查与考核", "parent_code": "02", "sort_order": 0}
    response = await world.docs.put(f"{DOCS}/subjects/0201", json=subject, headers=world.admin())
    assert response.status_code == 200, response.text
    await sw.indexed()
    after_subject = await versions()
    # Only the documents filed under 0201 are touched.
    assert after_subject[other["id"]] == after_type[other["id"]]
    assert after_subject[zhangye["id"]] > after_type[zhangye["id"]]
    assert after_subject[draft["id"]] > after_type[draft["id"]]
    (event,) = await feed_after(last)
    assert event["id"] == zhangye["id"]
    assert event["data"]["subject"] == {"code": "0201", "name": "政务督查与考核"}


class _Recording:
    """The real index, noting which of its methods were called."""

    def __init__(self, index: SearchIndex) -> None:
        self._index, self.called = index, set[str]()

    def __getattr__(self, name: str) -> Any:
        self.called.add(name)
        return getattr(self._index, name)


async def test_empty_index_is_rebuilt_from_the_database_when_the_indexer_starts(
    stopped: SearchWorld,
) -> None:
    """A new index, or one dropped for a new schema: one bulk rebuild, not an outbox replay."""
    await _three_documents(stopped.world)
    await asyncio.to_thread(stopped.index.clear)  # what opening a stale index leaves
    index = _Recording(stopped.index)
    indexer = Indexer(index, stopped.app.state.db.sessions)  # type: ignore[arg-type]
    stop = asyncio.Event()
    task = asyncio.create_task(indexer.run(stop))
    for _ in range(600):
        if (await indexer.status()).lag == 0 and stopped.index.count() == 3:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert "bulk_load" in index.called
    assert "upsert" not in index.called
    assert stopped.index.count() == 3
