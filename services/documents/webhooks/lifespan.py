"""Running the webhook worker with the documents app."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from services.documents.settings import DocumentsSettings
from services.documents.webhooks.worker import WebhookWorker, WorkerOptions


def options(settings: DocumentsSettings) -> WorkerOptions:
    return WorkerOptions(
        server_secret=settings.secret_key.get_secret_value(),
        allow_private=settings.webhook_private_targets_allowed,
        max_failures=settings.webhook_max_failures,
        retry_base=settings.webhook_retry_base_seconds,
        retry_max=settings.webhook_retry_max_seconds,
        timeout=settings.webhook_timeout_seconds,
        poll=settings.webhook_poll_seconds,
    )


@contextlib.asynccontextmanager
async def webhooks_lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: DocumentsSettings = app.state.settings
    if not settings.webhook_worker:
        yield
        return
    # Redirects are not followed: a redirect could lead a delivery to an internal address.
    async with httpx.AsyncClient(
        timeout=settings.webhook_timeout_seconds, follow_redirects=False, trust_env=False
    ) as http:
        worker = WebhookWorker(
            app.state.db.write_sessions, options(settings), http, reads=app.state.db.sessions
        )
        app.state.webhook_worker = worker
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop), name="webhook-worker")
        try:
            yield
        finally:
            stop.set()
            await task
