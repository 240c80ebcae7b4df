"""Periodic work of the documents service, run in every process that serves it.

Each tick (a second after start, then every ``GONGKAI_DOCUMENTS_JOBS_INTERVAL_SECONDS``):

1. reads the holiday notices from the requests service (:mod:`services.documents.workdays`)
   and, when a year's schedule changed, recomputes the publication due dates it touches;
2. records the expiry (已失效) of every published document whose 有效期至 has passed: an
   event on the change feed and an outbox entry, so the search index's ``validity`` and the
   feeds follow.

Several processes may run it at once: each tick is one transaction in a write session
(SQLite: ``BEGIN IMMEDIATE``, so ticks run one after the other), the expiry pass holds a
PostgreSQL advisory lock and finds the work already done by another process, and a due date
that comes out the same is not written again.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

from fastapi import FastAPI

from services.common.db import Database
from services.documents.ledger import service as ledger
from services.documents.lifecycle import service as lifecycle
from services.documents.workdays import NoticeCalendar

logger = logging.getLogger("gongkai.documents.scheduler")
RETRY_SECONDS = 5.0
FIRST_ROUND_SECONDS = 1.0


@dataclass
class TickResult:
    expired: int
    recomputed: int


async def tick(database: Database, notices: NoticeCalendar) -> TickResult:
    """One round of the periodic work, in one transaction."""
    changed = await notices.refresh()
    async with database.write_sessions() as session:
        try:
            recomputed = 0
            if changed:
                recomputed = await ledger.recompute_due_dates(
                    session, calendar=notices.calendar, years=changed
                )
            expired = await lifecycle.record_expiries(session)
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    # Only now: a round that failed leaves the years to the next one.
    notices.settled(changed)
    if expired or recomputed:
        logger.info("documents jobs: %d expired, %d due dates recomputed", expired, recomputed)
    return TickResult(expired=expired, recomputed=recomputed)


@contextlib.asynccontextmanager
async def scheduler_lifespan(
    app: FastAPI, notices: NoticeCalendar, interval: float
) -> AsyncIterator[None]:
    """Run :func:`tick` a second after start and then every ``interval`` seconds (0: never)."""
    app.state.workdays = notices
    stop = asyncio.Event()

    async def loop() -> None:
        # The first round waits a moment: in one process the requests app is started after
        # this one, and asking it before would only fail.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=min(interval, FIRST_ROUND_SECONDS))
        while not stop.is_set():
            try:
                await tick(app.state.db, notices)
            except Exception:  # a failed round is retried at the next tick
                logger.exception("documents jobs failed")
            # Until the notices could be read (the requests service may start after us),
            # try again soon rather than count with the kernel's calendar for a whole interval.
            pending = notices.client is not None and not notices.refreshed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    stop.wait(), timeout=min(interval, RETRY_SECONDS) if pending else interval
                )

    task = asyncio.create_task(loop(), name="documents-jobs") if interval > 0 else None
    try:
        yield
    finally:
        stop.set()
        if task is not None:
            await task
