"""A webhook receiver on loopback (a real HTTP server), as an integrator would write one."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from services.documents.webhooks import signing


@dataclass
class Receiver:
    secret: str = ""
    fail_next: int = 0  # answer 500 to this many requests, after processing them
    always_fail: bool = False
    requests: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    seen_ids: set[str] = field(default_factory=set)
    # The integrator's final state: records by id (tombstones remove them).
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    applied: int = 0
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        self.requests.append({"headers": headers, "body": body})
        if self.always_fail:
            return web.Response(status=503)
        if not self.secret or not signing.verify(self.secret, headers, body):
            self.bad_signatures += 1
            return web.Response(status=401)
        delivery = headers["webhook-id"]
        if delivery not in self.seen_ids:  # the idempotency key: a retry changes nothing
            self.seen_ids.add(delivery)
            event = json.loads(body)
            if event["action"] == "withdraw":
                self.records.pop(event["id"], None)
            else:
                self.records[event["id"]] = event["data"]
            self.applied += 1
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=500)
        return web.Response(status=204)


@asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    receiver = Receiver()
    app = web.Application()
    app.router.add_post("/hook", receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        await runner.cleanup()
