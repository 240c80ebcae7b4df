"""Running apps in tests: their lifespans, and HTTP clients that talk to them in-process."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from gateway.app import Gateway


@asynccontextmanager
async def running(app: FastAPI | Gateway) -> AsyncIterator[None]:
    """Run the app's lifespan (httpx's ASGITransport does not)."""
    api = app.api if isinstance(app, Gateway) else app
    async with api.router.lifespan_context(api):
        yield


@asynccontextmanager
async def client_for(app: FastAPI | Gateway) -> AsyncIterator[httpx.AsyncClient]:
    async with (
        running(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client,
    ):
        yield client
