"""Change feed: the cost the feed adds to every write, and a full sync of the document feed.

Seeds N corpus documents (``benchmarks/seed.py``; 8% not public), then writes one outbox
entry per document through ``outbox.append`` (which records the feed event in the same
transaction, what every real change does), and finally reads the whole feed the way an
integrator does, page after page of 200 events (each with the document's full public read),
serialised to JSON. Prints ms per write and events/s of the sync.
"""

import argparse
import asyncio
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.seed import seed_documents
from services.common.db import Database
from services.common.migrations import upgrade
from services.documents.feed import projection
from services.documents.feed import service as feed
from services.documents.feed.models import Stream
from services.documents.outbox import repository as outbox
from services.documents.records.models import Document

WRITE_BATCH = 200


def cpu_seconds() -> float:
    """This process's CPU time: the figure a loaded, shared machine does not distort."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


PAGE = 200


async def write_events(url: str) -> tuple[int, float]:
    database = Database(url)
    try:
        async with database.sessions() as session:
            ids = list(await session.exec(select(Document.id)))
        start = time.perf_counter()
        for first in range(0, len(ids), WRITE_BATCH):
            async with database.write_sessions() as session:
                for document_id in ids[first : first + WRITE_BATCH]:
                    await outbox.append(
                        session, entity="document", entity_id=document_id, kind="created"
                    )
                await session.commit()
        return len(ids), time.perf_counter() - start
    finally:
        await database.dispose()


async def sync(url: str) -> tuple[int, int, float]:
    database = Database(url)
    events = size = 0
    position = 0
    start = time.perf_counter()
    try:
        while True:
            async with database.sessions() as session:
                reader = feed.reader(Stream.DOCUMENT, feed.Filters())
                found = await reader.page(session, after=position, limit=PAGE)
            position = found.last_sequence
            body = orjson.dumps([i.model_dump(mode="json") for i in found.items])
            events, size = events + len(found.items), size + len(body)
            if not found.more:
                break
        return events, size, time.perf_counter() - start
    finally:
        await database.dispose()


async def run(url: str, docs: int) -> None:
    await upgrade("documents", url)
    await seed_documents(url, docs)
    cpu = cpu_seconds()
    written, seconds = await write_events(url)
    cpu = cpu_seconds() - cpu
    print(
        f"writes: {written} outbox entries with their feed events in {seconds:.1f} s"
        f" = {seconds / written * 1000:.2f} ms per write, {cpu / written * 1000:.2f} CPU-ms",
        flush=True,
    )
    cpu = cpu_seconds()
    events, size, seconds = await sync(url)
    cpu = cpu_seconds() - cpu
    print(
        f"sync: {events} public events ({size / 1e6:.0f} MB of JSON) in {seconds:.1f} s"
        f" = {events / seconds:,.0f} events/s, {cpu / events * 1000:.2f} CPU-ms per event",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2_000, help="corpus size (default 2000)")
    parser.add_argument("--database-url", default=None, help="an empty database; default SQLite")
    parser.add_argument(
        "--without-feed",
        action="store_true",
        help="outbox only (the feed's cost is the difference)",
    )
    args = parser.parse_args()
    if args.without_feed:

        async def nothing(*_: object) -> list[tuple[str, uuid.UUID]]:
            return []

        projection.record = nothing  # type: ignore[assignment]
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'documents.db'}"
    print(
        f"# feed of {args.docs} documents, {platform.machine()}, load {os.getloadavg()[0]:.1f},"
        f" {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    asyncio.run(run(url, args.docs))


if __name__ == "__main__":
    main()
