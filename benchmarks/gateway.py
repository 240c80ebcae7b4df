"""What the gateway costs: requests per second and added latency (p50, p99) with token
verification and rate limits on, against calling the service directly, in both run modes.

In-process: the catalog app called as an ASGI app, directly and through the all-in-one
gateway (which verifies the caller for its rate-limit key, counts it, and applies the edge;
the service verifies the token itself in both cases). Distributed: the catalog service and
the gateway as separate uvicorn processes on loopback, called over HTTP with keep-alive.

    .venv/bin/python benchmarks/gateway.py [--requests 3000] [--concurrency 16]
"""

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.app import create_app  # noqa: E402
from gateway.services import service_settings  # noqa: E402
from gateway.settings import GatewaySettings  # noqa: E402
from services.common.migrations import upgrade  # noqa: E402

PATH = "/api/v1/catalog"
ISSUER = "http://127.0.0.1:8000"
LIMITS = {
    "GONGKAI_RATE_LIMIT_USER": "1000000/minute",
    "GONGKAI_RATE_LIMIT_ANONYMOUS": "1000000/minute",
}


def token_for(data_dir: Path) -> str:
    key = RSAKey.generate_key(2048, parameters={"kid": "bench", "use": "sig", "alg": "RS256"})
    (data_dir / "keys").mkdir(parents=True, exist_ok=True)
    (data_dir / "keys" / "jwks.json").write_text(json.dumps(KeySet([key]).as_dict(private=False)))
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": "bench-user",
        "aud": ["gongkai:catalog", "gongkai:documents", "gongkai:requests"],
        "iat": now,
        "exp": now + 3600,
        "jti": uuid.uuid4().hex,
        "client_id": "bench",
        "scope": "catalog:read",
        "roles": ["editor"],
    }
    return jwt.encode({"alg": "RS256", "typ": "at+jwt", "kid": "bench"}, claims, key)


def summary(name: str, latencies: list[float], elapsed: float) -> dict[str, float]:
    q = statistics.quantiles(latencies, n=100)
    row = {"rps": len(latencies) / elapsed, "p50": q[49], "p99": q[98]}
    print(
        f"{name:28} {row['rps']:8.0f} req/s   p50 {row['p50']:7.3f} ms   p99 {row['p99']:7.3f} ms"
    )
    return row


# --- in-process ---------------------------------------------------------------------------


async def asgi_get(app: Callable[..., Awaitable[None]], headers: list[tuple[bytes, bytes]]) -> int:
    status = 0

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])  # type: ignore[call-overload]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    await app(scope, receive, send)
    return status


async def in_process(total: int) -> dict[str, dict[str, float]]:
    data_dir = Path(tempfile.mkdtemp())
    token = token_for(data_dir)
    for key, value in {**LIMITS, "GONGKAI_DATA_DIR": str(data_dir)}.items():
        os.environ[key] = value
    settings = service_settings()
    for name, service in settings.items():
        await upgrade(name, service.database_url)
    gateway = create_app(GatewaySettings(), settings)
    catalog = gateway.api.state.upstreams["catalog"].app
    headers = [(b"host", b"bench"), (b"authorization", f"Bearer {token}".encode())]
    results = {}
    async with gateway.api.router.lifespan_context(gateway.api):
        for name, app in (
            ("in-process: service directly", catalog),
            ("in-process: via gateway", gateway),
        ):
            for _ in range(300):
                assert await asgi_get(app, headers) == 200
            latencies = []
            began = time.perf_counter()
            for _ in range(total):
                start = time.perf_counter()
                await asgi_get(app, headers)
                latencies.append((time.perf_counter() - start) * 1000)
            results[name] = summary(name, latencies, time.perf_counter() - began)
    return results


async def own_cost(total: int) -> float:
    """CPU time per request of the gateway's own code (edge, token cache, rate limit, request
    id, metrics, log) with every service replaced by a stub that answers at once. Measured
    with ``time.process_time`` in this process, so it does not depend on the machine's load
    as much as the latencies do; minimum of three rounds, the stub's own cost subtracted."""
    data_dir = Path(tempfile.mkdtemp())
    token = token_for(data_dir)
    for key, value in {**LIMITS, "GONGKAI_DATA_DIR": str(data_dir)}.items():
        os.environ[key] = value
    settings = service_settings()
    for name, service in settings.items():
        await upgrade(name, service.database_url)
    gateway = create_app(GatewaySettings(), settings)
    body = b'{"service":"catalog"}'

    async def stub(scope: dict, receive: Callable, send: Callable) -> None:  # type: ignore[type-arg]
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})

    headers = [
        (b"host", b"bench"),
        (b"user-agent", b"bench/1.0"),
        (b"accept", b"*/*"),
        (b"authorization", f"Bearer {token}".encode()),
    ]
    costs: dict[str, list[float]] = {"stub": [], "gateway": []}
    async with gateway.api.router.lifespan_context(gateway.api):
        gateway.routes = [(prefix, stub) for prefix, _ in gateway.routes]  # type: ignore[misc]
        for _ in range(3):
            for name, app in (("stub", stub), ("gateway", gateway)):
                for _ in range(200):
                    await asgi_get(app, headers)
                began = time.process_time()
                for _ in range(total):
                    await asgi_get(app, headers)
                costs[name].append((time.process_time() - began) / total * 1000)
    cost = min(costs["gateway"]) - min(costs["stub"])
    print(f"gateway's own code (stub services): {cost * 1000:.0f} µs CPU per request")
    return cost


# --- distributed --------------------------------------------------------------------------


def bare_proxy_app(upstream: str) -> Callable[..., Awaitable[None]]:
    """The baseline hop: uvicorn plus a pooled aiohttp client streaming to the service, and
    nothing else (no edge, limits, token check, request id, log or metrics). The gateway's
    own overhead is what it adds on top of this, measured in the same run."""
    state: dict[str, aiohttp.ClientSession] = {}

    async def app(scope: dict, receive: Callable, send: Callable) -> None:  # type: ignore[type-arg]
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    state["session"] = aiohttp.ClientSession(
                        connector=aiohttp.TCPConnector(limit=100, keepalive_timeout=60),
                        auto_decompress=False,
                        cookie_jar=aiohttp.DummyCookieJar(),
                    )
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await state["session"].close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        headers = [(k.decode(), v.decode()) for k, v in scope["headers"] if k != b"host"]
        async with state["session"].get(upstream + scope["path"], headers=headers) as response:
            await send(
                {
                    "type": "http.response.start",
                    "status": response.status,
                    "headers": [
                        (k.lower(), v)
                        for k, v in response.raw_headers
                        if k.lower() not in {b"connection", b"keep-alive", b"transfer-encoding"}
                    ],
                }
            )
            async for chunk in response.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(
    args: list[str], env: dict[str, str], url: str, module: str = "gongkai"
) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, *(["-m", module] if module else []), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return process
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.terminate()
    raise RuntimeError(f"{args} did not start")


async def http_run(
    url: str, token: str, total: int, concurrency: int, pids: tuple[int, ...] = ()
) -> tuple[list[float], float, list[float]]:
    """Latencies (ms) and wall time of ``total`` GETs after a warm-up, and the CPU seconds
    each process in ``pids`` used for them (warm-up excluded)."""
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def get() -> None:
            async with session.get(url, headers=headers) as response:
                await response.read()
                assert response.status == 200, response.status

        for _ in range(50):
            await get()

        async def worker(count: int) -> None:
            for _ in range(count):
                start = time.perf_counter()
                await get()
                latencies.append((time.perf_counter() - start) * 1000)

        cpu_before = [cpu_seconds(pid) for pid in pids]
        began = time.perf_counter()
        await asyncio.gather(*(worker(total // concurrency) for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
        used = [cpu_seconds(pid) - b for pid, b in zip(pids, cpu_before, strict=True)]
        return latencies, elapsed, used


def distributed(total: int, concurrency: int, rounds: int = 5) -> dict[str, dict[str, float]]:
    data_dir = Path(tempfile.mkdtemp())
    token = token_for(data_dir)
    catalog_port, gateway_port, bare_port = free_port(), free_port(), free_port()
    dead = f"http://127.0.0.1:{free_port()}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")},
        **LIMITS,
        "GONGKAI_DATA_DIR": str(data_dir),
        "GONGKAI_LOG_LEVEL": "WARNING",
        "GONGKAI_CATALOG_URL": f"http://127.0.0.1:{catalog_port}",
        "GONGKAI_DOCUMENTS_URL": dead,
        "GONGKAI_REQUESTS_URL": dead,
    }
    subprocess.run(
        [sys.executable, "-m", "gongkai", "migrate"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    service = start(
        ["serve-service", "catalog", "--port", str(catalog_port)],
        env,
        f"http://127.0.0.1:{catalog_port}/healthz",
    )
    gateway = start(
        ["serve", "--port", str(gateway_port)], env, f"http://127.0.0.1:{gateway_port}/healthz"
    )
    bare = start(
        [__file__, "--bare-proxy", str(bare_port), f"http://127.0.0.1:{catalog_port}"],
        env,
        f"http://127.0.0.1:{bare_port}/healthz",
        module="",
    )
    results = {}
    hops: tuple[tuple[str, int, list[subprocess.Popen[bytes]]], ...] = (
        ("service directly", catalog_port, []),
        ("via bare aiohttp proxy", bare_port, [bare]),
        ("via gateway", gateway_port, [gateway]),
    )
    try:
        for c in (1, concurrency):
            # Interleaved rounds: on a shared machine the load drifts; each row sees the same.
            pooled: dict[str, tuple[list[float], float, float, float]] = {}
            for _ in range(rounds):
                for name, port, proxies in hops:
                    latencies, elapsed, used = asyncio.run(
                        http_run(
                            f"http://127.0.0.1:{port}{PATH}",
                            token,
                            total // rounds,
                            c,
                            pids=tuple(p.pid for p in (service, *proxies)),
                        )
                    )
                    seen, spent, service_cpu, hop_cpu = pooled.get(name, ([], 0.0, 0.0, 0.0))
                    pooled[name] = (
                        seen + latencies,
                        spent + elapsed,
                        service_cpu + used[0],
                        hop_cpu + (used[1] if proxies else 0.0),
                    )
            for name, _port, proxies in hops:
                latencies, elapsed, service_cpu, hop_cpu = pooled[name]
                label = f"distributed c={c}: {name}"
                results[label] = summary(label, latencies, elapsed)
                results[label]["service_cpu"] = service_cpu * 1000 / len(latencies)
                results[label]["hop_cpu"] = hop_cpu * 1000 / len(latencies)
                print(
                    f"{'':28} CPU per request: service {results[label]['service_cpu']:.3f} ms"
                    + (f", proxy {results[label]['hop_cpu']:.3f} ms" if proxies else "")
                )
    finally:
        for process in (bare, gateway, service):
            process.terminate()
            process.wait()
    return results


def overhead(results: dict[str, dict[str, float]], direct: str, via: str) -> None:
    a, b = results[direct], results[via]
    print(
        f"  added: p50 {b['p50'] - a['p50']:+.3f} ms, p99 {b['p99'] - a['p99']:+.3f} ms, "
        f"throughput {b['rps'] / a['rps']:.0%} of direct"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--distributed-only", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per row")
    parser.add_argument(
        "--bare-proxy", nargs=2, metavar=("PORT", "UPSTREAM"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.bare_proxy:
        import uvicorn

        port, upstream = args.bare_proxy
        uvicorn.run(
            bare_proxy_app(upstream),
            host="127.0.0.1",
            port=int(port),
            log_level="warning",
            access_log=False,
            server_header=False,
        )
        sys.exit(0)
    print(f"GET {PATH} with a bearer token, rate limits on; {args.requests} requests per row")
    if not args.distributed_only:
        asyncio.run(own_cost(args.requests))
        local = asyncio.run(in_process(args.requests))
        overhead(local, "in-process: service directly", "in-process: via gateway")
    remote = distributed(args.requests, args.concurrency, args.rounds)
    for c in (1, args.concurrency):
        direct = f"distributed c={c}: service directly"
        bare = f"distributed c={c}: via bare aiohttp proxy"
        via = f"distributed c={c}: via gateway"
        print(f"distributed c={c}, bare proxy:")
        overhead(remote, direct, bare)
        print(f"distributed c={c}, gateway:")
        overhead(remote, direct, via)
        print(f"distributed c={c}, gateway beyond the bare proxy:")
        overhead(remote, bare, via)
        print(
            f"  proxy CPU per request: gateway {remote[via]['hop_cpu']:.3f} ms, "
            f"bare {remote[bare]['hop_cpu']:.3f} ms"
        )
