"""``gongkai reindex`` throughput: N documents in the documents database, rebuilt into the index.

Seeds a migrated documents database with the synthetic corpus (``benchmarks/seed.py``;
skipped when ``--dir`` already holds one of that size), then runs the same code as
``gongkai reindex`` (``rebuild_from_settings``: read the database in batches, analyse in
worker processes, write tantivy) and prints documents per second, CPU per document (this
process and its workers: a figure the machine's other load distorts less) and peak memory.

    .venv/bin/python benchmarks/reindex.py [--docs 100000] [--dir DIR] [--workers N]
        [--database-url postgresql://...] [--profile]
"""

import argparse
import asyncio
import cProfile
import datetime as dt
import multiprocessing
import platform
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.seed import seed_documents
from services.common.db import Database
from services.common.migrations import upgrade
from services.common.settings import normalise_database_url
from services.documents.search.config import open_search_index
from services.documents.search.indexer import Indexer
from services.documents.settings import DocumentsSettings


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


async def document_count(url: str) -> int:
    engine = create_async_engine(normalise_database_url(url))
    try:
        async with engine.connect() as connection:
            result = await connection.execute(sa.text("SELECT count(*) FROM document"))
            return int(result.one()[0])
    finally:
        await engine.dispose()


async def prepare(url: str, docs: int) -> None:
    await upgrade("documents", url)
    present = await document_count(url)
    if present >= docs:
        print(f"database already holds {present} documents: not seeding", flush=True)
        return
    if present:
        raise SystemExit(f"数据库中已有 {present} 份文件，少于 --docs {docs}：请换一个空目录")
    start = time.perf_counter()
    await seed_documents(url, docs)
    print(f"seeded {docs} documents in {time.perf_counter() - start:.1f} s", flush=True)


async def rebuild(settings: DocumentsSettings, workers: int | None) -> int:
    """What ``rebuild_from_settings`` does, with the worker count exposed."""
    index = open_search_index(settings, settings.data_dir, writable=True)
    database = Database(settings.database_url)
    try:
        return await Indexer(index, database.sessions).rebuild(workers=workers)
    finally:
        await database.dispose()
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--dir", type=Path, default=None, help="data directory (kept; reused)")
    parser.add_argument("--database-url", default=None, help="default: SQLite under --dir")
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--profile", action="store_true", help="cProfile the main process")
    args = parser.parse_args()
    data_dir = Path(args.dir or tempfile.mkdtemp(prefix="gongkai-reindex-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = DocumentsSettings(data_dir=data_dir, documents_database_url=args.database_url)
    print(
        f"# reindex of {args.docs} documents, {platform.machine()} {multiprocessing.cpu_count()}"
        f" cores, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, data in {data_dir}",
        flush=True,
    )
    asyncio.run(prepare(settings.database_url, args.docs))
    cpu, start = cpu_seconds(), time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    count = asyncio.run(rebuild(settings, args.workers))
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"reindex: {count} documents in {seconds:.1f} s = {count / seconds:,.0f} docs/s,"
        f" {cpu / count * 1000:.2f} CPU-ms/doc (incl. workers), max RSS {rss:.0f} MB",
        flush=True,
    )
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


if __name__ == "__main__":
    main()
