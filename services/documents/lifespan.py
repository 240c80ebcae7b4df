"""The documents app's background parts: the search index and its indexer, the webhook worker."""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from services.documents.search.lifespan import search_lifespan
from services.documents.webhooks.lifespan import webhooks_lifespan


@contextlib.asynccontextmanager
async def documents_lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with search_lifespan(app), webhooks_lifespan(app):
        yield
