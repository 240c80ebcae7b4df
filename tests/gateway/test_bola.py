"""Object-level authorization (security.md AUTHZ-01, BOLA), over every route with a path
parameter in the services' OpenAPI.

Agency B owns one object of each kind (draft document with an attachment, draft
interpretation, draft gazette issue, draft catalog item, information request with an
identity-proof file, draft annual report, review case); agency A owns the same. Callers from
A's side (anonymous, applicant A, agency A's staff with every staff role and scope) call each
route with B's identifiers: a route on one of B's non-public objects answers 401/403/404, no
route answers 5xx, and no answer carries any of B's fields. Tokens come from the gateway's
own authorization server (a login through the code flow).
"""

import base64
import json
import re
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt

from gateway.app import Gateway, create_app
from gateway.oauth.keys import load_signing_keys
from gateway.oauth.scopes import ROLE_SCOPES
from gateway.services import BY_NAME, build_service_apps
from gateway.settings import GatewaySettings
from services.common.auth import STAFF_ROLES, Role
from services.common.settings import SERVICE_NAMES
from tests.documents.attachments.files import pdf_bytes
from tests.support.apps import client_for
from tests.support.catalog import item_body
from tests.support.databases import DatabaseFactory
from tests.support.documents import DOCS, document_body, register_agencies
from tests.support.oauth import bearer, user_tokens
from tests.support.requests import officer, person, request_body
from tests.support.tokens import TokenMinter

CATALOG = "/api/v1/catalog"
REQUESTS = "/api/v1/requests"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MARK = "乙机关BOLA"
# Parameters naming an object that belongs to one agency and is not public.
PRIVATE = {
    "document_id", "attachment_id", "interpretation_id", "issue_id", "item_id",
    "instance_id", "request_id", "report_id", "case_id",
}  # fmt: skip


def _routes() -> list[tuple[str, str]]:
    """(method, path) of every route with a path parameter, from the services' OpenAPI."""
    with tempfile.TemporaryDirectory() as folder:
        settings = {
            name: BY_NAME[name].settings_class(
                _env_file=None,  # type: ignore[call-arg]
                environment="test",
                data_dir=Path(folder),
            )
            for name in SERVICE_NAMES
        }
        apps = build_service_apps(settings)
        found = [
            (method.upper(), path)
            for app in apps.values()
            for path, operations in app.openapi()["paths"].items()
            if "{" in path
            for method in operations
        ]
    return sorted(found, key=lambda r: (r[1], r[0]))


ROUTES = _routes()
GETS = [r for r in ROUTES if r[0] == "GET"]
WRITES = [r for r in ROUTES if r[0] != "GET"]


@dataclass
class Side:
    """One agency's objects, by path parameter name."""

    agency: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)
    tracking_number: str = ""


@dataclass
class BolaWorld:
    gateway: Gateway
    http: httpx.AsyncClient
    tokens: TokenMinter
    a: Side
    b: Side
    openapi: dict[str, Any]
    _callers: dict[str, tuple[float, dict[str, str]]] = field(default_factory=dict)

    async def caller(self, name: str) -> dict[str, str]:
        """Headers of ``name``: fresh tokens from our own authorization server."""
        cached = self._callers.get(name)
        if cached is not None and time.monotonic() - cached[0] < 300:
            return cached[1]
        if name == "anonymous":
            headers: dict[str, str] = {}
        elif name == "applicant-a":
            issued = await user_tokens(
                self.http,
                self.gateway,
                roles=[Role.APPLICANT],
                scope=" ".join(sorted(ROLE_SCOPES[Role.APPLICANT])),
            )
            headers = bearer(issued["access_token"])
        else:
            roles = sorted(STAFF_ROLES - {Role.PLATFORM_ADMIN})
            scopes = set().union(*(ROLE_SCOPES[r] for r in roles))
            issued = await user_tokens(
                self.http,
                self.gateway,
                roles=roles,
                scope=" ".join(sorted(scopes)),
                agencies=[self.a.agency["id"]],
            )
            headers = bearer(issued["access_token"])
            if name == "staff-a-mfa":  # the same token after a multi-factor login
                headers = bearer(self._with_mfa(issued["access_token"]))
        self._callers[name] = (time.monotonic(), headers)
        return headers

    def _with_mfa(self, token: str) -> str:
        head, body, _ = token.split(".")
        header = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        claims.update(acr="urn:gongkai:acr:mfa", auth_time=int(time.time()))
        keys = load_signing_keys(self.gateway.api.state.settings.data_dir, generate=False)
        return jwt.encode(header, claims, keys.current)

    def url(self, path: str, side: Side) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "attachment_id" and path.startswith(REQUESTS):
                return side.ids["request_attachment_id"]
            if name == "stream":  # the change feeds: a real stream, not a 422
                return "documents" if path.startswith("/feeds") else "items"
            return side.ids.get(name) or str(uuid.uuid4())

        return re.sub(r"\{(\w+)\}", value, path)

    def query(self, method: str, path: str, side: Side) -> dict[str, str]:
        """Required query parameters, filled with B's values where they name something."""
        operation = self.openapi["paths"].get(path, {}).get(method.lower(), {})
        values = {
            "number": side.tracking_number,
            "code": "23456789",
            "year": "2025",
            "agency": side.agency["id"],
            "agency_id": side.agency["id"],
        }
        query: dict[str, str] = {}
        for parameter in operation.get("parameters", []):
            if parameter.get("in") != "query":
                continue
            if parameter.get("required"):
                query[parameter["name"]] = values.get(parameter["name"], "1")
            elif "draft" in _enum(parameter.get("schema", {})):
                query[parameter["name"]] = "draft"  # ask for the non-public view too
        return query


def _enum(schema: dict[str, Any]) -> list[Any]:
    values = list(schema.get("enum", []))
    for option in schema.get("anyOf", []):
        values += option.get("enum", [])
    return values


async def _side(
    http: httpx.AsyncClient, tokens: TokenMinter, agency: dict[str, Any], tag: str
) -> Side:
    """One object of each kind for ``agency``, made by its own staff."""
    side = Side(agency=agency, ids={"agency_id": agency["id"]})
    aid = agency["id"]
    staff = tokens.headers(
        subject=f"staff-{tag}",
        roles=[Role.EDITOR, Role.PUBLISHER, Role.REQUEST_OFFICER, Role.AGENCY_ADMIN],
        scopes=sorted(ROLE_SCOPES[Role.AGENCY_ADMIN]),
        agencies=[aid],
        acr="mfa",
        auth_time=int(time.time()),
    )
    side.ids["credit_code"] = agency["credit_code"]

    title = f"{MARK}{tag}内部草稿文件"
    document = await http.post(
        DOCS,
        json=document_body(aid, title=title, doc_number=f"测政办发〔2025〕{len(tag)}号"),
        headers=staff,
    )
    assert document.status_code == 201, document.text
    side.ids["document_id"] = document.json()["id"]
    side.secrets.append(title)
    attachment = await http.post(
        f"{DOCS}/{side.ids['document_id']}/attachments",
        files={"file": (f"{MARK}{tag}附件.pdf", pdf_bytes("x"))},
        headers=staff,
    )
    assert attachment.status_code == 201, attachment.text
    side.ids["attachment_id"] = attachment.json()["id"]
    side.secrets.append(f"{MARK}{tag}附件")

    interpretation = await http.post(
        f"{DOCS}/interpretations",
        json={
            "agency_id": aid,
            "kind": "qa",
            "title": f"{MARK}{tag}草稿解读",
            "body_text": "问：……答：……",
            "document_ids": [side.ids["document_id"]],
        },
        headers=staff,
    )
    assert interpretation.status_code == 201, interpretation.text
    side.ids["interpretation_id"] = interpretation.json()["id"]
    side.secrets.append(f"{MARK}{tag}草稿解读")

    issue = await http.post(
        f"{DOCS}/gazette",
        json={
            "agency_id": aid,
            "title": f"{MARK}{tag}草稿公报",
            "year": 2025,
            "issue_number": 1,
            "issued_on": "2025-01-10",
            "entries": [{"title": "大事记", "section": "政务信息"}],
        },
        headers=staff,
    )
    assert issue.status_code == 201, issue.text
    side.ids["issue_id"] = issue.json()["id"]
    side.secrets.append(f"{MARK}{tag}草稿公报")

    item = await http.post(
        f"{CATALOG}/agencies/{aid}/items",
        json=_item_body(f"{MARK}{tag}草稿事项"),
        headers=staff,
    )
    assert item.status_code == 201, item.text
    side.ids["item_id"] = item.json()["id"]
    side.secrets.append(f"{MARK}{tag}草稿事项")

    applicant = person(name=f"乙{tag}申请人", phone="13912345678" if tag == "b" else "13812340000")
    proof = {"filename": "身份证.png", "content_base64": base64.b64encode(PNG).decode()}
    made = await http.post(
        REQUESTS,
        json=request_body(
            aid,
            applicant=applicant,
            title=f"{MARK}{tag}申请",
            description=f"{MARK}{tag}申请内容",
            attachments=[proof],
        ),
    )
    assert made.status_code == 201, made.text
    side.ids["request_id"] = made.json()["id"]
    side.tracking_number = made.json()["tracking_number"]
    side.secrets += [
        f"{MARK}{tag}申请",
        applicant["name"],
        applicant["phone"],
        applicant["id_number"],
        side.tracking_number,
    ]
    handler = officer(tokens, aid, reveal=True, subject=f"officer-{tag}")
    read = await http.get(f"{REQUESTS}/{side.ids['request_id']}", headers=handler)
    assert read.status_code == 200, read.text
    side.ids["request_attachment_id"] = read.json()["attachments"][0]["id"]
    side.ids["sequence"] = "1"

    case = await http.post(
        f"{REQUESTS}/reports/review-cases",
        json={
            "request_id": side.ids["request_id"],
            "kind": "reconsideration",
            "filed_on": "2025-02-01",
        },
        headers=staff,
    )
    assert case.status_code == 201, case.text
    side.ids["case_id"] = case.json()["id"]
    report = await http.post(
        f"{REQUESTS}/reports/annual", json={"agency_id": aid, "year": 2025}, headers=staff
    )
    assert report.status_code == 201, report.text
    side.ids["report_id"] = report.json()["id"]
    return side


def _item_body(level1: str) -> dict[str, Any]:
    return item_body(level1=level1)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
async def bola(
    request: pytest.FixtureRequest,
    database_factories: dict[str, DatabaseFactory],
    tokens: TokenMinter,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[BolaWorld]:
    from tests import conftest  # noqa: PLC0415

    backend = str(request.param)
    if backend == "postgresql" and conftest.POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL 不可用：{conftest.POSTGRES_PROBLEM}")
    factory = database_factories[backend]
    data_dir = tmp_path_factory.mktemp("bola")
    tokens.write_jwks(data_dir)
    made: list[str] = []

    async def fresh(name: str) -> str:
        url = await factory.fresh(name)
        made.append(url)
        return url

    services = {
        name: BY_NAME[name].settings_class(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            data_dir=data_dir,
            **{f"{name}_database_url": await fresh(name)},
        )
        for name in SERVICE_NAMES
    }
    settings = GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=data_dir,
        gateway_database_url=await fresh("gateway"),
        rate_limit_enabled=False,
    )
    gateway = create_app(settings, services)
    async with client_for(gateway) as http:
        agency_a, agency_b = await register_agencies(http, tokens)
        a = await _side(http, tokens, agency_a, "a")
        b = await _side(http, tokens, agency_b, "b")
        openapi = (await http.get("/openapi.json")).json()
        yield BolaWorld(gateway, http, tokens, a, b, openapi)
    if backend == "postgresql":
        for url in made:
            await factory.release(factory.database_name(url))


CALLERS = ["anonymous", "applicant-a", "staff-a", "staff-a-mfa"]


def _assert_nothing_of(side: Side, response: httpx.Response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    text = response.content.decode("utf-8", errors="replace")
    for secret in side.secrets:
        assert secret not in text, (where, secret)


def _private(path: str) -> bool:
    return any(f"{{{name}}}" in path for name in PRIVATE)


@pytest.mark.parametrize(("method", "path"), GETS, ids=[f"{m} {p}" for m, p in GETS])
async def test_bola_reads(bola: BolaWorld, method: str, path: str) -> None:
    """AUTHZ-01: A's side reading B's objects gets 401/403/404 and none of B's fields."""
    assert path in bola.openapi["paths"], "the gateway's OpenAPI lists the route"
    url = bola.url(path, bola.b)
    for name in CALLERS:
        headers = await bola.caller(name)
        response = await bola.http.get(
            url, params=bola.query(method, path, bola.b), headers=headers
        )
        where = f"{name} GET {url}"
        _assert_nothing_of(bola.b, response, where)
        if _private(path):
            assert response.status_code in {401, 403, 404}, (where, response.status_code)


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
async def test_bola_writes(bola: BolaWorld, method: str, path: str) -> None:
    """AUTHZ-01/-02: A's side changing B's objects is refused, and B's objects are unchanged."""
    url = bola.url(path, bola.b)
    before = await _snapshot(bola, bola.b)
    for name in CALLERS:
        headers = await bola.caller(name)
        response = await bola.http.request(
            method, url, params=bola.query(method, path, bola.b), json={}, headers=headers
        )
        where = f"{name} {method} {url}"
        _assert_nothing_of(bola.b, response, where)
        assert not response.is_success, (where, response.status_code, response.text[:300])
    assert await _snapshot(bola, bola.b) == before


async def _snapshot(bola: BolaWorld, side: Side) -> dict[str, Any]:
    """B's objects as B's own staff see them."""
    aid = side.agency["id"]
    staff = bola.tokens.headers(
        subject="snapshot",
        roles=[Role.AGENCY_ADMIN],
        scopes=sorted(ROLE_SCOPES[Role.AGENCY_ADMIN]),
        agencies=[aid],
    )
    urls = [
        f"{DOCS}/{side.ids['document_id']}",
        f"{DOCS}/{side.ids['document_id']}/attachments",
        f"{DOCS}/interpretations/{side.ids['interpretation_id']}",
        f"{DOCS}/gazette/{side.ids['issue_id']}",
        f"{CATALOG}/items/{side.ids['item_id']}?view=draft",
        f"{REQUESTS}/{side.ids['request_id']}",
    ]
    snapshot: dict[str, Any] = {}
    for url in urls:
        response = await bola.http.get(url, headers=staff)
        assert response.status_code == 200, (url, response.text)
        snapshot[url] = response.json()
    return snapshot


async def test_bola_controls(bola: BolaWorld) -> None:
    """The same callers reach their own agency's objects, so the refusals above mean something."""
    staff = await bola.caller("staff-a")
    for path in (
        "/api/v1/documents/{document_id}",
        "/api/v1/documents/interpretations/{interpretation_id}",
        "/api/v1/documents/gazette/{issue_id}",
        "/api/v1/catalog/items/{item_id}",
        "/api/v1/catalog/agencies/{agency_id}/draft/items",
        "/api/v1/requests/{request_id}",
        "/api/v1/requests/{request_id}/attachments/{attachment_id}",
    ):
        response = await bola.http.get(
            bola.url(path, bola.a), params=bola.query("GET", path, bola.a), headers=staff
        )
        assert response.status_code == 200, (path, response.text)
    assert {p for _, p in ROUTES} <= set(bola.openapi["paths"])
