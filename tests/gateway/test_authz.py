"""Authorization through the all-in-one system with tokens from our own authorization server
(security.md AUTHZ-02 cross-agency writes, AUTHZ-04 mass assignment, AUTHZ-05 step-up)."""

import base64
import json
import time
from typing import Any

import httpx
import pytest
from joserfc import jwt
from sqlmodel import select

from gateway.app import Gateway
from gateway.oauth.keys import load_signing_keys
from services.common.auth import Role
from services.common.db import Database
from services.documents.records.models import Document
from tests.support.documents import DOCS, document_body, register_agencies
from tests.support.oauth import bearer, user_tokens
from tests.support.tokens import TokenMinter

REPEAL = {"repealed_on": "2025-01-01", "decision": "某决定", "reason": "x"}
EDITING = "documents:read documents:write documents:publish"


def _claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    head, body, _ = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # noqa: E731
    return decode(head), decode(body)


def _resigned(gateway: Gateway, token: str, **claims: Any) -> str:
    """The token with changed claims, signed with the server's own key."""
    header, body = _claims(token)
    keys = load_signing_keys(gateway.api.state.settings.data_dir, generate=False)
    return jwt.encode(header, {**body, **claims}, keys.current)


async def _publisher(
    client: httpx.AsyncClient, gateway: Gateway, agency: str, *, mfa: bool = True
) -> dict[str, str]:
    """An editor and publisher of ``agency`` logged in with a password at our server; with
    ``mfa`` the same token as after a multi-factor login (acr, auth_time now)."""
    issued = await user_tokens(
        client, gateway, roles=[Role.EDITOR, Role.PUBLISHER], scope=EDITING, agencies=[agency]
    )
    token = issued["access_token"]
    if mfa:
        token = _resigned(gateway, token, acr="urn:gongkai:acr:mfa", auth_time=int(time.time()))
    return bearer(token)


async def _document_row(gateway: Gateway, document_id: str) -> dict[str, Any]:
    url = gateway.api.state.upstreams["documents"].app.state.settings.database_url
    database = Database(url)
    try:
        async with database.sessions() as session:
            rows = await session.exec(select(Document))
            found = [r for r in rows if str(r.id) == document_id]
    finally:
        await database.dispose()
    assert len(found) == 1
    return found[0].model_dump()


@pytest.fixture
async def agencies(client: httpx.AsyncClient, tokens: TokenMinter) -> tuple[str, str]:
    a, b = await register_agencies(client, tokens)
    return str(a["id"]), str(b["id"])


async def test_cross_agency_update_and_publish_are_refused(
    client: httpx.AsyncClient, gateway: Gateway, agencies: tuple[str, str]
) -> None:
    """AUTHZ-02: agency A's editor updating or publishing B's document: 403/404, DB unchanged."""
    a, b = agencies
    owner = await _publisher(client, gateway, b)
    made = await client.post(DOCS, json=document_body(b), headers=owner)
    assert made.status_code == 201, made.text
    document = made.json()
    url = f"{DOCS}/{document['id']}"
    etag = (await client.get(url, headers=owner)).headers["etag"]
    before = await _document_row(gateway, document["id"])

    stranger = await _publisher(client, gateway, a)
    for method, target, body in (
        ("PATCH", url, {"title": "被篡改的标题"}),
        ("POST", f"{url}/publish", {}),
        ("POST", f"{url}/repeal", REPEAL),
        ("PUT", f"{url}/disclosure", {"attribute": "withheld", "reason": "x", "legal_basis": "x"}),
        ("POST", f"{url}/attachments", None),
    ):
        kwargs: dict[str, Any] = (
            {"json": body}
            if body is not None
            else {"files": {"file": ("a.pdf", b"%PDF-1.4\n%%EOF")}}
        )
        response = await client.request(
            method, target, headers={**stranger, "If-Match": etag}, **kwargs
        )
        assert response.status_code in {403, 404}, (method, target, response.text)
        assert "被篡改" not in response.text
    assert await _document_row(gateway, document["id"]) == before

    # Control: the owner's own staff can do it with the same kind of token.
    own = await client.patch(
        url, json={"title": "修改后的标题"}, headers={**owner, "If-Match": etag}
    )
    assert own.status_code == 200, own.text
    published = await client.post(f"{url}/publish", json={}, headers=owner)
    assert published.status_code == 200, published.text


async def test_mass_assignment_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, gateway: Gateway, agencies: tuple[str, str]
) -> None:
    """AUTHZ-04: status, agency_id, published_at, id, created_by in a body give 422."""
    a, b = agencies
    staff = await _publisher(client, gateway, a)
    # On creation agency_id is an input (checked against the caller's agencies); the rest are not.
    for name, value in (
        ("status", "published"),
        ("published_at", "2025-01-01T00:00:00Z"),
        ("id", "00000000-0000-0000-0000-000000000001"),
        ("created_by", "someone-else"),
    ):
        created = await client.post(DOCS, json={**document_body(a), name: value}, headers=staff)
        assert created.status_code == 422, (name, created.text)
    foreign = await client.post(DOCS, json=document_body(b), headers=staff)
    assert foreign.status_code == 403, foreign.text
    made = await client.post(DOCS, json=document_body(a), headers=staff)
    assert made.status_code == 201, made.text
    url = f"{DOCS}/{made.json()['id']}"
    etag = (await client.get(url, headers=staff)).headers["etag"]
    before = await _document_row(gateway, made.json()["id"])
    for name, value in (
        ("status", "published"),
        ("agency_id", b),
        ("published_at", "2025-01-01T00:00:00Z"),
        ("id", "00000000-0000-0000-0000-000000000001"),
        ("created_by", "someone-else"),
    ):
        patched = await client.patch(
            url, json={"title": "新标题", name: value}, headers={**staff, "If-Match": etag}
        )
        assert patched.status_code == 422, (name, patched.text)
        assert patched.headers["content-type"] == "application/problem+json"
        assert any(e["field"].endswith(name) for e in patched.json()["errors"]), patched.text
    assert await _document_row(gateway, made.json()["id"]) == before


async def test_every_json_body_forbids_unknown_fields(client: httpx.AsyncClient) -> None:
    """AUTHZ-04 for every route: each JSON request body schema is closed (extra="forbid")."""
    document = (await client.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    open_bodies = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            for resolved in _objects(schema, schemas):
                if resolved.get("additionalProperties") is not False:
                    open_bodies.append((method.upper(), path, resolved.get("title")))
    assert not open_bodies, open_bodies


def _objects(schema: dict[str, Any], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a body may be (following $ref, anyOf/oneOf)."""
    if "$ref" in schema:
        return _objects(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas)
    found = []
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            found += _objects(option, schemas)
    if schema.get("type") == "object" and "properties" in schema:
        found.append(schema)
    return found


async def test_publishing_needs_a_recent_multi_factor_login(
    client: httpx.AsyncClient, gateway: Gateway, agencies: tuple[str, str]
) -> None:
    """AUTHZ-05: a password login (acr below MFA) or an MFA login older than 15 minutes gets
    401 ``insufficient_user_authentication``; a fresh MFA login publishes."""
    a, _ = agencies
    password_only = await _publisher(client, gateway, a, mfa=False)
    _, claims = _claims(password_only["Authorization"].split()[1])
    assert claims["acr"] == "urn:gongkai:acr:pwd"
    made = await client.post(DOCS, json=document_body(a), headers=password_only)
    assert made.status_code == 201, made.text
    url = f"{DOCS}/{made.json()['id']}/publish"
    token = password_only["Authorization"].split()[1]
    stale = _resigned(
        gateway, token, acr="urn:gongkai:acr:mfa", auth_time=int(time.time()) - 16 * 60
    )
    no_auth_time = _resigned(gateway, token, acr="urn:gongkai:acr:mfa", auth_time=None)
    for headers in (password_only, bearer(stale), bearer(no_auth_time)):
        response = await client.post(url, json={}, headers=headers)
        assert response.status_code == 401, response.text
        assert "insufficient_user_authentication" in response.headers["www-authenticate"]
        assert response.headers["content-type"] == "application/problem+json"
    fresh = _resigned(gateway, token, acr="urn:gongkai:acr:mfa", auth_time=int(time.time()))
    assert (await client.post(url, json={}, headers=bearer(fresh))).status_code == 200
