"""One interface to a service, whether it runs in this process or behind a URL."""

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send


class Upstream(Protocol):
    name: str

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request, streaming both ways."""

    async def fetch(self, path: str) -> tuple[int, bytes]:
        """A small internal GET (OpenAPI, readiness): status and whole body."""

    def lifespan(self) -> AbstractAsyncContextManager[None]:
        """Start and stop whatever the upstream holds (the app, or a connection pool)."""


class InProcessUpstream:
    """Calls the service app directly as an ASGI app: nothing is buffered, nothing copied."""

    def __init__(self, name: str, app: FastAPI) -> None:
        self.name, self.app = name, app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A copy, so the service setting scope["app"] and friends does not leak back.
        await self.app(dict(scope), receive, send)

    async def fetch(self, path: str) -> tuple[int, bytes]:
        return await asgi_get(self.app, path)

    def lifespan(self) -> AbstractAsyncContextManager[None]:
        return self._lifespan()

    @asynccontextmanager
    async def _lifespan(self) -> AsyncIterator[None]:
        async with self.app.router.lifespan_context(self.app):
            yield


async def asgi_get(app: FastAPI, path: str) -> tuple[int, bytes]:
    """GET ``path`` from an ASGI app without a network, collecting the response."""
    status = 500
    chunks: list[bytes] = []
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"in-process"), (b"accept", b"application/json")],
        "client": ("127.0.0.1", 0),
        "server": ("in-process", 80),
        "state": {},
    }
    await app(scope, receive, send)
    return status, b"".join(chunks)
