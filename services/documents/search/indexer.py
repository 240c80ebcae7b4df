"""Keeps the search index in step with the database by draining the outbox.

Every change to a document writes an outbox row in the same transaction. The indexer reads
the rows after the index's own position, loads those documents as they are now, and upserts
them with the entry's sequence as version (so a replay never puts an older state back), then
records the new position. A crash anywhere in between only means some entries are applied
again on restart: the index converges to the database.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import os
import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import anyio
from anyio import to_thread
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents import clock
from services.documents.outbox import repository as outbox
from services.documents.outbox.models import OutboxEntry
from services.documents.search.models import IndexedDocument
from services.documents.search.port import SearchIndex, SearchUnavailable
from services.documents.search.source import all_document_ids, load_documents

logger = logging.getLogger("gongkai.search.indexer")

SessionFactory = Callable[[], AsyncSession]
BATCH = 200
REBUILD_BATCH = 500
# Below this many documents, worker processes cost more to start than they save.
PARALLEL_FROM = 2_000
MAX_BACKOFF_SECONDS = 60.0


def _today() -> dt.date:
    # The day in China, as the lifecycle counts it: the expiry the scheduler records just
    # after Beijing midnight must not be indexed with yesterday's (UTC) validity.
    return clock.today()


@dataclass
class IndexerStatus:
    position: int
    head: int
    failures: int
    last_error: str | None
    reachable: bool = True  # False: the engine did not answer; position is the last known

    @property
    def lag(self) -> int:
        return max(self.head - self.position, 0)


class Indexer:
    """The one task that writes the index (per deployment)."""

    def __init__(
        self, index: SearchIndex, sessions: SessionFactory, *, poll_seconds: float = 0.5
    ) -> None:
        self.index = index
        self._sessions = sessions
        self._poll = poll_seconds
        self._lock = asyncio.Lock()
        self.failures = 0
        self.last_error: str | None = None
        self.last_position = 0  # as last read from (or written to) the index

    async def _head(self, session: AsyncSession) -> int:
        head = (await session.exec(select(func.max(OutboxEntry.sequence)))).one()
        return int(head or 0)

    async def drain_once(self, batch: int = BATCH) -> int:
        """Apply the next ``batch`` outbox entries; returns how many were read."""
        async with self._lock:
            position = await to_thread.run_sync(self.index.position)
            self.last_position = position
            async with self._sessions() as session:
                entries = await outbox.after(session, position, limit=batch)
                if not entries:
                    return 0
                last = int(entries[-1].sequence or position)
                # the newest entry of each document decides its version; loaded as it is now
                newest: dict[uuid.UUID, int] = {}
                for entry in entries:
                    if entry.entity == "document":
                        newest[entry.entity_id] = int(entry.sequence or 0)
                # one batch of queries for all of them (not one per version), then each
                # document gets its own version
                loaded = await load_documents(session, list(newest), version=1, today=_today())
                found: dict[uuid.UUID, IndexedDocument] = {
                    i: doc.model_copy(update={"version": newest[i]}) for i, doc in loaded.items()
                }
            gone = [(i, v) for i, v in newest.items() if i not in found]
            await to_thread.run_sync(self._apply, list(found.values()), gone, last)
            self.last_position = last
            return len(entries)

    def _apply(
        self, documents: list[IndexedDocument], gone: list[tuple[uuid.UUID, int]], last: int
    ) -> None:
        if documents:
            self.index.upsert(documents)
        for document_id, version in gone:
            self.index.delete(document_id, version)
        self.index.set_position(last)

    async def catch_up(self) -> int:
        """Drain until the outbox holds nothing new; returns entries applied."""
        total = 0
        while read := await self.drain_once():
            total += read
        return total

    async def run(self, stop: asyncio.Event) -> None:
        """Drain forever; on failure retry with exponential backoff (0.5 s … 60 s)."""
        delay = self._poll
        fresh = True
        while not stop.is_set():
            try:
                if fresh:
                    await self._rebuild_if_empty()
                    fresh = False
                read = await self.drain_once()
                self.failures, self.last_error = 0, None
                delay = self._poll
                if read:
                    continue
            except Exception as exc:  # any failure: log, back off, retry
                self.failures += 1
                self.last_error = type(exc).__name__
                delay = min(max(delay, self._poll) * 2, MAX_BACKOFF_SECONDS)
                logger.warning(
                    "search indexer failed (%s); retrying in %.1f s", type(exc).__name__, delay
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)

    async def _rebuild_if_empty(self) -> None:
        """A new index, or one whose files were dropped for a new schema (no position, no
        documents), while the database has changes: rebuilt from the database in bulk, not
        by replaying the whole outbox one batch at a time."""
        if await to_thread.run_sync(self.index.position):
            return
        async with self._sessions() as session:
            head = await self._head(session)
        if head and not await to_thread.run_sync(self.index.count):
            logger.info("search index empty with outbox at %d: rebuilding from the database", head)
            await self.rebuild()

    async def status(self) -> IndexerStatus:
        """Where the index stands against the outbox; with the engine unreachable, the lag
        is counted from the last position it reported."""
        reachable = True
        try:
            position = await to_thread.run_sync(self.index.position)
            self.last_position = position
        except SearchUnavailable:
            position, reachable = self.last_position, False
        async with self._sessions() as session:
            head = await self._head(session)
        return IndexerStatus(position, head, self.failures, self.last_error, reachable)

    async def rebuild(self, *, workers: int | None = None) -> int:
        """Rebuild the whole index from the database (``gongkai reindex``).

        The database is read in batches while the index analyses and writes the previous
        ones (a bounded queue between them); from ``PARALLEL_FROM`` documents on, the text
        analysis runs in one worker process per core (``workers`` overrides).
        """
        async with self._lock:
            async with self._sessions() as session:
                head = await self._head(session)
                ids = await all_document_ids(session)
            if workers is None:
                workers = (os.cpu_count() or 1) if len(ids) >= PARALLEL_FROM else 1
            await to_thread.run_sync(self.index.clear)
            batches: queue.Queue[list[IndexedDocument] | None] = queue.Queue(maxsize=2)
            stopped = threading.Event()  # the writer gave up: read no further

            def documents() -> Iterator[IndexedDocument]:
                while (batch := batches.get()) is not None:
                    yield from batch

            def write() -> int:
                try:
                    return self.index.bulk_load(documents(), workers=workers)
                finally:
                    stopped.set()
                    with contextlib.suppress(queue.Empty):
                        while True:  # unblock a reader waiting to hand over a batch
                            batches.get_nowait()

            async def read() -> None:
                try:
                    for start in range(0, len(ids), REBUILD_BATCH):
                        if stopped.is_set():
                            return
                        async with self._sessions() as session:
                            chunk = await load_documents(
                                session,
                                ids[start : start + REBUILD_BATCH],
                                version=max(head, 1),  # rows written without an outbox entry
                                today=_today(),
                            )
                        await to_thread.run_sync(batches.put, list(chunk.values()))
                finally:
                    if not stopped.is_set():
                        await to_thread.run_sync(batches.put, None)

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(read)
                count = await to_thread.run_sync(write)
            # entries after ``head`` (written during the rebuild) are drained as usual
            await to_thread.run_sync(self.index.set_position, head)
            return count
