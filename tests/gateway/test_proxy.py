"""The distributed mode's reverse proxy, against a real upstream server on loopback.

The upstream here is a small ASGI app standing in for a service process, so the proxy's
own behaviour (streaming, timeouts, header hygiene, failures) can be pinned exactly.
"""

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

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

CHUNKS = 5
CHUNK_DELAY = 0.2


async def _stream(_request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        for i in range(CHUNKS):
            yield f"chunk-{i}\n".encode()
            await asyncio.sleep(CHUNK_DELAY)

    return StreamingResponse(body(), media_type="text/plain")


async def _slow(_request: Request) -> Response:
    await asyncio.sleep(3)
    return JSONResponse({"late": True})


async def _echo(request: Request) -> Response:
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
    return JSONResponse(
        {"headers": dict(request.headers), "size": size, "query": request.url.query},
        headers={"connection": "x-upstream-secret", "x-upstream-secret": "1", "x-kept": "yes"},
    )


async def _large(_request: Request) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        block = b"x" * 65536
        for _ in range(160):  # 10 MiB
            yield block

    return StreamingResponse(body(), media_type="application/octet-stream")


async def _sets_cookie(_request: Request) -> Response:
    response = JSONResponse({"set": True})
    response.set_cookie("session", "secret-of-user-a", path="/")
    return response


async def _short(_request: Request) -> Response:
    # Promises 100 bytes and sends 5: the connection breaks while the body is being read.
    return Response(b"short", headers={"content-length": "100"})


UPSTREAM = Starlette(
    routes=[
        Route("/api/v1/catalog/short", _short),
        Route("/api/v1/catalog/cookie", _sets_cookie),
        Route("/api/v1/catalog/stream", _stream),
        Route("/api/v1/catalog/slow", _slow),
        Route("/api/v1/catalog/echo", _echo, methods=["GET", "POST"]),
        Route("/api/v1/catalog/large", _large),
        Route("/readyz", lambda r: JSONResponse({"status": "ready", "checks": {}})),
    ]
)


@pytest.fixture
async def upstream_url() -> AsyncIterator[str]:
    async with serving(UPSTREAM) as url:
        yield url


@pytest.fixture
async def proxied(upstream_url: str, tmp_path) -> AsyncIterator[str]:
    """A real gateway process-in-loop whose three services are all behind URLs."""
    dead = f"http://127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        _env_file=None,
        data_dir=tmp_path,
        catalog_url=upstream_url,
        documents_url=dead,
        requests_url=dead,
        route_timeouts={"/api/v1/catalog/slow": 0.5},
        body_limits={"/api/v1/catalog/echo": 8 * 1024 * 1024},
    )
    async with serving(create_app(settings)) as url:
        yield url


async def test_response_streams_before_the_upstream_finishes(proxied: str) -> None:
    async with httpx.AsyncClient() as client:
        start = time.monotonic()
        async with client.stream("GET", f"{proxied}/api/v1/catalog/stream") as response:
            first = None
            lines = []
            async for line in response.aiter_lines():
                first = first or time.monotonic() - start
                lines.append(line)
        total = time.monotonic() - start
    assert lines == [f"chunk-{i}" for i in range(CHUNKS)]
    assert first is not None
    assert first < CHUNK_DELAY * 2 < total


async def test_request_body_is_streamed_through(proxied: str) -> None:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(80):
            yield b"y" * 65536

    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{proxied}/api/v1/catalog/echo?a=1&b=%E4%B8%AD", content=body()
        )
    assert response.status_code == 200
    assert response.json()["size"] == 80 * 65536
    assert response.json()["query"] == "a=1&b=%E4%B8%AD"


async def test_large_download_arrives_whole(proxied: str) -> None:
    size = 0
    async with (
        httpx.AsyncClient() as client,
        client.stream("GET", f"{proxied}/api/v1/catalog/large") as response,
    ):
        async for chunk in response.aiter_bytes():
            size += len(chunk)
    assert size == 160 * 65536


async def test_headers_hop_by_hop_stripped_and_forwarding_set(proxied: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{proxied}/api/v1/catalog/echo",
            headers={
                "connection": "keep-alive, x-client-secret",
                "x-client-secret": "s",
                "keep-alive": "timeout=5",
                "x-request-id": "trace-12345678",
                "x-custom": "kept",
            },
        )
    seen = response.json()["headers"]
    assert "x-client-secret" not in seen
    assert "keep-alive" not in seen
    assert seen["x-custom"] == "kept"
    assert seen["x-request-id"] == "trace-12345678"
    assert response.headers["x-request-id"] == "trace-12345678"
    assert "x-upstream-secret" not in response.headers
    assert response.headers["x-kept"] == "yes"


async def test_slow_upstream_gives_504_in_time(proxied: str) -> None:
    async with httpx.AsyncClient() as client:
        start = time.monotonic()
        response = await client.get(f"{proxied}/api/v1/catalog/slow")
        elapsed = time.monotonic() - start
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["title"] == "上游服务响应超时"
    assert body["request_id"]
    assert "Traceback" not in response.text
    assert elapsed < 0.5 + 0.1 + 0.2  # the timeout, the budget, and this slow machine


async def test_small_body_broken_off_gives_502_not_a_cut_200(proxied: str) -> None:
    """Small answers of known length are read whole before anything is sent, so a service
    that breaks off mid-body is answered 502 instead of a truncated 200."""
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{proxied}/api/v1/catalog/short")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "上游服务不可用"


async def test_down_service_gives_502(proxied: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{proxied}/api/v1/documents")
        ready = await client.get(f"{proxied}/readyz")
    assert response.status_code == 502
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "上游服务不可用"
    assert ready.status_code == 503
    assert ready.json()["checks"]["catalog"]["status"] == "ok"
    assert ready.json()["checks"]["documents"]["status"] == "unreachable"


async def test_upstream_cookies_are_never_replayed_to_other_callers(
    upstream_url: str, tmp_path: Path
) -> None:
    """The proxy's client keeps no cookie jar: a Set-Cookie answered to one caller goes to that
    caller only, never back to the service on someone else's request (upstream by host name)."""
    by_name = upstream_url.replace("127.0.0.1", "localhost")
    dead = f"http://127.0.0.1:{free_port()}"
    settings = GatewaySettings(
        _env_file=None,
        data_dir=tmp_path,
        catalog_url=by_name,
        documents_url=dead,
        requests_url=dead,
    )
    async with serving(create_app(settings)) as url, httpx.AsyncClient() as client:
        first = await client.get(f"{url}/api/v1/catalog/cookie")
        assert first.status_code == 200, first.text
        assert "secret-of-user-a" in first.headers["set-cookie"]
        async with httpx.AsyncClient() as other:
            echoed = await other.get(f"{url}/api/v1/catalog/echo")
    assert echoed.status_code == 200
    assert "cookie" not in echoed.json()["headers"]
