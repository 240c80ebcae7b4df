"""The distributed mode for real: four uvicorn processes on loopback against PostgreSQL."""

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.services import SERVICES
from tests import conftest
from tests.support.databases import DatabaseFactory
from tests.support.processes import ServerProcess, free_port
from tests.support.tokens import TokenMinter

# One cluster serves the module (four processes cost tens of CPU-seconds to start), so its
# tests stay on one worker; a test that stops a process starts it again.
pytestmark = [
    pytest.mark.distributed,
    pytest.mark.postgres,
    pytest.mark.slow,
    pytest.mark.xdist_group("distributed"),
]


class Cluster:
    def __init__(self) -> None:
        self.gateway_url = ""
        self.processes: dict[str, ServerProcess] = {}
        self.urls: dict[str, str] = {}
        self.env: dict[str, str] = {}
        self.data_dir = Path()

    def start(self, name: str) -> None:
        """Start one service's process and wait until it is ready."""
        port = self.urls[name].rsplit(":", 1)[1]
        self.processes[name] = ServerProcess(
            ["serve-service", name, "--port", port],
            env=self.env,
            log=self.data_dir / f"{name}.log",
        ).start()
        self.processes[name].wait_ready(self.urls[name] + "/readyz")


@pytest.fixture(scope="module")
async def database_urls(database_factories: dict[str, DatabaseFactory]) -> dict[str, str]:
    if conftest.POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL 不可用：{conftest.POSTGRES_PROBLEM}")
    factory = database_factories["postgresql"]
    return {e.name: await factory.fresh(e.name) for e in SERVICES}


@pytest.fixture(scope="module")
def cluster(
    database_urls: dict[str, str], tmp_path_factory: pytest.TempPathFactory, tokens: TokenMinter
) -> Iterator[Cluster]:
    data_dir = tmp_path_factory.mktemp("distributed")
    tokens.write_jwks(data_dir)
    result = Cluster()
    result.data_dir = data_dir
    ports = {e.name: free_port() for e in SERVICES}
    result.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    result.env = {
        "GONGKAI_ENVIRONMENT": "test",
        "GONGKAI_DATA_DIR": str(data_dir),
        "GONGKAI_LOG_FORMAT": "json",
        **{f"GONGKAI_{n.upper()}_URL": url for n, url in result.urls.items()},
        **{f"GONGKAI_{n.upper()}_DATABASE_URL": u for n, u in database_urls.items()},
    }
    try:
        for entry in SERVICES:
            process = ServerProcess(
                ["serve-service", entry.name, "--port", str(ports[entry.name])],
                env=result.env,
                log=data_dir / f"{entry.name}.log",
            ).start()
            result.processes[entry.name] = process
        for name, process in result.processes.items():
            process.wait_ready(result.urls[name] + "/readyz")
        gateway_port = free_port()
        gateway = ServerProcess(
            ["serve", "--port", str(gateway_port)], env=result.env, log=data_dir / "gateway.log"
        ).start()
        result.processes["gateway"] = gateway
        result.gateway_url = f"http://127.0.0.1:{gateway_port}"
        gateway.wait_ready(result.gateway_url + "/readyz")
        yield result
    finally:
        for process in result.processes.values():
            process.stop()


def test_gateway_routes_to_separate_service_processes(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.gateway_url) as client:
        ready = client.get("/readyz").json()
        assert ready["status"] == "ready"
        for entry in SERVICES:
            response = client.get(f"/api/v1/{entry.name}")
            assert response.status_code == 200, response.text
            body = response.json()
            # /api/v1/documents is the document list rather than a service index.
            assert body.get("service") == entry.name or isinstance(body.get("items"), list)
        document = client.get("/openapi.json").json()
        assert {f"/api/v1/{e.name}" for e in SERVICES} <= set(document["paths"])


def test_request_ids_cross_the_process_boundary(cluster: Cluster) -> None:
    with httpx.Client(base_url=cluster.gateway_url) as client:
        response = client.get("/api/v1/documents/missing", headers={"x-request-id": "e2e-abcdef01"})
        assert response.status_code == 404
        assert response.headers["x-request-id"] == "e2e-abcdef01"
        # The body was written by the documents process: it saw the gateway's id.
        assert response.json()["request_id"] == "e2e-abcdef01"
        generated = client.get("/api/v1/catalog/missing")
        assert generated.json()["request_id"] == generated.headers["x-request-id"]


def test_stopped_service_gives_502_and_others_keep_working(cluster: Cluster) -> None:
    cluster.processes["requests"].stop()
    try:
        with httpx.Client(base_url=cluster.gateway_url) as client:
            down = client.get("/api/v1/requests")
            assert down.status_code == 502
            assert down.headers["content-type"] == "application/problem+json"
            assert down.json()["title"] == "上游服务不可用"
            assert client.get("/api/v1/catalog").status_code == 200
            assert client.get("/readyz").status_code == 503
    finally:
        cluster.start("requests")  # the module's other tests need it


def test_services_verify_tokens_themselves(cluster: Cluster, tokens: TokenMinter) -> None:
    # Straight to the service process, bypassing the gateway: a forged token is still refused.
    with httpx.Client(base_url=cluster.urls["catalog"]) as client:
        response = client.get(
            "/api/v1/catalog", headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.e30."}
        )
        assert response.status_code == 401
        good = client.get("/api/v1/catalog", headers=tokens.headers(roles=["editor"]))
        assert good.status_code == 200
