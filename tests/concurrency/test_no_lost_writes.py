"""No lost writes: real concurrent clients against a real server, on SQLite and PostgreSQL.

The all-in-one gateway runs on uvicorn (tests/support/servers.py); N asyncio tasks send their
requests over TCP at once. Concurrent edits with the same ``If-Match`` have exactly one winner
and N-1 412s; concurrent retries of one submission with the same ``Idempotency-Key`` make
exactly one record, and every retry gets the first answer.
"""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from gateway.app import Gateway, create_app
from gateway.settings import GatewaySettings
from services.common.auth import Role
from services.common.settings import SERVICE_NAMES
from tests.conftest import ServiceSettingsFactory
from tests.support.catalog import catalog_editor, item_body, register_agency
from tests.support.documents import document_body, register_agencies
from tests.support.requests import BASE, officer, person, request_body
from tests.support.servers import serving
from tests.support.tokens import TokenMinter

pytestmark = pytest.mark.slow  # uvicorn and eight clients per test

N = 8
NUMBER = "张政办函〔2020〕{}号"
DOCS = "/api/v1/documents"


@pytest.fixture
async def http(
    make_service_settings: ServiceSettingsFactory, gateway_settings: GatewaySettings
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the whole system served by uvicorn (rate limits off: N callers at once)."""
    settings = gateway_settings.model_copy(update={"rate_limit_enabled": False})
    gateway: Gateway = create_app(settings, await make_service_settings(SERVICE_NAMES))
    async with (
        serving(gateway) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=60) as client,
    ):
        yield client


def _staff(tokens: TokenMinter, agency: dict[str, Any]) -> dict[str, str]:
    return tokens.headers(
        subject=f"staff-{agency['id'][:8]}",
        roles=[Role.EDITOR, Role.PUBLISHER],
        scopes=["documents:write", "documents:publish", "documents:read"],
        agencies=[agency["id"]],
        acr="mfa",
        auth_time=int(time.time()),
    )


def _applicant(tokens: TokenMinter, subject: str) -> dict[str, str]:
    return tokens.headers(
        subject=subject, roles=[Role.APPLICANT], scopes=["requests:read", "requests:write"]
    )


async def _at_once(*calls: Any) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))


def _statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(r.status_code for r in responses)


async def _concurrent_document_edits_have_one_winner(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    staff = _staff(tokens, agency)
    made = await http.post(
        DOCS, json=document_body(agency["id"], doc_number=NUMBER.format(201)), headers=staff
    )
    assert made.status_code == 201, made.text
    url, tag = f"{DOCS}/{made.json()['id']}", made.headers["etag"]
    titles = [f"第 {i} 位编辑的标题" for i in range(N)]
    responses = await _at_once(
        *(http.patch(url, json={"title": t}, headers={**staff, "If-Match": tag}) for t in titles)
    )
    assert _statuses(responses) == {200: 1, 412: N - 1}, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200)
    for loser in (r for r in responses if r.status_code == 412):
        assert loser.headers["content-type"].startswith("application/problem+json")
        assert loser.headers["etag"] == winner.headers["etag"]
    final = (await http.get(url, headers=staff)).json()
    assert final["title"] == winner.json()["title"]
    assert final["version"] == 2
    missing = await http.patch(url, json={"title": "不带 If-Match"}, headers=staff)
    assert missing.status_code == 428


async def _concurrent_lifecycle_writes_honour_if_match(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    """Publishing and the disclosure attribute take an optional If-Match: stale → 412."""
    staff = _staff(tokens, agency)
    made = await http.post(
        DOCS, json=document_body(agency["id"], doc_number=NUMBER.format(202)), headers=staff
    )
    url, tag = f"{DOCS}/{made.json()['id']}", made.headers["etag"]
    reasons = {"attribute": "public", "comment": "年度审查"}
    responses = await _at_once(
        *(
            http.put(f"{url}/disclosure", json=reasons, headers={**staff, "If-Match": tag})
            for _ in range(N)
        )
    )
    assert _statuses(responses) == {200: 1, 412: N - 1}, [r.text for r in responses]
    stale = await http.post(f"{url}/publish", json={}, headers={**staff, "If-Match": tag})
    assert stale.status_code == 412
    fresh = next(r for r in responses if r.status_code == 200).headers["etag"]
    published = await http.post(f"{url}/publish", json={}, headers={**staff, "If-Match": fresh})
    assert published.status_code == 200, published.text


async def _concurrent_request_transitions_have_one_winner(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    made = await http.post(BASE, json=request_body(agency["id"]))
    assert made.status_code == 201, made.text
    url = f"{BASE}/{made.json()['id']}"
    staff = officer(tokens, agency["id"])
    tag = (await http.get(url, headers=staff)).headers["etag"]
    responses = await _at_once(
        *(
            http.post(
                f"{url}/transitions",
                json={"action": "confirm_receipt"},
                headers={**staff, "If-Match": tag},
            )
            for _ in range(N)
        )
    )
    assert _statuses(responses) == {200: 1, 412: N - 1}, [r.text for r in responses]
    events = (await http.get(url, headers=staff)).json()["events"]
    assert [e["action"] for e in events].count("confirm_receipt") == 1


async def _concurrent_retries_of_one_submission_make_one_request(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    applicant = {**_applicant(tokens, "citizen-1"), "Idempotency-Key": "form-2024-0001"}
    body = request_body(agency["id"])
    responses = await _at_once(*(http.post(BASE, json=body, headers=applicant) for _ in range(N)))
    assert _statuses(responses) == {201: N}, [r.text for r in responses]
    assert len({r.content for r in responses}) == 1  # every retry: the first receipt
    changed = await http.post(BASE, json={**body, "description": "另一份申请"}, headers=applicant)
    assert changed.status_code == 422
    assert changed.headers["content-type"].startswith("application/problem+json")
    # The key is the caller's own: another applicant with the same key makes their own.
    other = await http.post(
        BASE,
        json=request_body(agency["id"], applicant=person(name="李四")),
        headers={**_applicant(tokens, "citizen-2"), "Idempotency-Key": "form-2024-0001"},
    )
    assert other.status_code == 201, other.text
    assert other.json()["id"] != responses[0].json()["id"]
    queue = await http.get(f"{BASE}/queue", headers=officer(tokens, agency["id"]))
    assert queue.status_code == 200, queue.text
    assert len(queue.json()["items"]) == 2


async def _concurrent_retries_of_one_document_make_one_document(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    staff = {**_staff(tokens, agency), "Idempotency-Key": "doc-0001"}
    body = document_body(agency["id"])
    responses = await _at_once(*(http.post(DOCS, json=body, headers=staff) for _ in range(N)))
    assert _statuses(responses) == {201: 1, 200: N - 1}, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert all(
        r.headers.get("idempotent-replayed") == "true" for r in responses if r.status_code == 200
    )
    count = await http.get(f"{DOCS}/count", headers=_staff(tokens, agency))
    assert count.json() == {"count": 1}


async def _concurrent_new_documents_get_distinct_index_numbers(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any]
) -> None:
    """The first documents of a year race to create the agency's counter: none may fail."""
    staff = _staff(tokens, agency)
    bodies = [document_body(agency["id"], doc_number=NUMBER.format(i + 1)) for i in range(N)]
    responses = await _at_once(*(http.post(DOCS, json=b, headers=staff) for b in bodies))
    assert _statuses(responses) == {201: N}, [r.text for r in responses]
    assert len({r.json()["index_number"] for r in responses}) == N


async def _tracking_while_others_submit_always_answers(
    http: httpx.AsyncClient, agency: dict[str, Any]
) -> None:
    """A tracking read writes an audit entry: it must wait for writers, not fail with a 503."""
    made = (await http.post(BASE, json=request_body(agency["id"]))).json()
    track = {"number": made["tracking_number"], "code": made["query_code"]}
    responses = await _at_once(
        *(http.get(f"{BASE}/track", params=track) for _ in range(N)),
        *(http.post(BASE, json=request_body(agency["id"])) for _ in range(N)),
    )
    assert _statuses(responses) == {200: N, 201: N}, [r.text for r in responses]


async def test_concurrent_catalog_edits_have_one_winner(
    http: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(http, tokens)
    editor = catalog_editor(tokens, agency)
    made = await http.post(
        f"/api/v1/catalog/agencies/{agency}/items", json=item_body(), headers=editor
    )
    assert made.status_code == 201, made.text
    url = f"/api/v1/catalog/items/{made.json()['id']}"
    read = await http.get(url, params={"view": "draft"}, headers=editor)
    tag = read.headers["etag"]
    responses = await _at_once(
        *(
            http.patch(url, json={"basis": f"依据 {i}"}, headers={**editor, "If-Match": tag})
            for i in range(N)
        )
    )
    assert _statuses(responses) == {200: 1, 412: N - 1}, [r.text for r in responses]
    agency_url = f"/api/v1/catalog/agencies/{agency}"
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])
    agency_tag = (await http.get(agency_url)).headers["etag"]
    responses = await _at_once(
        *(
            http.patch(
                agency_url, json={"guide": f"指南 {i}"}, headers={**admin, "If-Match": agency_tag}
            )
            for i in range(N)
        )
    )
    assert _statuses(responses) == {200: 1, 412: N - 1}, [r.text for r in responses]


async def test_concurrent_document_writes_lose_nothing(
    http: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency, _ = await register_agencies(http, tokens)
    # First: the count of documents is exactly the one the retries made.
    await _concurrent_retries_of_one_document_make_one_document(http, tokens, agency)
    await _concurrent_document_edits_have_one_winner(http, tokens, agency)
    await _concurrent_lifecycle_writes_honour_if_match(http, tokens, agency)
    await _concurrent_new_documents_get_distinct_index_numbers(http, tokens, agency)


async def test_concurrent_request_writes_lose_nothing(
    http: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency, _ = await register_agencies(http, tokens)
    # First: the officer's queue holds exactly the requests the retries made.
    await _concurrent_retries_of_one_submission_make_one_request(http, tokens, agency)
    await _concurrent_request_transitions_have_one_winner(http, tokens, agency)
    await _tracking_while_others_submit_always_answers(http, agency)
