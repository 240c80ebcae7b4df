"""Staff queues: by state, assignee, due soon (≤ 3 working days), overdue; per agency."""

import datetime as dt

import httpx

from services.common.auth import Role
from services.common.workdays import DEFAULT_CALENDAR
from services.requests.applications.clock import china_today
from tests.requests.conftest import Agencies
from tests.requests.flow import Flow
from tests.support.requests import BASE, officer, paper_body, request_body
from tests.support.tokens import TokenMinter


def arrival_due_soon(today: dt.date) -> dt.date:
    """A past arrival whose 20 working days end within the next 3 working days."""
    limit = DEFAULT_CALENDAR.add_working_days(today, 3).date
    day = today
    while not today <= DEFAULT_CALENDAR.add_working_days(day, 20).date <= limit:
        day -= dt.timedelta(days=1)
    return day


async def test_queues(client: httpx.AsyncClient, tokens: TokenMinter, agencies: Agencies) -> None:
    today = china_today()
    headers = officer(tokens, agencies.a)
    overdue = await Flow.start(client, headers, paper_body(agencies.a, dt.date(2025, 3, 3)))
    soon = await Flow.start(client, headers, paper_body(agencies.a, arrival_due_soon(today)))
    fresh = await Flow.start(client, headers, paper_body(agencies.a, today))
    online = (await client.post(BASE, json=request_body(agencies.a))).json()
    other = await Flow.start(
        client, officer(tokens, agencies.b), paper_body(agencies.b, dt.date(2025, 3, 3))
    )
    await fresh.act("assign", today, assignee="officer-2")

    async def ids(**params: object) -> list[str]:
        got = await client.get(f"{BASE}/queue", params=params, headers=headers)
        assert got.status_code == 200, got.text
        return [item["id"] for item in got.json()["items"]]

    assert await ids(due="overdue") == [overdue.id]
    assert await ids(due="soon") == [soon.id]
    assert await ids(assignee="officer-2") == [fresh.id]
    # Ordered by due date; a request without one (awaiting confirmation) comes last.
    assert await ids() == [overdue.id, soon.id, fresh.id, online["id"]]
    assert await ids(state="registered", agency_id=agencies.a) == [
        overdue.id, soon.id, fresh.id, online["id"]
    ]  # fmt: skip
    await overdue.act("withdraw", today, reason="撤回")
    assert await ids(due="overdue") == []
    assert await ids(state="withdrawn") == [overdue.id]

    first = await client.get(f"{BASE}/queue", params={"limit": 2}, headers=headers)
    page = first.json()
    assert len(page["items"]) == 2
    rest = await client.get(page["next"], headers=headers)
    assert [i["id"] for i in page["items"] + rest.json()["items"]] == await ids()
    assert rest.json()["next_cursor"] is None

    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["requests:read"])
    everything = await client.get(f"{BASE}/queue", params={"limit": 100}, headers=admin)
    assert other.id in [i["id"] for i in everything.json()["items"]]
    assert other.id not in await ids()
    bad = await client.get(f"{BASE}/queue", params={"due": "yesterday"}, headers=headers)
    assert bad.status_code == 422
    cursor = await client.get(f"{BASE}/queue", params={"cursor": "garbage"}, headers=headers)
    assert cursor.status_code == 400
