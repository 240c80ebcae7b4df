"""The edge and the proxy in the distributed mode, against real upstream servers on loopback
(security.md PROXY-01, -03, -04, -05, SIZE-01, AUTHZ-06, RL-01 through the proxy)."""

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.support.processes import free_port
from tests.support.servers import serving

CALLS: dict[str, int] = {}
FAILING = {"on": True}


async def _echo(request: Request) -> Response:
    CALLS["echo"] = CALLS.get("echo", 0) + 1
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return JSONResponse({"headers": dict(request.headers), "size": size})


async def _flaky(_request: Request) -> Response:
    CALLS["flaky"] = CALLS.get("flaky", 0) + 1
    if FAILING["on"]:
        return JSONResponse({"boom": True}, status_code=500)
    return JSONResponse({"ok": True})


async def _huge(_request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        block = b"z" * (1024 * 1024)
        for _ in range(200):
            yield block

    return StreamingResponse(body(), media_type="application/octet-stream")


UPSTREAM = Starlette(
    routes=[
        Route("/api/v1/catalog/echo", _echo, methods=["GET", "POST"]),
        Route("/api/v1/catalog/flaky", _flaky),
        Route("/api/v1/catalog/huge", _huge),
        Route("/readyz", lambda r: JSONResponse({"status": "ready", "checks": {}})),
    ]
)


@pytest.fixture
async def upstream_url() -> AsyncIterator[str]:
    CALLS.clear()
    FAILING["on"] = True
    async with serving(UPSTREAM) as url:
        yield url


def _settings(tmp_path: Path, catalog_url: str, **overrides: Any) -> GatewaySettings:
    dead = f"http://127.0.0.1:{free_port()}"
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        catalog_url=catalog_url,
        documents_url=dead,
        requests_url=dead,
        **overrides,
    )


@pytest.fixture
async def proxied(upstream_url: str, tmp_path: Path) -> AsyncIterator[str]:
    settings = _settings(tmp_path, upstream_url, circuit_failures=3, circuit_open_seconds=0.5)
    async with serving(create_app(settings)) as url:
        yield url


async def test_oversized_body_never_reaches_the_service(proxied: str) -> None:
    """SIZE-01: 1 MiB + 1 B is refused with 413 and the upstream is not called."""
    async with httpx.AsyncClient(base_url=proxied) as client:
        body = b"x" * (1024 * 1024 + 1)
        response = await client.post("/api/v1/catalog/echo", content=body)
        assert response.status_code == 413
        assert CALLS.get("echo", 0) == 0

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(40):
                yield b"y" * 65536

        # The gateway answers 413 and closes while the client is still sending; depending on
        # timing the client reads the 413 or sees the connection cut. Either way it stopped.
        try:
            streamed = await client.post("/api/v1/catalog/echo", content=chunks())
            assert streamed.status_code == 413
        except httpx.TransportError:
            pass
        small = await client.post("/api/v1/catalog/echo", content=b"ok")
        assert small.json()["size"] == 2


async def test_ambiguous_length_is_refused_and_not_forwarded(proxied: str) -> None:
    """PROXY-01: Transfer-Encoding with a conflicting Content-Length gives 400."""
    host, port = proxied.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        b"POST /api/v1/catalog/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        b"GET /api/v1/catalog/echo HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)
    writer.close()
    assert status_line.split()[1] == b"400"
    assert CALLS.get("echo", 0) == 0


async def test_identity_headers_are_replaced(proxied: str) -> None:
    """AUTHZ-06: the upstream sees only the gateway's forwarding values."""
    async with httpx.AsyncClient(base_url=proxied) as client:
        response = await client.get(
            "/api/v1/catalog/echo",
            headers={
                "X-User-Id": "admin",
                "X-Agency-Id": "00000000-0000-0000-0000-000000000001",
                "X-Forwarded-For": "203.0.113.9, 10.0.0.1",
                "Forwarded": "for=203.0.113.9",
            },
        )
    seen = response.json()["headers"]
    assert "x-user-id" not in seen
    assert "x-agency-id" not in seen
    assert "forwarded" not in seen
    assert seen["x-forwarded-for"] == "127.0.0.1"


async def test_circuit_breaker_opens_and_recovers(upstream_url: str, tmp_path: Path) -> None:
    """PROXY-03."""
    settings = _settings(tmp_path, upstream_url, circuit_failures=3, circuit_open_seconds=0.5)
    gateway = create_app(settings)
    upstream = gateway.api.state.upstreams["catalog"]
    async with serving(gateway) as url, httpx.AsyncClient(base_url=url) as client:
        for _ in range(3):
            assert (await client.get("/api/v1/catalog/flaky")).status_code == 500
        calls = CALLS["flaky"]
        durations = []
        for _ in range(5):
            start = time.perf_counter()
            response = await client.get("/api/v1/catalog/flaky")
            durations.append(time.perf_counter() - start)
            assert response.status_code == 503
            assert response.headers["content-type"] == "application/problem+json"
        assert CALLS["flaky"] == calls  # the upstream was not touched
        # End to end on this shared machine includes the client and the server loop; the
        # gateway's own refusal is timed directly below.
        assert sorted(durations)[len(durations) // 2] < 0.5
        sent: list[Any] = []

        async def collect(message: Any) -> None:
            sent.append(message)

        start = time.perf_counter()
        await upstream(
            {"type": "http", "method": "GET", "path": "/x", "raw_path": b"/x", "headers": []},
            None,
            collect,
        )
        assert time.perf_counter() - start < 0.005
        assert sent[0]["status"] == 503
        FAILING["on"] = False
        await asyncio.sleep(0.6)
        probe = await client.get("/api/v1/catalog/flaky")
        assert probe.status_code == 200
        assert (await client.get("/api/v1/catalog/flaky")).status_code == 200


async def _dropping_server(counter: dict[str, int]) -> tuple[asyncio.Server, int]:
    """Reads a request head, counts it, and closes the connection without an answer."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method = head.split(b" ", 1)[0].decode()
        counter[method] = counter.get(method, 0) + 1
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_only_idempotent_requests_are_retried(tmp_path: Path) -> None:
    """PROXY-05: a POST reaches the service at most once; a GET is retried once."""
    counter: dict[str, int] = {}
    server, port = await _dropping_server(counter)
    try:
        settings = _settings(tmp_path, f"http://127.0.0.1:{port}", circuit_failures=100)
        async with (
            serving(create_app(settings)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            counter.clear()  # start-up fetched the route table
            post = await client.post("/api/v1/catalog/anything", content=b"{}")
            get = await client.get("/api/v1/catalog/anything")
    finally:
        server.close()
    assert post.status_code == 502
    assert get.status_code == 502
    assert counter.get("POST") == 1
    assert counter.get("GET") == 2


def _rss() -> int:
    with open(f"/proc/{os.getpid()}/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.slow
async def test_large_download_streams_in_constant_memory(proxied: str) -> None:
    """PROXY-04: 200 MiB through the gateway; RSS grows by under 20 MiB."""
    before = _rss()
    peak = before
    size = 0
    async with (
        httpx.AsyncClient(base_url=proxied, timeout=120) as client,
        client.stream("GET", "/api/v1/catalog/huge") as response,
    ):
        async for chunk in response.aiter_raw():
            size += len(chunk)
            peak = max(peak, _rss())
    assert size == 200 * 1024 * 1024
    assert peak - before < 20 * 1024 * 1024


async def test_rate_limit_in_front_of_the_proxy(upstream_url: str, tmp_path: Path) -> None:
    settings = _settings(tmp_path, upstream_url, rate_limit_anonymous="2/minute")
    async with serving(create_app(settings)) as url, httpx.AsyncClient(base_url=url) as client:
        statuses = [(await client.get("/api/v1/catalog/echo")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert CALLS["echo"] == 2
