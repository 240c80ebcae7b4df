"""Faults in the distributed mode: real processes on loopback against a PostgreSQL of the
module's own (so it can be restarted without disturbing anyone else's tests).

One cluster serves every test of the module (starting four Python processes costs tens of
seconds on a busy machine); each test leaves it running and healthy.

The documents service starts with the Meilisearch adapter pointed at a closed port: that is
how the search engine is "unavailable" for real (the production adapter meets a refused
connection). Meilisearch itself cannot run here, so the engine that "comes back" is the
embedded one: the same outbox, indexer and port contract, so convergence is shown on it.
"""

import asyncio
import concurrent.futures
import os
import resource
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import httpx
import pytest

from services.common.auth import Role
from services.common.migrations import upgrade
from services.documents.search.config import index_dir, shared_analyzer
from services.documents.search.tantivy_index import TantivySearchIndex
from tests.documents.attachments.files import pdf_bytes
from tests.support.catalog import ZHANGYE_DIVISIONS, agency_body
from tests.support.cluster import ProcessCluster
from tests.support.databases import in_ci
from tests.support.documents import DOCS, PROBLEM, document_body
from tests.support.private_postgres import PrivatePostgres, unavailable
from tests.support.processes import ServerProcess, free_port
from tests.support.requests import BASE, request_body
from tests.support.tokens import TokenMinter

# One worker runs the whole module (`--dist loadgroup`): the cluster is started once.
pytestmark = [
    pytest.mark.distributed,
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.xdist_group("faults"),
]
T = TypeVar("T")
SERVICES = ("catalog", "documents", "requests")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion from synchronous test code (in its own thread and loop,
    so the test session's event loop is left alone)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(url)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    problem = unavailable()
    if problem:
        if in_ci():
            pytest.fail(f"CI=true 时故障测试必须运行：{problem}")
        pytest.skip(problem)
    server = PrivatePostgres().init()
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="module")
def cluster(
    private_postgres: PrivatePostgres,
    tmp_path_factory: pytest.TempPathFactory,
    tokens: TokenMinter,
) -> Iterator[ProcessCluster]:
    data_dir = tmp_path_factory.mktemp("faults")
    tokens.write_jwks(data_dir)
    for name in SERVICES:
        run(private_postgres.execute(f'CREATE DATABASE "{name}"'))
        run(upgrade(name, private_postgres.url(name)))
    processes = ProcessCluster(
        data_dir,
        {name: private_postgres.url(name) for name in SERVICES},
        GONGKAI_RATE_LIMIT_ENABLED="false",
        GONGKAI_CIRCUIT_OPEN_SECONDS="2",
        GONGKAI_SEARCH_BACKEND="meilisearch",
        GONGKAI_MEILISEARCH_URL=f"http://127.0.0.1:{free_port()}",  # nothing listens there
    )
    try:
        processes.start()
        yield processes
    finally:
        processes.stop()


@pytest.fixture(scope="module")
def agency(cluster: ProcessCluster, tokens: TokenMinter) -> str:
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])
    with httpx.Client(base_url=cluster.gateway_url, timeout=30) as client:
        divisions = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
        loaded = client.post("/api/v1/catalog/divisions/import", json=divisions, headers=admin)
        assert loaded.status_code == 200, loaded.text
        created = client.post("/api/v1/catalog/agencies", json=agency_body(), headers=admin)
        assert created.status_code == 201, created.text
        return str(created.json()["id"])


def editor(tokens: TokenMinter, agency: str) -> dict[str, str]:
    return tokens.headers(
        roles=[Role.EDITOR, Role.PUBLISHER],
        scopes=["documents:write", "documents:publish", "documents:read"],
        agencies=[agency],
        acr="mfa",
        auth_time=int(time.time()),
    )


class Load:
    """Clients submitting information requests through the gateway, recording every answer."""

    def __init__(self, gateway_url: str, agency: str, clients: int = 4) -> None:
        self.gateway_url = gateway_url
        self.agency = agency
        self.acknowledged: list[tuple[float, str]] = []
        self.refused: list[tuple[float, httpx.Response]] = []
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._submit, daemon=True) for _ in range(clients)]

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _submit(self) -> None:
        with httpx.Client(base_url=self.gateway_url, timeout=20) as client:
            while not self._stop.is_set():
                body = request_body(self.agency, title=f"负载 {uuid.uuid4().hex[:8]}")
                try:
                    response = client.post(BASE, json=body)
                except httpx.HTTPError as exc:
                    self.errors.append(type(exc).__name__)
                    continue
                if response.is_success:
                    self.acknowledged.append((time.monotonic(), response.json()["id"]))
                else:
                    self.refused.append((time.monotonic(), response))
                    time.sleep(0.05)

    def first_success_after(self, moment: float, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            later = [t for t, _ in self.acknowledged if t > moment]
            if later:
                return min(later)
            time.sleep(0.05)
        raise AssertionError(f"no request acknowledged within {timeout}s after the restart")


def test_postgres_restart_under_load(
    cluster: ProcessCluster, private_postgres: PrivatePostgres, agency: str
) -> None:
    with Load(cluster.gateway_url, agency) as load:
        time.sleep(2)
        before = len(load.acknowledged)
        down = time.monotonic()
        private_postgres.restart(immediate=True, down_for=1.0)  # a crash, then recovery
        up = time.monotonic()
        recovered = load.first_success_after(up, timeout=20)
        time.sleep(1)
    print(
        f"\nPostgreSQL down {up - down:.1f}s; first acknowledged write {recovered - up:.1f}s "
        f"after it was back; {len(load.acknowledged)} acknowledged, {len(load.refused)} refused"
    )
    assert before > 0, "the load produced nothing before the restart"
    assert not load.errors, f"client errors (no HTTP answer): {load.errors}"
    assert recovered - up < 15
    # In-flight and later requests failed cleanly: 503 problem+json, never a 500.
    assert load.refused, "the restart went unnoticed: nothing was refused"
    for _, response in load.refused:
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["title"]
    # Every acknowledged write is there, and no stored request is partial.
    url = private_postgres.url("requests")
    stored = {str(r["id"]) for r in run(fetch(url, "SELECT id FROM info_request"))}
    missing = {i for _, i in load.acknowledged} - stored
    assert not missing, f"acknowledged but lost: {missing}"
    partial = run(
        fetch(
            url,
            "SELECT r.id FROM info_request r WHERE NOT EXISTS "
            "(SELECT 1 FROM request_event e WHERE e.request_id = r.id)",
        )
    )
    assert not partial
    with httpx.Client(base_url=cluster.gateway_url) as client:
        assert client.get("/readyz").status_code == 200


def test_killed_service_gives_502_or_503_then_recovers(
    cluster: ProcessCluster, agency: str
) -> None:
    cluster.kill("catalog")
    statuses: list[int] = []
    with httpx.Client(base_url=cluster.gateway_url, timeout=10) as client:
        for _ in range(8):
            response = client.get(f"/api/v1/catalog/agencies/{agency}")
            statuses.append(response.status_code)
            assert response.headers["content-type"] == PROBLEM
            assert response.json()["title"]
        assert set(statuses) <= {502, 503}
        assert statuses[0] == 502  # refused connection
        assert statuses[-1] == 503  # the breaker opened: answered without trying
        # The other services keep working meanwhile.
        assert client.get("/api/v1/documents").status_code == 200
        restarted = time.monotonic()
        cluster.start_one("catalog", **cluster.extra.get("catalog", {}))
        back = time.monotonic()
        deadline = back + 15
        while client.get(f"/api/v1/catalog/agencies/{agency}").status_code != 200:
            assert time.monotonic() < deadline, "the gateway did not recover"
            time.sleep(0.2)
        print(
            f"\ncatalog restart took {back - restarted:.1f}s; gateway recovered "
            f"{time.monotonic() - back:.1f}s after it was ready; answers while down: {statuses}"
        )
        assert client.get("/readyz").status_code == 200


def expected_versions(database_url: str) -> dict[str, int]:
    """What the index must hold: each document, at the sequence of its newest outbox entry."""
    rows = run(
        fetch(
            database_url,
            "SELECT d.id, max(o.sequence) AS version FROM document d "
            "JOIN outbox_entry o ON o.entity = 'document' AND o.entity_id = d.id GROUP BY d.id",
        )
    )
    return {str(r["id"]): int(r["version"]) for r in rows}


def index_versions(data_dir: Path, ids: list[str]) -> tuple[int, dict[str, int | None]]:
    index = TantivySearchIndex(index_dir(data_dir), analyzer=shared_analyzer(None))
    try:
        return index.count(), {i: index.indexed_version(uuid.UUID(i)) for i in ids}
    finally:
        index.close()


def wait_converged(cluster: ProcessCluster, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        search = httpx.get(cluster.urls["documents"] + "/readyz").json()["checks"]["search"]
        if search.get("lag") == 0 and search["status"] == "ok":
            return dict(search)
        assert time.monotonic() < deadline, f"index did not catch up: {search}"
        time.sleep(0.3)


def test_search_unavailable_writes_wait_in_the_outbox_and_the_index_converges(
    cluster: ProcessCluster, private_postgres: PrivatePostgres, agency: str, tokens: TokenMinter
) -> None:
    cluster.ensure("documents")  # the Meilisearch adapter, pointed at a closed port
    database_url = private_postgres.url("documents")
    staff = editor(tokens, agency)
    with httpx.Client(base_url=cluster.gateway_url, timeout=30) as client:
        created = []
        for n in range(4):
            body = document_body(agency, title=f"检索中断期间登记的文件{n}", doc_number=None)
            response = client.post(DOCS, json=body, headers=staff)
            assert response.status_code == 201, response.text
            created.append(response.json())
        published = client.post(f"{DOCS}/{created[0]['id']}/publish", json={}, headers=staff)
        assert published.status_code == 200, published.text
        refused = client.get(f"{DOCS}/search", params={"q": "检索中断"})
        assert refused.status_code == 503
        assert refused.headers["content-type"] == PROBLEM
        assert refused.json()["type"].endswith("search-unavailable")
        assert client.get("/readyz").status_code == 200  # degraded, not down

    pending = run(fetch(database_url, "SELECT entity_id FROM outbox_entry"))
    assert {d["id"] for d in created} <= {str(r["entity_id"]) for r in pending}
    ready = httpx.get(cluster.urls["documents"] + "/readyz")
    assert ready.status_code == 200
    search = ready.json()["checks"]["search"]
    assert search["status"] == "degraded"
    assert search["reachable"] is False
    assert search["lag"] >= len(created) + 1
    assert search["lag"] == search["head"] - search["position"]

    # The engine comes back (the embedded one, see the module docstring): it catches up.
    cluster.start_one("documents", GONGKAI_SEARCH_BACKEND="embedded", GONGKAI_MEILISEARCH_URL="")
    head = wait_converged(cluster)["head"]
    expected = expected_versions(database_url)
    assert {d["id"] for d in created} <= set(expected)
    count, versions = index_versions(cluster.data_dir, list(expected))
    assert count == len(expected)
    # Caught up entry by entry, a document is at its newest outbox entry; an empty embedded
    # index is instead filled from the database in bulk when the indexer starts, at the head.
    assert all(v is not None and expected[i] <= v <= head for i, v in versions.items()), (
        versions,
        expected,
        head,
    )
    with httpx.Client(base_url=cluster.gateway_url, timeout=30) as client:
        found = client.get(f"{DOCS}/search", params={"q": "检索中断期间登记的文件0"}).json()
        assert created[0]["id"] in [hit["id"] for hit in found["hits"]]

    # `gongkai reindex` rebuilds it from scratch (the embedded index has one writer: the
    # service is stopped meanwhile).
    cluster.stop_one("documents")
    reindex = ServerProcess(
        ["reindex"],
        env={**cluster.env, "GONGKAI_SEARCH_BACKEND": "embedded", "GONGKAI_MEILISEARCH_URL": ""},
        log=cluster.data_dir / "reindex.log",
    ).start()
    assert reindex.proc is not None
    assert reindex.proc.wait(timeout=120) == 0, reindex.log()
    reindex.stop()  # keeps its output for the log check
    assert f"检索索引已重建：{len(expected)} 份文件" in reindex.log()
    count, rebuilt = index_versions(cluster.data_dir, list(expected))
    head = max(expected.values())
    assert count == len(expected)
    assert all(v is not None and v >= expected[i] for i, v in rebuilt.items())
    assert all(v == head for v in rebuilt.values())  # a rebuild indexes at the outbox head
    # The documents service stays stopped; a later test that needs it starts it again.


def test_attachment_storage_full_or_unwritable(
    cluster: ProcessCluster, private_postgres: PrivatePostgres, agency: str, tokens: TokenMinter
) -> None:
    cluster.ensure_running("documents")
    staff = editor(tokens, agency)
    attachments = cluster.data_dir / "attachments"
    with httpx.Client(base_url=cluster.gateway_url, timeout=60) as client:
        created = client.post(DOCS, json=document_body(agency, doc_number=None), headers=staff)
        assert created.status_code == 201, created.text
        url = f"{DOCS}/{created.json()['id']}/attachments"
        # Full: the kernel refuses the write past a file size limit put on the running
        # documents process (EFBIG, handled like ENOSPC: the same failed write mid-upload).
        # The limit binds every file the process writes, its log too, so it is set above
        # the log's size; the upload stays under the 1 MiB Starlette keeps in memory.
        log_size = (cluster.data_dir / "documents.log").stat().st_size
        limit = log_size + 64 * 1024
        assert limit + 256 * 1024 < 1024 * 1024, "the documents log grew too large for this test"
        content = pdf_bytes("attachment storage fault") + b"%" + os.urandom(limit + 128 * 1024)
        pid = cluster.pid("documents")
        limits = resource.prlimit(pid, resource.RLIMIT_FSIZE)
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (limit, limits[1]))
        try:
            full = client.post(url, files={"file": ("方案.pdf", content)}, headers=staff)
        finally:
            resource.prlimit(pid, resource.RLIMIT_FSIZE, limits)
        assert full.status_code == 507, full.text
        assert full.headers["content-type"] == PROBLEM
        assert full.json()["type"].endswith("attachment-storage-full")
        assert "存储空间已满" in full.json()["detail"]

        # Unwritable: where the staging directory should be there is a file (the root
        # user ignores permission bits, so a read-only mode would not stop the test).
        incoming = attachments / "incoming"
        if incoming.is_dir():
            for leftover in incoming.iterdir():
                leftover.unlink()
            incoming.rmdir()
        incoming.write_bytes(b"")
        try:
            unwritable = client.post(url, files={"file": ("方案.pdf", content)}, headers=staff)
        finally:
            incoming.unlink()
        assert unwritable.status_code == 503, unwritable.text
        assert unwritable.headers["content-type"] == PROBLEM
        assert unwritable.json()["type"].endswith("attachment-storage-unavailable")

        # Nothing was recorded; nothing half-written is left; then uploads work again.
        assert client.get(url, headers=staff).json()["items"] == []
        assert not any((attachments / "incoming").glob("*"))
        stored = client.post(url, files={"file": ("方案.pdf", content)}, headers=staff)
        assert stored.status_code == 201, stored.text
    # No attachment record anywhere points at a missing file.
    rows = run(fetch(private_postgres.url("documents"), "SELECT sha256 FROM attachment"))
    assert rows
    for row in rows:
        key = row["sha256"]
        assert (attachments / "objects" / key[:2] / key[2:4] / key).is_file(), key
