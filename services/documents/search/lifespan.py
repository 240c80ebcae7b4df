"""Opening the search index with the documents app, and running its indexer."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from fastapi import FastAPI

from services.documents.search.analysis import AgencyAliases
from services.documents.search.config import SearchBackend, SearchOptions, open_search_index
from services.documents.search.indexer import Indexer
from services.documents.search.port import SearchIndex
from services.documents.search.tantivy_index import SearchWriterBusy

logger = logging.getLogger("gongkai.search")
ALIAS_PAGES = 50
ALIAS_REFRESH_SECONDS = 300.0


async def agency_aliases(app: FastAPI) -> AgencyAliases:
    """Names, short names and aliases of every agency, from the catalog (best effort: search
    works without them, only 市府办 ↔ 市人民政府办公室 expansion is missing)."""
    catalog = app.state.peers.get("catalog")
    if catalog is None:
        return AgencyAliases()
    groups: list[list[str]] = []
    cursor: str | None = None
    try:
        for _ in range(ALIAS_PAGES):
            params: dict[str, Any] = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            response = await asyncio.wait_for(
                catalog.get("/api/v1/catalog/agencies", params=params), timeout=5
            )
            if not response.ok:
                break
            for agency in response.body.get("items", []):
                names = [agency.get("name"), agency.get("short_name"), *agency.get("aliases", [])]
                groups.append([n for n in names if n])
            cursor = response.body.get("next_cursor")
            if not cursor:
                break
    except Exception as exc:  # the catalog may start after us; aliases are an extra
        logger.warning("agency aliases not loaded: %s", type(exc).__name__)
    return AgencyAliases.of(groups)


def _open(options: SearchOptions, app: FastAPI, aliases: AgencyAliases) -> tuple[SearchIndex, bool]:
    data_dir = app.state.settings.data_dir
    if options.search_backend is SearchBackend.MEILISEARCH:
        return open_search_index(options, data_dir, aliases=aliases), True
    try:
        return open_search_index(options, data_dir, aliases=aliases, writable=True), True
    except SearchWriterBusy:
        logger.info("another process writes the search index; this one only reads")
        return open_search_index(options, data_dir, aliases=aliases), False


@contextlib.asynccontextmanager
async def search_lifespan(app: FastAPI) -> AsyncIterator[None]:
    options: SearchOptions = app.state.settings
    aliases = await agency_aliases(app)
    index, writer = await to_thread.run_sync(_open, options, app, aliases)
    app.state.search_index = index
    indexer: Indexer | None = None
    stop = asyncio.Event()
    task: asyncio.Task[None] | None = None
    if writer and options.search_indexer:
        indexer = Indexer(index, app.state.db.sessions)
        task = asyncio.create_task(indexer.run(stop), name="search-indexer")
    app.state.search_indexer = indexer

    async def readiness() -> dict[str, Any]:
        details: dict[str, Any] = {"backend": options.search_backend.value, "indexer": bool(task)}
        if indexer is not None:
            status = await indexer.status()
            details.update(
                position=status.position,
                head=status.head,
                lag=status.lag,
                failures=status.failures,
            )
            if not status.reachable:
                # Still ready: reads and writes work, changes wait in the outbox.
                details.update(status="degraded", reachable=False, last_error=status.last_error)
        else:
            details["documents"] = await to_thread.run_sync(index.count)
        return details

    app.state.readiness_checks["search"] = readiness

    async def refresh_aliases() -> None:
        """Agencies registered later get their aliases too (every few minutes)."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=ALIAS_REFRESH_SECONDS)
            if stop.is_set():
                return
            fresh = await agency_aliases(app)
            if fresh.groups:
                await to_thread.run_sync(index.set_aliases, fresh)

    refresher = asyncio.create_task(refresh_aliases(), name="search-aliases")
    try:
        yield
    finally:
        stop.set()
        await refresher
        if task is not None:
            await task
        await to_thread.run_sync(index.close)
