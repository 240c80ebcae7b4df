"""The shared service plumbing: problem+json errors, one unit of work per request, readiness."""

import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

import asyncpg
import httpx
import pytest
from asyncpg.exceptions import TooManyConnectionsError
from fastapi import APIRouter, FastAPI, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from services.catalog.settings import CatalogSettings
from services.common.app import build_service_app
from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import Conflict
from tests import conftest
from tests.conftest import FreshDatabase
from tests.support.apps import client_for, running
from tests.support.databases import POSTGRES_URL
from tests.support.tokens import TokenMinter


class Applicant(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=20)
    age: int = Field(ge=0)


class Letter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    applicant: Applicant
    pages: int


router = APIRouter()


@router.post("/api/v1/probe/letters")
async def post_letter(letter: Letter, _c: Annotated[Principal, public()]) -> dict[str, int]:
    return {"pages": letter.pages}


@router.get("/api/v1/probe/items")
async def list_items(
    _c: Annotated[Principal, public()], limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> dict[str, int]:
    return {"limit": limit}


@router.post("/api/v1/probe/rows/{value}")
async def write_row(value: int, session: SessionDep, _c: Annotated[Principal, public()]) -> dict:
    await session.exec(text("INSERT INTO probe (value) VALUES (:v)"), params={"v": value})
    if value < 0:
        raise Conflict("负数不允许。")
    return {"written": value}


@router.post("/api/v1/probe/orphans")
async def write_orphan(session: SessionDep, _c: Annotated[Principal, public()]) -> dict:
    # The deferred foreign key fails only at COMMIT, after this function has returned.
    await session.exec(text("INSERT INTO probe_child (parent) VALUES (999)"))
    return {"written": True}


@router.get("/api/v1/probe/boom")
async def boom(_c: Annotated[Principal, public()]) -> dict:
    raise RuntimeError("/srv/secret/path.py SELECT * FROM secrets")


@router.get("/api/v1/probe/crowded")
async def crowded(_c: Annotated[Principal, public()]) -> dict:
    # What SQLAlchemy raises when PostgreSQL has no connection slot left.
    raise DBAPIError("SELECT 1", None, TooManyConnectionsError("sorry, too many clients already"))


@router.get("/api/v1/probe/staff")
async def staff_only(
    caller: Annotated[Principal, requires(roles=[Role.EDITOR], scopes=["documents:write"])],
) -> dict:
    return {"subject": caller.subject, "agencies": sorted(caller.agency_ids)}


@router.post("/api/v1/probe/publish")
async def publish(
    _c: Annotated[
        Principal, requires(roles=[Role.PUBLISHER], scopes=["documents:publish"], step_up=True)
    ],
) -> dict:
    return {"published": True}


@pytest.fixture
async def probe_app(fresh_database: FreshDatabase, data_dir: Path) -> FastAPI:
    url = await fresh_database("catalog")
    settings = CatalogSettings(
        _env_file=None, environment="test", data_dir=data_dir, catalog_database_url=url
    )
    app = build_service_app(settings=settings, title="probe", description="probe", routers=[router])
    async with running(app), app.state.db.write_sessions() as session:
        await session.exec(text("CREATE TABLE probe (value INTEGER NOT NULL)"))
        await session.exec(text("CREATE TABLE probe_parent (id INTEGER PRIMARY KEY)"))
        await session.exec(
            text(
                "CREATE TABLE probe_child (parent INTEGER REFERENCES probe_parent (id) "
                "DEFERRABLE INITIALLY DEFERRED)"
            )
        )
        await session.commit()
    return app


@pytest.fixture
async def probe(probe_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(probe_app) as client:
        yield client


async def _count(app: FastAPI) -> int:
    async with app.state.db.sessions() as session:
        return int((await session.exec(text("SELECT count(*) FROM probe"))).scalar_one())


def _assert_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:gongkai:problem:")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"]), body
    return body


async def test_validation_errors_name_the_field_in_chinese(probe: httpx.AsyncClient) -> None:
    """AUTHZ-04: an unknown field ("role") is refused with 422 (extra="forbid")."""
    response = await probe.post(
        "/api/v1/probe/letters",
        json={"applicant": {"name": "", "age": -1, "role": "admin"}, "pages": "many"},
    )
    body = _assert_problem(response, 422)
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert messages["请求体.applicant.name"] == "长度不能少于 1 个字符"
    assert messages["请求体.applicant.age"] == "应不小于 0"
    assert messages["请求体.applicant.role"] == "不允许提交此字段"
    assert messages["请求体.pages"] == "应为整数"
    assert "请求体.applicant.name" in body["detail"]


async def test_malformed_json_and_wrong_query_are_problems(probe: httpx.AsyncClient) -> None:
    response = await probe.post(
        "/api/v1/probe/letters",
        content=b'{"applicant": ',
        headers={"content-type": "application/json"},
    )
    body = _assert_problem(response, 422)
    assert "JSON" in body["errors"][0]["message"]
    body = _assert_problem(await probe.get("/api/v1/probe/items?limit=10000"), 422)
    assert body["errors"] == [{"field": "查询参数.limit", "message": "应不大于 100"}]
    _assert_problem(await probe.get("/api/v1/probe/items?limit=%FF%FE"), 422)


async def test_unknown_routes_and_methods_are_problems(probe: httpx.AsyncClient) -> None:
    body = _assert_problem(await probe.get("/api/v1/probe/nowhere"), 404)
    assert body["instance"] == "/api/v1/probe/nowhere"
    _assert_problem(await probe.delete("/api/v1/probe/items"), 405)


async def test_unexpected_error_is_generic(probe_app: FastAPI) -> None:
    transport = httpx.ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/api/v1/probe/boom")
    body = _assert_problem(response, 500)
    text_ = response.text
    assert "Traceback" not in text_
    assert "/srv/secret" not in text_
    assert "SELECT" not in text_
    assert body["request_id"] == response.headers["x-request-id"]


async def test_session_commits_on_success_and_rolls_back_on_error(
    probe: httpx.AsyncClient, probe_app: FastAPI
) -> None:
    assert (await probe.post("/api/v1/probe/rows/5")).status_code == 200
    _assert_problem(await probe.post("/api/v1/probe/rows/-1"), 409)
    assert await _count(probe_app) == 1


async def test_failed_commit_is_reported_not_acknowledged(
    probe: httpx.AsyncClient, probe_app: FastAPI
) -> None:
    body = _assert_problem(await probe.post("/api/v1/probe/orphans"), 409)
    assert "冲突" in body["title"]
    async with probe_app.state.db.sessions() as session:
        rows = (await session.exec(text("SELECT count(*) FROM probe_child"))).scalar_one()
    assert rows == 0


async def test_request_id_is_kept_when_valid_and_made_otherwise(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/api/v1/probe/items", headers={"x-request-id": "abcdef123456"})
    assert response.headers["x-request-id"] == "abcdef123456"
    response = await probe.get("/api/v1/probe/items", headers={"x-request-id": "bad id\x7f"})
    assert response.headers["x-request-id"] != "bad id\x7f"
    assert len(response.headers["x-request-id"]) == 32


async def test_access_declarations(probe: httpx.AsyncClient, tokens: TokenMinter) -> None:
    body = _assert_problem(await probe.get("/api/v1/probe/staff"), 401)
    assert "登录" in body["detail"]
    response = await probe.get("/api/v1/probe/staff", headers=tokens.headers(roles=["applicant"]))
    _assert_problem(response, 403)
    response = await probe.get(
        "/api/v1/probe/staff", headers=tokens.headers(roles=["editor"], scopes=["catalog:read"])
    )
    assert "documents:write" in _assert_problem(response, 403)["detail"]
    response = await probe.get(
        "/api/v1/probe/staff",
        headers=tokens.headers(
            subject="u9", roles=["editor"], scopes=["documents:write"], agencies=["a1"]
        ),
    )
    assert response.json() == {"subject": "u9", "agencies": ["a1"]}
    response = await probe.get(
        "/api/v1/probe/staff", headers={"Authorization": "Bearer not-a-token"}
    )
    assert _assert_problem(response, 401)
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


async def test_step_up_needs_a_recent_multi_factor_login(
    probe: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    """AUTHZ-05 on a probe route (through the gateway with our server's tokens:
    tests/gateway/test_authz.py).
    """
    now = int(time.time())
    base = {"roles": ["publisher"], "scopes": ["documents:publish"]}
    cases = [
        ({}, 401),
        ({"acr": "pwd", "auth_time": now}, 401),
        ({"acr": "mfa", "auth_time": now - 16 * 60}, 401),
        ({"acr": "mfa", "auth_time": now - 60}, 200),
    ]
    for claims, status in cases:
        response = await probe.post(
            "/api/v1/probe/publish", headers=tokens.headers(**base, **claims)
        )
        assert response.status_code == status, claims
        if status == 401:
            assert "insufficient_user_authentication" in response.headers["www-authenticate"]


def test_an_undeclared_route_stops_the_app(tmp_path: Path) -> None:
    bare = APIRouter()

    @bare.get("/api/v1/probe/open")
    async def open_route() -> dict:
        return {}

    settings = CatalogSettings(_env_file=None, data_dir=tmp_path)
    with pytest.raises(RuntimeError, match="declares no access"):
        build_service_app(settings=settings, title="t", description="t", routers=[bare])


async def test_readyz_checks_the_database(probe: httpx.AsyncClient, tmp_path: Path) -> None:
    response = await probe.get("/readyz")
    assert response.json()["checks"]["database"]["status"] == "ok"
    settings = CatalogSettings(
        _env_file=None,
        data_dir=tmp_path,
        catalog_database_url="postgresql://nobody@127.0.0.1:1/none",
    )
    app = build_service_app(settings=settings, title="t", description="t", routers=[])
    async with client_for(app) as client:
        body = _assert_problem(await client.get("/readyz"), 503)
    assert body["checks"]["database"]["status"] == "failed"


async def test_a_full_database_is_unavailable_not_an_internal_error(
    probe: httpx.AsyncClient,
) -> None:
    body = _assert_problem(await probe.get("/api/v1/probe/crowded"), 503)
    assert body["title"] == "数据库暂时不可用"
    assert (await probe.get("/api/v1/probe/crowded")).headers["retry-after"] == "5"


@pytest.mark.postgres
async def test_a_database_without_free_connections_is_unavailable(tmp_path: Path) -> None:
    """PostgreSQL refusing a connection for want of slots (asyncpg's own error, unwrapped
    by SQLAlchemy when a connection is opened) is a 503, not a 500."""
    if conftest.POSTGRES_PROBLEM:
        pytest.skip(f"PostgreSQL 不可用：{conftest.POSTGRES_PROBLEM}")
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        await admin.execute(
            "DO $$ BEGIN CREATE ROLE gongkai_no_slots LOGIN CONNECTION LIMIT 0; "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
        )
    finally:
        await admin.close()
    url = make_url(POSTGRES_URL).set(username="gongkai_no_slots").render_as_string(False)
    settings = CatalogSettings(_env_file=None, data_dir=tmp_path, catalog_database_url=url)
    app = build_service_app(settings=settings, title="t", description="t", routers=[router])
    async with client_for(app) as client:
        body = _assert_problem(await client.post("/api/v1/probe/rows/1"), 503)
    assert body["title"] == "数据库暂时不可用"
