"""Federated login through an external OIDC provider that the test starts itself."""

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from gateway.oauth.models import User
from services.common.auth import Role
from tests.gateway.conftest import MakeGateway
from tests.support.apps import client_for
from tests.support.oauth import (
    Pkce,
    app_client,
    authorize_params,
    bearer,
    code_from,
    database,
    exchange,
)
from tests.support.servers import serving

CLIENT_ID = "gongkai-gateway"
CLIENT_SECRET = "provider-secret-for-tests"


class TinyProvider:
    """Just enough OIDC: discovery, an authorize that logs ``subject`` in, token, JWKS."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "idp-1", "alg": "RS256"})
        self.url = ""
        self.subject = "citizen-0001"
        self.codes: dict[str, dict[str, str]] = {}
        self.tamper: dict[str, Any] = {}
        self.app = Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/authorize", self.authorize),
                Route("/token", self.token, methods=["POST"]),
                Route("/jwks", self.jwks),
            ]
        )

    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.url,
                "authorization_endpoint": self.url + "/authorize",
                "token_endpoint": self.url + "/token",
                "jwks_uri": self.url + "/jwks",
            }
        )

    async def authorize(self, request: Request) -> Response:
        query = request.query_params
        assert query["client_id"] == CLIENT_ID
        assert query["code_challenge_method"] == "S256"
        code = uuid.uuid4().hex
        self.codes[code] = {"nonce": query["nonce"], "redirect_uri": query["redirect_uri"]}
        return RedirectResponse(
            query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        )

    async def token(self, request: Request) -> Response:
        form = await request.form()
        grant = self.codes.pop(str(form["code"]), None)
        if grant is None or request.headers.get("authorization") is None:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        now = int(time.time())
        claims = {
            "iss": self.url,
            "sub": self.subject,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "name": "张三",
            **self.tamper,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": "idp-1"}, claims, self.key)
        return JSONResponse({"id_token": id_token, "access_token": "x", "token_type": "Bearer"})

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))


@pytest.fixture
async def provider() -> AsyncIterator[TinyProvider]:
    idp = TinyProvider()
    async with serving(idp.app) as url:
        idp.url = url
        yield idp


async def _federated_login(
    client: httpx.AsyncClient, app_id: str, pkce: Pkce, scope: str
) -> httpx.Response:
    params = authorize_params(app_id, pkce, scope)
    start = await client.get("/oauth/federated/province", params=params)
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(start.headers["location"])
    assert at_provider.status_code in {302, 307}
    back = urlsplit(at_provider.headers["location"])
    return await client.get(back.path + "?" + back.query)


async def test_login_through_an_external_provider(
    make_gateway: MakeGateway, provider: TinyProvider
) -> None:
    gateway = await make_gateway(
        oidc_providers={
            "province": {
                "discovery_url": provider.url + "/.well-known/openid-configuration",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            }
        }
    )
    async with client_for(gateway) as client:
        page = await client.get(
            "/oauth/authorize",
            params=authorize_params(
                (await app_client(gateway, scopes=["requests:read"])).client_id,
                Pkce.new(),
                "requests:read",
            ),
        )
        assert "/oauth/federated/province" in page.text
        app = await app_client(gateway, scopes=["requests:read", "requests:write"])
        subjects = []
        for _ in range(2):  # the second login finds the same user
            pkce = Pkce.new()
            code = code_from(await _federated_login(client, app.client_id, pkce, "requests:read"))
            tokens = (await exchange(client, app.client_id, code, pkce.verifier)).json()
            claims = jwt.decode(tokens["access_token"], gateway.api.state.oauth.keys.key_set).claims
            assert claims["roles"] == [Role.APPLICANT]
            assert claims["scope"] == "requests:read"
            subjects.append(claims["sub"])
            ok = await client.get("/api/v1/catalog", headers=bearer(tokens["access_token"]))
            assert ok.status_code == 200
        assert subjects[0] == subjects[1]
        async with database(gateway).sessions() as session:
            users = (await session.exec(select(User).where(User.issuer == provider.url))).all()
        assert [(u.issuer, u.external_subject) for u in users] == [(provider.url, "citizen-0001")]

        # Same subject at another issuer is another person; a bad nonce is refused.
        provider.tamper = {"nonce": "replayed"}
        refused = await _federated_login(client, app.client_id, Pkce.new(), "requests:read")
        assert refused.status_code == 400
        assert refused.json()["title"] == "统一身份认证登录失败"
        provider.tamper = {"aud": "someone-else"}
        refused = await _federated_login(client, app.client_id, Pkce.new(), "requests:read")
        assert refused.status_code == 400
        forged = await client.get(
            "/oauth/federated/province/callback",
            params={"code": "x", "state": "forged.state.value"},
        )
        assert forged.status_code == 400
        unknown = await client.get("/oauth/federated/nowhere", params={})
        assert unknown.status_code == 404
