"""Load through the gateway: a realistic mix at a fixed rate, all-in-one mode, N documents.

Prepares a data directory (migrate, demo data, N synthetic ~13 KB documents written into
the documents database, ``gongkai reindex``: its throughput is printed), starts
``gongkai serve`` (uvicorn, one process: the gateway with the three services in-process)
and drives it from this process with aiohttp, open loop: request i is sent at
start + i / rate whatever the server's state, and its latency counts from that moment, so
a server that falls behind shows it (no coordinated omission). The mix:

- 80% public search and document reads: 40% search, 10% search with filters and five
  facets, 5% suggestions, 25% a document by id;
- 15% catalog reads: the agency list, one agency, its 政府信息公开指南;
- 5% requests: 3% submissions (anonymous 依申请公开 requests) and 2% tracking.

For each rate: throughput, p50 / p95 / p99, errors (any non-2xx or failed connection).
With several ``--rates`` it stops at the first rate that misses p99 < ``--p99`` ms or has
errors, and reports the largest rate that met it. Then searches per second through the
gateway, closed loop (``--search-clients`` clients, each sending its next search as soon as
the previous one answers).

    .venv/bin/python benchmarks/load.py --docs 100000 --rates 100,200,300,400,500 \\
        --duration 300 --dir /var/tmp/gongkai-load   # the real run (idle machine)
    .venv/bin/python benchmarks/load.py --docs 5000 --rates 50,100 --duration 20   # smoke

The data directory is reused when given (seeding 100,000 documents takes a while).
"""

import argparse
import asyncio
import dataclasses
import datetime as dt
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.search import QUERIES  # noqa: E402
from benchmarks.seed import seed_documents  # noqa: E402
from services.common.identifiers import id_card_check_char  # noqa: E402

ENV_LIMITS = {
    "GONGKAI_RATE_LIMIT_USER": "100000000/minute",
    "GONGKAI_RATE_LIMIT_ANONYMOUS": "100000000/minute",
}
FACETS = ("agency", "year", "doc_type", "category", "validity")
ID_NUMBER = "31010119900101123" + id_card_check_char("31010119900101123")


def benchmark_dir(given: Path | str | None, prefix: str) -> tuple[Path, dict[str, str]]:
    """The data directory (made when not given) and the environment of a benchmark server:
    none of the caller's GONGKAI_* settings, and rate limits out of the way."""
    data_dir = Path(given or tempfile.mkdtemp(prefix=prefix)).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")},
        **ENV_LIMITS,
        "GONGKAI_DATA_DIR": str(data_dir),
        "GONGKAI_LOG_LEVEL": "WARNING",
    }
    return data_dir, env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gongkai(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "gongkai", *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def public_document_ids(data_dir: Path, limit: int = 20_000) -> list[str]:
    with sqlite3.connect(data_dir / "documents.db") as db:
        rows = db.execute(
            "SELECT id FROM document WHERE status = 'published' AND disclosure = 'public' "
            "ORDER BY random() LIMIT ?",
            (limit,),
        ).fetchall()
    return [str(uuid.UUID(hex=str(r[0]).replace("-", ""))) for r in rows]


def benchmark_documents(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "documents.db") as db:
        row = db.execute("SELECT count(*) FROM document WHERE index_number LIKE 'BENCH-%'")
        return int(row.fetchone()[0])


def prepare(data_dir: Path, docs: int, env: dict[str, str]) -> None:
    gongkai(env, "migrate")
    gongkai(env, "demo")
    present = benchmark_documents(data_dir)
    if present >= docs:
        print(f"data directory holds {present} benchmark documents: reused", flush=True)
        return
    if present:
        raise SystemExit(
            f"{data_dir} 中已有 {present} 份基准文件，少于 --docs {docs}：请换一个目录"
        )
    began = time.perf_counter()
    url = f"sqlite+aiosqlite:///{(data_dir / 'documents.db').as_posix()}"
    asyncio.run(seed_documents(url, docs))
    print(f"seeded {docs} documents in {time.perf_counter() - began:.0f} s", flush=True)
    began = time.perf_counter()
    summary = gongkai(env, "reindex")
    seconds = time.perf_counter() - began
    print(
        f"gongkai reindex: {summary} in {seconds:.0f} s = {docs / seconds:,.0f} docs/s"
        " (process start and database reads included)",
        flush=True,
    )


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gongkai", "serve", "--port", str(port)],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gongkai serve exited ({process.returncode}); see {log}")
        try:
            ready = httpx.get(f"{base}/readyz", timeout=5)
            documents = ready.json().get("checks", {}).get("documents", {})
            search = documents.get("checks", {}).get("search", {})
            if ready.status_code == 200 and search.get("lag") == 0:
                return process
        except (httpx.TransportError, ValueError):
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gongkai serve did not become ready")


@dataclasses.dataclass
class Fixtures:
    document_ids: list[str]
    agency_ids: list[str]
    tracked: list[tuple[str, str]]  # (tracking number, query code) of submitted requests


Request = tuple[str, str, str, dict[str, Any] | None]  # kind, method, path, JSON body


def request_body(agency_id: str, rng: random.Random) -> dict[str, Any]:
    return {
        "agency_id": agency_id,
        "applicant": {
            "kind": "natural_person",
            "name": "压测申请人",
            "id_type": "resident_id",
            "id_number": ID_NUMBER,
            "phone": "13812345678",
            "address": "上海市黄浦区人民大道 200 号",
            "postcode": "200003",
        },
        "title": f"压测：{rng.choice(QUERIES)} 相关文件",
        "description": "请公开与上述事项有关的政府信息（负载测试生成）。",
        "delivery_form": "electronic",
        "delivery_way": "email",
    }


def mix(fixtures: Fixtures, rng: random.Random) -> Callable[[], Request]:
    """The next request of the mix (weights in per cent)."""
    docs, agencies = fixtures.document_ids, fixtures.agency_ids

    def search() -> Request:
        return "search", "GET", f"/api/v1/documents/search?q={rng.choice(QUERIES)}&limit=10", None

    def faceted() -> Request:
        facets = "".join(f"&facet={f}" for f in FACETS)
        year = rng.randint(2010, 2025)
        path = f"/api/v1/documents/search?q={rng.choice(QUERIES)}&limit=10{facets}"
        if rng.random() < 0.5:
            path += f"&in_force_on={year}-06-01&type=normative&type=rule"
        else:
            path += f"&date_from={year}-01-01&date_to={year}-12-31&sort=newest"
        return "search+facets", "GET", path, None

    def suggest() -> Request:
        prefix = rng.choice([q[:2] for q in QUERIES] + ["zwgk", "yfxz", "zcjd"])
        return "suggest", "GET", f"/api/v1/documents/suggest?q={prefix}", None

    def document() -> Request:
        return "document", "GET", f"/api/v1/documents/{rng.choice(docs)}", None

    def catalog() -> Request:
        roll = rng.random()
        if roll < 0.4:
            return "catalog", "GET", "/api/v1/catalog/agencies?limit=20", None
        agency = rng.choice(agencies)
        if roll < 0.8:
            return "catalog", "GET", f"/api/v1/catalog/agencies/{agency}", None
        return "catalog", "GET", f"/api/v1/catalog/agencies/{agency}/guide", None

    def submit() -> Request:
        body = request_body(rng.choice(agencies), rng)
        return "submit request", "POST", "/api/v1/requests", body

    def track() -> Request:
        if not fixtures.tracked:
            return submit()
        number, code = rng.choice(fixtures.tracked)
        return "track request", "GET", f"/api/v1/requests/track?number={number}&code={code}", None

    table = [
        (40, search),
        (10, faceted),
        (5, suggest),
        (25, document),
        (15, catalog),
        (3, submit),
        (2, track),
    ]
    kinds = [k for _, k in table]
    weights = [w for w, _ in table]

    def pick() -> Request:
        return rng.choices(kinds, weights)[0]()

    return pick


@dataclasses.dataclass
class Outcome:
    kind: str
    latency_ms: float
    status: int  # 0: the connection failed


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": q[49], "p95": q[94], "p99": q[98]}


async def send(
    session: aiohttp.ClientSession, base: str, request: Request, fixtures: Fixtures
) -> int:
    kind, method, path, body = request
    try:
        async with session.request(method, base + path, json=body) as response:
            payload = await response.read()
            if kind == "submit request" and response.status == 201:
                receipt = orjson.loads(payload)
                fixtures.tracked.append((receipt["tracking_number"], receipt["query_code"]))
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return 0


async def fixed_rate(
    base: str, fixtures: Fixtures, rate: float, duration: float, seed: int
) -> tuple[list[Outcome], float]:
    """Open loop: request i leaves at start + i / rate; latency counts from that moment."""
    rng = random.Random(seed)
    next_request = mix(fixtures, rng)
    outcomes: list[Outcome] = []
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=1000)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.1
        total = int(rate * duration)
        tasks = []

        async def one(at: float, request: Request) -> None:
            status = await send(session, base, request, fixtures)
            outcomes.append(Outcome(request[0], (loop.time() - at) * 1000, status))

        for i in range(total):
            at = start + i / rate
            delay = at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(at, next_request())))
        await asyncio.gather(*tasks)
        elapsed = loop.time() - start
    return outcomes, elapsed


def report(rate: float, outcomes: list[Outcome], elapsed: float) -> dict[str, Any]:
    ok = [o for o in outcomes if 200 <= o.status < 300]
    errors = Counter(o.status for o in outcomes if not 200 <= o.status < 300)
    overall = percentiles([o.latency_ms for o in outcomes])
    print(
        f"rate {rate:6.0f}/s: {len(outcomes) / elapsed:7.1f} req/s done, "
        f"p50 {overall['p50']:6.1f}  p95 {overall['p95']:6.1f}  p99 {overall['p99']:7.1f} ms, "
        f"errors {sum(errors.values())}" + (f" {dict(errors)}" if errors else ""),
        flush=True,
    )
    by_kind: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        by_kind[o.kind].append(o.latency_ms)
    for kind, values in sorted(by_kind.items()):
        p = percentiles(values)
        print(
            f"    {kind:15s} n={len(values):6d}  p50 {p['p50']:6.1f}  p95 {p['p95']:6.1f}"
            f"  p99 {p['p99']:7.1f} ms",
            flush=True,
        )
    return {"rate": rate, "ok": len(ok), "errors": sum(errors.values()), **overall}


async def closed_loop_searches(base: str, clients: int, duration: float) -> None:
    """Searches per second: ``clients`` clients, each searching again as soon as answered."""
    rng = random.Random(9)
    latencies: list[float] = []
    failures = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=clients)) as session:
        loop = asyncio.get_running_loop()
        end = loop.time() + duration

        async def client() -> None:
            nonlocal failures
            while loop.time() < end:
                began = loop.time()
                path = f"/api/v1/documents/search?q={rng.choice(QUERIES)}&limit=10"
                async with session.get(base + path) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append((loop.time() - began) * 1000)

        began = loop.time()
        await asyncio.gather(*(client() for _ in range(clients)))
        elapsed = loop.time() - began
    p = percentiles(latencies)
    print(
        f"searches through the gateway, {clients} clients: {len(latencies) / elapsed:,.0f}/s, "
        f"p50 {p['p50']:.1f}  p95 {p['p95']:.1f}  p99 {p['p99']:.1f} ms, errors {failures}",
        flush=True,
    )


def fixtures_from(base: str, data_dir: Path) -> Fixtures:
    agencies = httpx.get(f"{base}/api/v1/catalog/agencies?limit=100", timeout=30).json()["items"]
    return Fixtures(
        document_ids=public_document_ids(data_dir),
        agency_ids=[a["id"] for a in agencies],
        tracked=[],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000, help="corpus size (default 100000)")
    parser.add_argument("--rates", default="100,200,300,400,500", help="requests/s to try")
    parser.add_argument("--duration", type=float, default=300, help="seconds per rate")
    parser.add_argument("--p99", type=float, default=100.0, help="p99 target in ms")
    parser.add_argument("--search-clients", type=int, default=8)
    parser.add_argument("--search-seconds", type=float, default=30)
    parser.add_argument("--dir", type=Path, default=None, help="data directory (kept; reused)")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()
    data_dir, env = benchmark_dir(args.dir, "gongkai-load-")
    print(
        f"# load: {args.docs} documents, all-in-one, {platform.machine()} {os.cpu_count()} cores,"
        f" {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, data in {data_dir}",
        flush=True,
    )
    prepare(data_dir, args.docs, env)
    port = args.port or free_port()
    server = start_server(env, port, data_dir / "server.log")
    base = f"http://127.0.0.1:{port}"
    try:
        fixtures = fixtures_from(base, data_dir)
        asyncio.run(fixed_rate(base, fixtures, 20, 3, seed=0))  # warm up
        results = []
        for rate in (float(r) for r in args.rates.split(",")):
            outcomes, elapsed = asyncio.run(
                fixed_rate(base, fixtures, rate, args.duration, seed=int(rate))
            )
            result = report(rate, outcomes, elapsed)
            results.append(result)
            if result["errors"] or result["p99"] >= args.p99:
                break
        met = [r for r in results if not r["errors"] and r["p99"] < args.p99]
        if met:
            best = met[-1]["rate"]
            print(f"largest rate meeting p99 < {args.p99:.0f} ms with no errors: {best:.0f}/s")
        else:
            print(f"no rate tried met p99 < {args.p99:.0f} ms with no errors")
        asyncio.run(closed_loop_searches(base, args.search_clients, args.search_seconds))
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
