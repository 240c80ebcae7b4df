"""The edge in the all-in-one mode (security.md CFG-01, CFG-02, SIZE-01, AUTHZ-03, PII-06, RL-*)."""

import asyncio
import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from gateway.ratelimit import BEIJING, Caller, RateLimiter
from services.common.auth import Role
from tests.gateway.conftest import MakeGateway
from tests.support.apps import client_for
from tests.support.oauth import client_credentials, integrator
from tests.support.processes import free_port
from tests.support.tokens import TokenMinter

ORIGIN = "https://www.zhangye.gov.cn"
SECURITY = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


async def test_cors_allowlist(make_gateway: MakeGateway) -> None:
    """CFG-01."""
    async with client_for(await make_gateway(cors_origins=[ORIGIN])) as client:
        allowed = await client.get("/api/v1/catalog", headers={"Origin": ORIGIN})
        assert allowed.headers["access-control-allow-origin"] == ORIGIN
        assert "access-control-allow-credentials" not in allowed.headers
        other = await client.get("/api/v1/catalog", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = await client.options(
            "/api/v1/catalog/divisions",
            headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        for origin, method in ((ORIGIN, "TRACE"), ("https://evil.example", "GET")):
            refused = await client.options(
                "/api/v1/catalog",
                headers={"Origin": origin, "Access-Control-Request-Method": method},
            )
            assert refused.status_code == 403
            assert "access-control-allow-origin" not in refused.headers
        for response in (allowed, other, preflight):
            assert response.headers.get("access-control-allow-origin") != "*"


async def test_security_headers_everywhere(make_gateway: MakeGateway, tokens: TokenMinter) -> None:
    """CFG-02: on service routes, gateway routes, errors; TRACE is 405; no Server header."""
    async with client_for(await make_gateway()) as client:
        responses = [
            await client.get("/api/v1/catalog"),
            await client.get("/api/v1/catalog/nowhere"),
            await client.get("/healthz"),
            await client.get("/.well-known/jwks.json"),
            await client.get("/api/v1/catalog", headers={"Authorization": "Bearer bad"}),
            await client.post("/api/v1/catalog/divisions", json={}),
            await client.request("TRACE", "/api/v1/catalog"),
        ]
        for response in responses:
            for name, value in SECURITY.items():
                assert response.headers[name] == value, (response.url, name)
            assert "server" not in response.headers
        assert responses[-1].status_code == 405


async def test_docs_hidden_in_production(make_gateway: MakeGateway) -> None:
    gateway = await make_gateway(
        environment="production", secret_key="x" * 40, generate_signing_key=True
    )
    async with client_for(gateway) as client:
        assert (await client.get("/docs")).status_code == 404
        assert (await client.get("/openapi.json")).status_code == 404
        assert (await client.get("/api/v1/catalog")).status_code == 200


async def test_body_size_limit(make_gateway: MakeGateway) -> None:
    """SIZE-01 (all-in-one): 1 MiB + 1 byte is refused with the gateway's 413."""
    async with client_for(await make_gateway()) as client:
        body = b'{"a": "' + b"x" * (1024 * 1024 - 8) + b'"}'
        assert len(body) == 1024 * 1024 + 1
        response = await client.post(
            "/api/v1/catalog/divisions", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 413
        assert "1 MB" in response.json()["detail"]

        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(20):
                yield b"x" * 65536

        streamed = await client.post("/api/v1/catalog/divisions", content=chunks())
        assert streamed.status_code == 413, streamed.text


async def test_headers_over_the_limit(make_gateway: MakeGateway) -> None:
    async with client_for(await make_gateway(max_header_bytes=4096)) as client:
        response = await client.get("/api/v1/catalog", headers={"x-filler": "a" * 5000})
        assert response.status_code == 431


async def test_undeclared_routes_are_refused_at_the_gateway(make_gateway: MakeGateway) -> None:
    """AUTHZ-03's deny-by-default: only routes in the services' declared table get through."""
    async with client_for(await make_gateway()) as client:
        missing = await client.get("/api/v1/catalog/admin/secret")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"
        wrong_method = await client.delete("/api/v1/catalog")
        assert wrong_method.status_code == 405
        assert (await client.get("/api/v1/catalog")).status_code == 200


async def test_personal_routes_are_not_stored(
    make_gateway: MakeGateway, tokens: TokenMinter
) -> None:
    """PII-06: no-store on /requests* and on anything answered to a signed-in caller."""
    async with client_for(await make_gateway()) as client:
        personal = await client.get("/api/v1/requests")
        assert personal.headers["cache-control"] == "no-store"
        signed_in = await client.get("/api/v1/catalog", headers=tokens.headers(roles=["editor"]))
        assert signed_in.headers["cache-control"] == "no-store"


async def test_burst_gives_429_with_headers(make_gateway: MakeGateway) -> None:
    """RL-01 (one instance)."""
    async with client_for(await make_gateway(rate_limit_anonymous="3/minute")) as client:
        statuses = []
        for _ in range(4):
            response = await client.get("/api/v1/catalog")
            statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429]
        assert int(response.headers["retry-after"]) >= 1
        assert response.headers["ratelimit-remaining"] == "0"
        assert response.headers["ratelimit-limit"] == "3"
        assert response.json()["title"] == "请求过于频繁"


async def test_two_instances_share_one_limit_in_redis(make_gateway: MakeGateway) -> None:
    """RL-01: N+1-th request across two gateways sharing Redis is refused."""
    settings = {
        "rate_limit_anonymous": "4/minute",
        "redis_url": "redis://127.0.0.1:6379/0",
        "rate_limit_prefix": f"test-{uuid.uuid4().hex}",
    }
    first, second = await make_gateway(**settings), await make_gateway(**settings)
    async with client_for(first) as a, client_for(second) as b:
        statuses = [
            (await (a if i % 2 else b).get("/api/v1/catalog")).status_code for i in range(5)
        ]
    assert statuses == [200, 200, 200, 200, 429]


async def test_redis_down_reads_degrade_writes_fail_closed(
    make_gateway: MakeGateway, tokens: TokenMinter
) -> None:
    """RL-03."""
    gateway = await make_gateway(
        redis_url=f"redis://127.0.0.1:{free_port()}/0", rate_limit_fallback="2/minute"
    )
    async with client_for(gateway) as client:
        reads = [(await client.get("/api/v1/catalog")).status_code for _ in range(3)]
        assert reads == [200, 200, 429]
        write = await client.post(
            "/api/v1/catalog/divisions",
            json={"code": "620000", "name": "甘肃省"},
            headers=tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"]),
        )
        assert write.status_code == 503
        assert write.headers["content-type"] == "application/problem+json"


async def test_principals_behind_one_ip_are_counted_apart(
    make_gateway: MakeGateway, tokens: TokenMinter
) -> None:
    """RL-04: 1,000 signed-in requesters behind one NAT address do not throttle each other."""
    gateway = await make_gateway(rate_limit_anonymous="5/minute", rate_limit_user="5/minute")
    async with client_for(gateway) as client:

        async def one(i: int) -> int:
            headers = tokens.headers(subject=f"applicant-{i}", roles=[Role.APPLICANT])
            return (await client.get("/api/v1/catalog", headers=headers)).status_code

        statuses: list[int] = []
        for start in range(0, 1000, 50):
            statuses += await asyncio.gather(*(one(i) for i in range(start, start + 50)))
        assert statuses == [200] * 1000, sorted(set(statuses))
        # The address itself is still limited for anonymous callers.
        anonymous = [(await client.get("/api/v1/catalog")).status_code for _ in range(6)]
        assert anonymous[-1] == 429


async def test_client_daily_quota(make_gateway: MakeGateway) -> None:
    """RL-02 through the gateway: quota + 1 is refused until Beijing midnight."""
    gateway = await make_gateway(rate_limit_client_daily="3/day")
    async with client_for(gateway) as client:
        integ = await integrator(gateway)
        token = (await client_credentials(client, integ)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        statuses = [
            (await client.get("/api/v1/catalog", headers=headers)).status_code for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]


def _limiter(per_minute: str, **overrides: Any) -> RateLimiter:
    """A memory limiter with one limit for every caller kind (the fallback stays small)."""
    limits = {"anonymous": per_minute, "user": per_minute, "client": per_minute}
    return RateLimiter(**limits, fallback="10/minute", **overrides)


async def test_daily_quota_resets_at_beijing_midnight() -> None:
    """RL-02 with a frozen clock: 23:59 Beijing is still today; 00:00 starts a new count."""
    now = dt.datetime(2026, 11, 23, 23, 59, tzinfo=BEIJING)
    limiter = _limiter("100/minute", client_daily="2/day", now=lambda: now)
    caller = Caller("client", "integrator-1")
    assert [(await limiter.check(caller, write=False)).status for _ in range(3)] == [0, 0, 429]
    refused = await limiter.check(caller, write=False)
    assert refused.reset == 60  # seconds to midnight in Beijing
    now = dt.datetime(2026, 11, 24, 0, 0, 1, tzinfo=BEIJING)
    assert (await limiter.check(caller, write=False)).status == 0
    # UTC midnight is not the boundary: 16:00 UTC is.
    now = dt.datetime(2026, 11, 24, 15, 59, tzinfo=dt.UTC)
    assert (await limiter.check(caller, write=False)).status == 0
    assert (await limiter.check(caller, write=False)).status == 429


async def test_memory_counters_are_swept_at_most_once_a_second() -> None:
    """The stock memory storage started a sweep over every counter on each hit (found by
    profiling the gateway); expired counters must still go."""
    limiter = _limiter("1000/minute", client_daily="1000/day")
    created = 0
    loop = asyncio.get_running_loop()
    factory = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal created
        created += 1
        return (
            asyncio.Task(coro, loop=loop, **kwargs)
            if factory is None
            else factory(loop, coro, **kwargs)
        )

    loop.set_task_factory(counting)
    try:
        for i in range(50):
            assert (await limiter.check(Caller("ip", f"10.0.0.{i}"), write=False)).allowed
            await asyncio.sleep(0)
    finally:
        loop.set_task_factory(factory)
    assert created == 1
    storage = limiter.local
    key = next(iter(storage.expirations))
    storage.expirations[key] = 0  # expired
    storage._next_sweep = 0  # a second has passed
    await limiter.check(Caller("ip", "10.0.1.1"), write=False)
    await asyncio.sleep(0.05)
    assert key not in storage.storage


@pytest.mark.parametrize("header", ["x-user-id", "x-agency-id", "x-forwarded-for"])
async def test_identity_headers_do_not_reach_services(
    make_gateway: MakeGateway, header: str
) -> None:
    """AUTHZ-06 (all-in-one): the service sees the real peer, whatever the client claims."""
    gateway = await make_gateway()
    seen: dict[str, str] = {}
    catalog = gateway.api.state.upstreams["catalog"]
    original = catalog.app

    async def spy(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.update({k.decode(): v.decode() for k, v in scope["headers"]})
        seen["client"] = scope["client"][0]
        await original(scope, receive, send)

    async with client_for(gateway) as client:
        catalog.app = spy  # after the lifespan started the real app
        try:
            await client.get("/api/v1/catalog", headers={header: "admin, 10.9.9.9"})
        finally:
            catalog.app = original
    assert seen.get(header, "") in {"", "127.0.0.1"}
    assert seen["x-forwarded-for"] == "127.0.0.1"
    assert seen["client"] == "127.0.0.1"
