"""Which HTTP client the gateway's reverse proxy should use: aiohttp or httpx, measured.

Starts a small uvicorn upstream on a loopback port, then sends the same number of GET requests
through each client with the same concurrency and keep-alive pool, and prints throughput and
latency percentiles. The gateway's choice (aiohttp, gateway/proxy.py) rests on these figures.

    .venv/bin/python benchmarks/proxy_clients.py [--requests 5000] [--concurrency 16]
"""

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable

import aiohttp
import httpx

UPSTREAM = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b'{"items": [], "next_cursor": null}'
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _measure(
    name: str, get: Callable[[], Awaitable[None]], total: int, concurrency: int
) -> None:
    latencies: list[float] = []

    async def worker(count: int) -> None:
        for _ in range(count):
            start = time.perf_counter()
            await get()
            latencies.append((time.perf_counter() - start) * 1000)

    for _ in range(200):  # warm the pool
        await get()
    began = time.perf_counter()
    await asyncio.gather(*(worker(total // concurrency) for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{name:8} {len(latencies) / elapsed:8.0f} req/s   "
        f"p50 {q[49]:6.2f} ms   p99 {q[98]:6.2f} ms"
    )


async def main(total: int, concurrency: int, url: str) -> None:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def aiohttp_get() -> None:
            async with session.get(url) as response:
                await response.read()

        await _measure("aiohttp", aiohttp_get, total, concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:

        async def httpx_get() -> None:
            (await client.get(url)).raise_for_status()

        await _measure("httpx", httpx_get, total, concurrency)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    port = free_port()
    app_dir = tempfile.mkdtemp()
    with open(f"{app_dir}/bench_upstream.py", "w") as f:
        f.write(UPSTREAM)
    upstream = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--app-dir",
            app_dir,
            "bench_upstream:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
    )
    try:
        for _ in range(100):
            try:
                httpx.get(f"http://127.0.0.1:{port}/")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        print(f"{args.requests} GETs, concurrency {args.concurrency}, one upstream process")
        asyncio.run(main(args.requests, args.concurrency, f"http://127.0.0.1:{port}/items"))
    finally:
        upstream.terminate()
        upstream.wait()
