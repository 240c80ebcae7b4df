"""CPU time per request of each kind in the load mix, all-in-one, in this process.

The same data as ``benchmarks/load.py`` (migrate, demo data, N synthetic documents,
``gongkai reindex``; the directory is reused when given), then the all-in-one gateway
(gateway + the three services) built in this process and called through an httpx
``ASGITransport`` client, one request at a time. For each kind: ``time.process_time``
(every thread of this process: the search engine's worker threads count) over ``--requests``
requests after a warm-up, best of ``--rounds`` rounds, so the figure depends little on the
machine's load (wall-clock latencies here would mostly measure the other processes).
The client's own cost is included; ``/healthz`` shows what an empty request costs.
``--sql`` lists the statements each kind runs; ``--profile KIND`` runs cProfile over one kind
(``--thread-timer``: by the event loop thread's CPU time; SQLite runs in aiosqlite's thread).

    .venv/bin/python benchmarks/requests_cpu.py --docs 2000 --dir /var/tmp/gongkai-cpu
    .venv/bin/python benchmarks/requests_cpu.py --dir /var/tmp/gongkai-cpu --sql --kinds document
    .venv/bin/python benchmarks/requests_cpu.py --dir /var/tmp/gongkai-cpu --profile document \
        --thread-timer --sort tottime --only 'services/'
"""

import argparse
import asyncio
import collections
import cProfile
import datetime as dt
import os
import platform
import pstats
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    FACETS,
    Fixtures,
    benchmark_dir,
    prepare,
    public_document_ids,
    request_body,
)
from benchmarks.search import QUERIES  # noqa: E402
from gateway.app import create_app  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402

Call = tuple[str, str, dict[str, object] | None]  # method, path, JSON body


def kinds(fixtures: Fixtures, rng: random.Random) -> dict[str, Callable[[], Call]]:
    """One request of each kind of the mix (load.py's weights in the names' comments)."""
    docs, agencies = fixtures.document_ids, fixtures.agency_ids

    def faceted() -> Call:
        facets = "".join(f"&facet={f}" for f in FACETS)
        year = rng.randint(2010, 2025)
        path = f"/api/v1/documents/search?q={rng.choice(QUERIES)}&limit=10{facets}"
        if rng.random() < 0.5:
            return "GET", path + f"&in_force_on={year}-06-01&type=normative&type=rule", None
        return "GET", path + f"&date_from={year}-01-01&date_to={year}-12-31&sort=newest", None

    def track() -> Call:
        number, code = rng.choice(fixtures.tracked)
        return "GET", f"/api/v1/requests/track?number={number}&code={code}", None

    return {
        "healthz": lambda: ("GET", "/healthz", None),
        # 40%
        "search": lambda: (
            "GET",
            f"/api/v1/documents/search?q={rng.choice(QUERIES)}&limit=10",
            None,
        ),
        "search+facets": faceted,  # 10%
        "suggest": lambda: (  # 5%
            "GET",
            "/api/v1/documents/suggest?q="
            + rng.choice([q[:2] for q in QUERIES] + ["zwgk", "yfxz", "zcjd"]),
            None,
        ),
        "document": lambda: ("GET", f"/api/v1/documents/{rng.choice(docs)}", None),  # 25%
        "agency list": lambda: ("GET", "/api/v1/catalog/agencies?limit=20", None),  # 6%
        "agency": lambda: ("GET", f"/api/v1/catalog/agencies/{rng.choice(agencies)}", None),  # 6%
        "guide": lambda: (  # 3%
            "GET",
            f"/api/v1/catalog/agencies/{rng.choice(agencies)}/guide",
            None,
        ),
        "submit request": lambda: (  # 3%
            "POST",
            "/api/v1/requests",
            request_body(rng.choice(agencies), rng),
        ),
        "track request": track,  # 2%
    }


async def call(client: httpx.AsyncClient, fixtures: Fixtures, request: Call) -> None:
    method, path, body = request
    response = await client.request(method, path, json=body)
    if response.status_code >= 300:
        raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
    if path == "/api/v1/requests":
        receipt = response.json()
        fixtures.tracked.append((receipt["tracking_number"], receipt["query_code"]))


async def wait_ready(client: httpx.AsyncClient) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready = await client.get("/readyz")
        search = ready.json().get("checks", {}).get("documents", {}).get("checks", {})
        if ready.status_code == 200 and search.get("search", {}).get("lag") == 0:
            return
        await asyncio.sleep(0.5)
    raise SystemExit("the all-in-one app did not become ready")


async def measure(args: argparse.Namespace, data_dir: Path) -> None:
    gateway = create_app(GatewaySettings())
    transport = httpx.ASGITransport(app=gateway)
    async with (
        gateway.api.router.lifespan_context(gateway.api),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        await wait_ready(client)
        agencies = (await client.get("/api/v1/catalog/agencies?limit=100")).json()["items"]
        fixtures = Fixtures(public_document_ids(data_dir), [a["id"] for a in agencies], [])
        rng = random.Random(7)
        table = kinds(fixtures, rng)
        for _ in range(20):  # something to track
            await call(client, fixtures, table["submit request"]())
        chosen = (
            [args.profile] if args.profile else args.kinds.split(",") if args.kinds else list(table)
        )
        print(f"{'kind':16s} CPU ms per request (best of {args.rounds} × {args.requests})")
        for kind in chosen:
            next_call = table[kind]
            for _ in range(args.warmup):
                await call(client, fixtures, next_call())
            if args.sql:
                print(f"{kind}: statements per request, wall ms each")
                await statements(client, fixtures, next_call, args.requests)
                continue
            if args.profile:
                # This thread's CPU only: SQLite (aiosqlite) and the search engine run in others.
                profiler = cProfile.Profile(
                    time.thread_time if args.thread_timer else time.perf_counter
                )
                process, thread = time.process_time(), time.thread_time()
                profiler.enable()
                for _ in range(args.requests):
                    await call(client, fixtures, next_call())
                profiler.disable()
                process, thread = time.process_time() - process, time.thread_time() - thread
                print(
                    f"{kind}: CPU ms per request {process * 1000 / args.requests:.2f},"
                    f" of which this thread {thread * 1000 / args.requests:.2f}"
                )
                stats = pstats.Stats(profiler).sort_stats(args.sort)
                stats.print_stats(*([args.only] if args.only else []), args.lines)
                continue
            costs, own = [], []
            for _ in range(args.rounds):
                began, thread = time.process_time(), time.thread_time()
                for _ in range(args.requests):
                    await call(client, fixtures, next_call())
                costs.append((time.process_time() - began) * 1000 / args.requests)
                own.append((time.thread_time() - thread) * 1000 / args.requests)
            best = costs.index(min(costs))
            print(
                f"{kind:16s} {costs[best]:7.2f}  (event loop thread {own[best]:6.2f};"
                f" rounds {', '.join(f'{c:.2f}' for c in costs)})",
                flush=True,
            )


async def statements(
    client: httpx.AsyncClient, fixtures: Fixtures, next_call: Callable[[], Call], total: int
) -> None:
    """The SQL statements ``total`` requests run: count per request and wall ms per statement."""
    seen: collections.Counter[str] = collections.Counter()
    wall: collections.defaultdict[str, float] = collections.defaultdict(float)
    began: dict[int, float] = {}

    def before(conn: object, cursor: object, statement: str, *_: object) -> None:
        began[id(cursor)] = time.perf_counter()

    def after(conn: object, cursor: object, statement: str, *_: object) -> None:
        key = " ".join(statement.split())[:160]
        seen[key] += 1
        wall[key] += time.perf_counter() - began.pop(id(cursor), time.perf_counter())

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        for _ in range(total):
            await call(client, fixtures, next_call())
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)
    for key, count in seen.most_common():
        print(f"  {count / total:5.2f}/req {wall[key] * 1000 / count:7.2f} ms  {key}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--dir", type=Path, default=None, help="data directory (kept; reused)")
    parser.add_argument("--requests", type=int, default=200, help="requests per round and kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--kinds", default=None, help="only these kinds (comma-separated)")
    parser.add_argument("--profile", default=None, help="cProfile this kind instead")
    parser.add_argument("--sql", action="store_true", help="list the SQL each kind runs instead")
    parser.add_argument("--only", default=None, help="with --profile: functions matching this")
    parser.add_argument("--thread-timer", action="store_true", help="profile by thread CPU time")
    parser.add_argument("--sort", default="cumulative", help="pstats order with --profile")
    parser.add_argument("--lines", type=int, default=45, help="pstats lines with --profile")
    args = parser.parse_args()
    data_dir, env = benchmark_dir(args.dir, "gongkai-cpu-")
    print(
        f"# requests_cpu: {args.docs} documents, all-in-one in-process, {platform.machine()}"
        f" {os.cpu_count()} cores, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC,"
        f" load average {os.getloadavg()[0]:.1f}, data in {data_dir}",
        flush=True,
    )
    prepare(data_dir, args.docs, env)
    os.environ.clear()
    os.environ.update(env)
    asyncio.run(measure(args, data_dir))


if __name__ == "__main__":
    main()
