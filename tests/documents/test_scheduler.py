"""The documents service's periodic work: expiries, and due dates after a holiday notice."""

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from gateway.services import build_service_apps
from services.common.auth import Role
from services.common.db import Database
from services.documents import scheduler
from services.documents.clock import today
from services.documents.lifecycle import service as lifecycle
from services.documents.outbox.models import OutboxEntry
from services.documents.settings import DocumentsSettings
from tests.conftest import ServiceSettingsFactory
from tests.support.apps import client_for
from tests.support.documents import DOCS, World, register_agencies
from tests.support.tokens import TokenMinter

LEDGER = f"{DOCS}/ledger"
NOTICES = "/api/v1/requests/calendar/notices"
# The State Council's 2003 notice: 国庆 1–7 October, 27 and 28 September worked instead.
NOTICE_2003 = {
    "title": "国务院办公厅关于2003年部分节假日休息安排的通知",
    "rest_days": [{"date": f"2003-10-0{d}", "name": "国庆节"} for d in range(1, 8)],
    "working_days": [
        {"date": "2003-09-27", "name": "国庆节"},
        {"date": "2003-09-28", "name": "国庆节"},
    ],
}


@dataclass
class System:
    world: World
    requests: httpx.AsyncClient
    documents: FastAPI

    async def tick(self) -> scheduler.TickResult:
        return await scheduler.tick(self.documents.state.db, self.documents.state.workdays)


async def _system(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter, interval: float
) -> AsyncIterator[System]:
    settings = await make_service_settings(["catalog", "documents", "requests"])
    documents = settings["documents"]
    assert isinstance(documents, DocumentsSettings)
    settings["documents"] = documents.model_copy(
        update={"documents_jobs_interval_seconds": interval}
    )
    apps = build_service_apps(settings)
    async with (
        client_for(apps["catalog"]) as catalog,
        client_for(apps["documents"]) as docs,
        client_for(apps["requests"]) as requests,
    ):
        agency, other = await register_agencies(catalog, tokens)
        world = World(
            docs=docs,
            catalog=catalog,
            tokens=tokens,
            database_url=documents.database_url,
            agency=agency,
            other=other,
        )
        yield System(world, requests, apps["documents"])


@pytest.fixture
async def system(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[System]:
    """Catalog, documents and requests in-process; the periodic work runs when a test says."""
    async for built in _system(make_service_settings, tokens, interval=0):
        yield built


@pytest.fixture
async def ticking(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[System]:
    """The same, with the periodic work running every 0.1 s."""
    async for built in _system(make_service_settings, tokens, interval=0.1):
        yield built


async def ledger_entry(world: World, document_id: str) -> dict[str, Any]:
    response = await world.docs.get(LEDGER, params={"limit": 100}, headers=world.staff())
    assert response.status_code == 200, response.text
    return next(e for e in response.json()["items"] if e["document_id"] == document_id)


async def test_due_dates_are_provisional_until_the_notice_is_loaded(system: System) -> None:
    world = system.world
    # 2003 is in no calendar package: the statutory rules give 国庆 1–3 October only.
    early = await world.create(doc_number="张政办函〔2003〕1号", written_on="2003-09-29")
    assert early["publish_due_on"] == "2003-10-30"
    recent = await world.create(doc_number="张政办函〔2020〕1号", written_on="2020-09-17")
    entry = await ledger_entry(world, early["id"])
    assert (entry["due_on"], entry["due_on_provisional"], entry["provisional_years"]) == (
        "2003-10-30",
        True,
        [2003],
    )
    assert (await ledger_entry(world, recent["id"]))["due_on_provisional"] is False

    admin = world.tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["requests:manage"])
    loaded = await system.requests.put(f"{NOTICES}/2003", json=NOTICE_2003, headers=admin)
    assert loaded.status_code == 200, loaded.text
    # Read but not yet followed (as after a failed round): the year stays to be done.
    notices = system.documents.state.workdays
    assert await notices.refresh() == {2003}
    assert await notices.refresh() == {2003}
    assert await system.tick() == scheduler.TickResult(expired=0, recomputed=1)
    assert await notices.refresh() == set()
    # 1–7 October off, 27–28 September worked: the 20th working day moves to 3 November.
    entry = await ledger_entry(world, early["id"])
    assert (entry["due_on"], entry["due_on_provisional"], entry["provisional_years"]) == (
        "2003-11-03",
        False,
        [],
    )
    reread = await world.docs.get(f"{DOCS}/{early['id']}", headers=world.staff())
    assert reread.json()["publish_due_on"] == "2003-11-03"
    assert reread.headers["etag"] != f'"{early["version"]}"'
    assert (await ledger_entry(world, recent["id"]))["due_on"] == "2020-10-21"
    # Nothing changed since: the next round writes nothing.
    assert await system.tick() == scheduler.TickResult(expired=0, recomputed=0)
    # A document registered now is counted with the notice at once.
    later = await world.create(doc_number="张政办函〔2003〕2号", written_on="2003-09-30")
    assert later["publish_due_on"] == "2003-11-04"

    async with _session(world) as session:
        entries = await session.exec(
            select(OutboxEntry).where(col(OutboxEntry.kind) == "deadline_recomputed")
        )
        found = [(str(e.entity_id), e.payload) for e in entries]
    assert found == [(early["id"], {"from": "2003-10-30", "to": "2003-11-03"})]


async def test_the_scheduler_records_expiries_and_the_index_follows(
    ticking: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = ticking.world
    real_today = today()
    clock = {"day": real_today - dt.timedelta(days=1)}
    # The world one day earlier: the document is still in force, for the scheduler and the index.
    monkeypatch.setattr(lifecycle, "today", lambda: clock["day"])
    monkeypatch.setattr("services.documents.search.indexer._today", lambda: clock["day"])
    expiring = await world.create(
        doc_number="张政办发〔2020〕7号",
        written_on="2020-05-01",
        expires_on=(real_today - dt.timedelta(days=1)).isoformat(),
    )
    expiring = await world.publish(expiring, "2020-05-06")

    async def search(validity: str) -> list[str]:
        found = await world.docs.get(f"{DOCS}/search", params={"validity": validity})
        assert found.status_code == 200, found.text
        return [hit["id"] for hit in found.json()["hits"]]

    await _eventually(lambda: search("in_force"), lambda ids: expiring["id"] in ids)
    events = (await world.docs.get(f"{DOCS}/{expiring['id']}/events")).json()["items"]
    assert [e["kind"] for e in events] == ["published"]

    clock["day"] = real_today  # midnight passes; nobody calls POST /expiries
    await _eventually(lambda: search("expired"), lambda ids: expiring["id"] in ids)
    events = (await world.docs.get(f"{DOCS}/{expiring['id']}/events")).json()["items"]
    assert [(e["kind"], e["occurred_on"]) for e in events] == [
        ("published", "2020-05-06"),
        ("expired", real_today.isoformat()),
    ]
    feed = await world.docs.get(f"{DOCS}/events", params={"kind": "expired"})
    assert [e["document_id"] for e in feed.json()["items"]] == [expiring["id"]]
    assert expiring["id"] not in await search("in_force")
    # Later rounds find nothing more to do.
    await asyncio.sleep(0.3)
    async with _session(world) as session:
        rows = await session.exec(select(OutboxEntry).where(col(OutboxEntry.kind) == "expired"))
        assert [str(r.entity_id) for r in rows] == [expiring["id"]]


async def test_two_processes_record_an_expiry_once(system: System) -> None:
    world = system.world
    expired = await world.create(
        doc_number="张政办发〔2020〕8号", written_on="2020-05-01", expires_on="2021-04-30"
    )
    await world.publish(expired, "2020-05-06")
    first_db, second_db = Database(world.database_url), Database(world.database_url)
    try:
        async with first_db.write_sessions() as first:
            assert await lifecycle.record_expiries(first) == 1

            async def other_process() -> int:
                async with second_db.write_sessions() as second:
                    count = await lifecycle.record_expiries(second)
                    await second.commit()
                    return count

            racing = asyncio.create_task(other_process())
            await asyncio.sleep(0.5)
            assert not racing.done()  # waits for the first (advisory lock / BEGIN IMMEDIATE)
            await first.commit()
        assert await racing == 0
    finally:
        await first_db.dispose()
        await second_db.dispose()
    events = (await world.docs.get(f"{DOCS}/{expired['id']}/events")).json()["items"]
    assert [e["kind"] for e in events] == ["published", "expired"]


async def test_without_the_requests_service_the_kernel_calendar_is_used(world: World) -> None:
    document = await world.create(doc_number="张政办函〔2003〕1号", written_on="2003-09-29")
    assert document["publish_due_on"] == "2003-10-30"
    entry = await ledger_entry(world, document["id"])
    assert entry["due_on_provisional"] is True


@contextlib.asynccontextmanager
async def _session(world: World) -> AsyncIterator[AsyncSession]:
    database = Database(world.database_url)
    try:
        async with database.sessions() as session:
            yield session
    finally:
        await database.dispose()


async def _eventually(read: Any, check: Any, seconds: float = 15.0) -> None:
    value = None
    for _ in range(int(seconds / 0.1)):
        value = await read()
        if check(value):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not reached in {seconds} s: {value}")
