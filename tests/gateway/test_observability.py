"""Access log and metrics (security.md PII-03 for the gateway's own output)."""

import logging
import re

import pytest

from services.common.auth import Role
from services.common.logging import JsonFormatter
from tests.gateway.conftest import MakeGateway
from tests.support.apps import client_for
from tests.support.tokens import TokenMinter

ID_NUMBER = "620702199001011234"
PHONE = "13912345678"
NAME = "张三丰"
# An 18-digit ID or a mobile number standing alone (not digits inside a float or a longer id).
PII = re.compile(r"(?<![0-9A-Za-z.])(\d{17}[\dXx]|1[3-9]\d{9})(?![0-9A-Za-z])")


async def test_access_log_and_metrics_hold_no_personal_data(
    make_gateway: MakeGateway, tokens: TokenMinter, caplog: pytest.LogCaptureFixture
) -> None:
    token = tokens.mint(subject="applicant-7", roles=[Role.APPLICANT])
    async with client_for(await make_gateway()) as client:
        with caplog.at_level(logging.INFO):
            await client.get(f"/api/v1/catalog/agencies/by-code/{ID_NUMBER}")
            await client.get(
                f"/api/v1/catalog/agencies?q={PHONE}&name={NAME}",
                headers={"Authorization": f"Bearer {token}", "Cookie": "session=secret-cookie"},
            )
            await client.get(f"/nowhere/{ID_NUMBER}")
            await client.get(f"/api/v1/requests/{PHONE}")
        metrics = (await client.get("/metrics")).text
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records]
    text = "\n".join(lines) + metrics
    assert not PII.search(text)
    for secret in (ID_NUMBER, PHONE, NAME, token, "secret-cookie", token.split(".")[1]):
        assert secret not in text
    # (the suite logs at INFO throughout, tests/support/logcheck.py: leave out /metrics's own)
    access = [
        r
        for r in caplog.records
        if r.name == "gongkai.access" and getattr(r, "path", None) != "/metrics"
    ]
    assert len(access) == 4
    entry = [line for line in lines if '"logger":"gongkai.access"' in line]
    assert all('"request_id":"' in line for line in entry)
    assert any('"principal":"user:applicant-7"' in line for line in entry)
    assert 'route="/api/v1/catalog/agencies/by-code/{credit_code}"' in metrics
    assert 'route="other"' in metrics


async def test_metrics_count_per_route_template(make_gateway: MakeGateway) -> None:
    async with client_for(await make_gateway()) as client:
        for code in ("620000", "620700", "620702"):
            await client.get(f"/api/v1/catalog/divisions/{code}")
        metrics = (await client.get("/metrics")).text
    line = next(
        line
        for line in metrics.splitlines()
        if line.startswith("gongkai_http_requests_total")
        and 'route="/api/v1/catalog/divisions/{code}"' in line
    )
    assert line.endswith(" 3.0")
    assert "620700" not in metrics


async def test_client_ip_spoofing_via_forwarded_for_from_untrusted_peer(
    make_gateway: MakeGateway,
) -> None:
    """The rate-limit key is the real peer: a spoofed X-Forwarded-For buys no new budget."""
    async with client_for(await make_gateway(rate_limit_anonymous="2/minute")) as client:
        statuses = [
            (
                await client.get("/api/v1/catalog", headers={"X-Forwarded-For": f"10.0.0.{i}"})
            ).status_code
            for i in range(3)
        ]
    assert statuses == [200, 200, 429]
