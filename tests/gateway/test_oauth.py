"""The gateway's authorization server (security.md AUTH-01, -11, -12, -13 and AS-01 … AS-07)."""

import asyncio
import datetime as dt
import json
import logging
import time
import uuid

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from sqlalchemy import text

from gateway.app import Gateway
from gateway.oauth.admin import create_client, disable_user
from services.common.auth import Role
from tests.support.oauth import (
    REDIRECT,
    Pkce,
    app_client,
    authorize_params,
    basic,
    bearer,
    client_credentials,
    code_from,
    database,
    exchange,
    integrator,
    login,
    staff,
    user_tokens,
)

PROTECTED = "/api/v1/catalog/divisions"
DIVISION = {"code": "620000", "name": "甘肃省"}


async def test_discovery_and_jwks(client: httpx.AsyncClient, gateway: Gateway) -> None:
    document = (await client.get("/.well-known/openid-configuration")).json()
    assert document["issuer"] == gateway.api.state.oauth.issuer
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "private_key_jwt" in document["token_endpoint_auth_methods_supported"]
    keys = (await client.get("/.well-known/jwks.json")).json()["keys"]
    assert keys
    assert all("d" not in k and k["kid"] for k in keys)


async def test_client_credentials_token_is_an_rfc9068_jwt(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """AUTH-01 with a token from our own server; AS-06's response headers."""
    integ = await integrator(gateway)
    response = await client_credentials(client, integ)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert 0 < body["expires_in"] <= 900
    assert "refresh_token" not in body
    keys = KeySet.import_key_set((await client.get("/.well-known/jwks.json")).json())
    token = jwt.decode(body["access_token"], keys, algorithms=["RS256"])
    assert token.header["typ"] == "at+jwt"
    assert token.header["kid"]
    claims = token.claims
    assert claims["exp"] - claims["iat"] == 600
    assert claims["sub"] == integ.client_id == claims["client_id"]
    assert claims["roles"] == [Role.INTEGRATOR]
    assert set(claims["scope"].split()) == {"opendata:read", "catalog:read"}
    assert "gongkai:catalog" in claims["aud"]
    ok = await client.get("/api/v1/catalog/divisions", headers=bearer(body["access_token"]))
    assert ok.status_code == 200


async def test_scopes_are_checked_and_narrowed(client: httpx.AsyncClient, gateway: Gateway) -> None:
    """AS-06: unknown scope → invalid_scope; a supported one the client may not have is dropped."""
    integ = await integrator(gateway, scopes=["opendata:read"])
    unknown = await client_credentials(client, integ, "opendata:read admin:everything")
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_scope"
    narrowed = await client_credentials(client, integ, "opendata:read catalog:manage")
    assert narrowed.status_code == 200
    assert narrowed.json()["scope"] == "opendata:read"


@pytest.mark.parametrize(
    "grant_type", ["password", "implicit", "urn:ietf:params:oauth:grant-type:device_code"]
)
async def test_unsupported_grants(
    client: httpx.AsyncClient, gateway: Gateway, grant_type: str
) -> None:
    integ = await integrator(gateway)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": grant_type, "username": "a", "password": "b"},
        headers=basic(integ.client_id, integ.secret),
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


async def test_wrong_secret_is_invalid_client(client: httpx.AsyncClient, gateway: Gateway) -> None:
    integ = await integrator(gateway)
    response = await client.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=basic(integ.client_id, "not-the-secret"),
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    # AUTH-12: the stored secret is a hash; the row holds no plaintext.
    async with database(gateway).sessions() as session:
        conn = await session.connection()
        row = (
            await conn.execute(
                text("SELECT * FROM clients WHERE client_id = :c"), {"c": integ.client_id}
            )
        ).one()
    assert integ.secret is not None
    assert all(integ.secret not in str(value) for value in row)


async def test_private_key_jwt(client: httpx.AsyncClient, gateway: Gateway) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "integrator-1"})
    public = json.dumps(KeySet([key]).as_dict(private=False))
    client_id = f"pk-{uuid.uuid4().hex[:6]}"
    await create_client(
        database(gateway),
        client_id=client_id,
        auth_method="private_key_jwt",
        jwks=public,
        scopes=["opendata:read"],
    )
    issuer = gateway.api.state.oauth.issuer
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "RS256", "kid": "integrator-1"},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": issuer + "/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        },
        key,
    )
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    first = await client.post("/oauth/token", data=data)
    assert first.status_code == 200, first.text
    replay = await client.post("/oauth/token", data=data)
    assert replay.status_code in {400, 401}
    assert replay.json()["error"] == "invalid_client"
    forged_key = RSAKey.generate_key(2048, parameters={"kid": "integrator-1"})
    forged = jwt.encode(
        {"alg": "RS256", "kid": "integrator-1"},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": issuer + "/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": uuid.uuid4().hex,
        },
        forged_key,
    )
    refused = await client.post("/oauth/token", data={**data, "client_assertion": forged})
    assert refused.json()["error"] == "invalid_client"


async def test_code_flow_gives_role_scoped_tokens(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    admin = await user_tokens(
        client, gateway, roles=[Role.PLATFORM_ADMIN], scope="catalog:manage catalog:read"
    )
    created = await client.post(PROTECTED, json=DIVISION, headers=bearer(admin["access_token"]))
    assert created.status_code == 201, created.text
    # An editor may not be granted catalog:manage even if the app asks for it.
    editor = await user_tokens(
        client, gateway, roles=[Role.EDITOR], scope="catalog:manage catalog:read"
    )
    assert editor["scope"] == "catalog:read"
    refused = await client.post(
        PROTECTED, json={"code": "620700", "name": "张掖市"}, headers=bearer(editor["access_token"])
    )
    assert refused.status_code == 403


async def test_pkce_is_required_and_s256_only(client: httpx.AsyncClient, gateway: Gateway) -> None:
    """AS-01."""
    app = await app_client(gateway, scopes=["requests:read"])
    params = authorize_params(app.client_id, Pkce.new(), "requests:read")
    without = {k: v for k, v in params.items() if not k.startswith("code_challenge")}
    for bad in (without, {**params, "code_challenge_method": "plain"}):
        response = await client.get("/oauth/authorize", params=bad)
        location = response.headers.get("location", "")
        assert "invalid_request" in location or response.json()["error"] == "invalid_request"
    ok = await client.get("/oauth/authorize", params=params)
    assert ok.status_code == 200
    assert "<form" in ok.text


@pytest.mark.parametrize(
    "redirect_uri",
    [
        REDIRECT + "/",
        REDIRECT.upper(),
        "https://APP.example.cn/callback",
        REDIRECT + "?x=1",
        "https://app.example.cn@evil.example/callback",
        "https://app.example.cn:8443/callback",
        "https://evil.example/callback",
    ],
)
async def test_redirect_uri_must_match_exactly(
    client: httpx.AsyncClient, gateway: Gateway, redirect_uri: str
) -> None:
    """AS-04: refused with 400 and no redirect."""
    app = await app_client(gateway, scopes=["requests:read"])
    params = authorize_params(app.client_id, Pkce.new(), "requests:read", redirect_uri=redirect_uri)
    for response in (
        await client.get("/oauth/authorize", params=params),
        await login(client, params, "nobody"),
    ):
        assert response.status_code == 400
        assert "location" not in response.headers
        assert response.json()["error"] == "invalid_request"


async def test_code_replay_revokes_the_first_tokens(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """AS-02."""
    app = await app_client(gateway, scopes=["catalog:manage"])
    _uid, username = await staff(gateway, roles=[Role.PLATFORM_ADMIN])
    pkce = Pkce.new()
    code = code_from(
        await login(client, authorize_params(app.client_id, pkce, "catalog:manage"), username)
    )
    first = await exchange(client, app.client_id, code, pkce.verifier)
    assert first.status_code == 200
    access = first.json()["access_token"]
    assert (await client.post(PROTECTED, json=DIVISION, headers=bearer(access))).status_code == 201
    second = await exchange(client, app.client_id, code, pkce.verifier)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    revoked = await client.get("/api/v1/catalog/divisions", headers=bearer(access))
    assert revoked.status_code == 401
    refresh = await client.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": first.json()["refresh_token"],
            "client_id": app.client_id,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"


async def test_old_code_is_invalid_grant(client: httpx.AsyncClient, gateway: Gateway) -> None:
    """AS-03."""
    app = await app_client(gateway, scopes=["requests:read"])
    _uid, username = await staff(gateway, roles=[Role.APPLICANT])
    pkce = Pkce.new()
    code = code_from(
        await login(client, authorize_params(app.client_id, pkce, "requests:read"), username)
    )
    async with database(gateway).write_sessions() as session:
        conn = await session.connection()
        await conn.execute(
            text("UPDATE authorization_codes SET created_at = :t"),
            {"t": dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10, seconds=5)},
        )
        await session.commit()
    response = await exchange(client, app.client_id, code, pkce.verifier)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


async def test_wrong_verifier_is_invalid_grant(client: httpx.AsyncClient, gateway: Gateway) -> None:
    app = await app_client(gateway, scopes=["requests:read"])
    _uid, username = await staff(gateway, roles=[Role.APPLICANT])
    pkce = Pkce.new()
    code = code_from(
        await login(client, authorize_params(app.client_id, pkce, "requests:read"), username)
    )
    response = await exchange(client, app.client_id, code, Pkce.new().verifier)
    assert response.json()["error"] == "invalid_grant"


async def test_refresh_rotation_and_family_revocation(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """AS-05."""
    tokens = await user_tokens(client, gateway, roles=[Role.APPLICANT], scope="requests:read")

    async def refresh(token: str) -> httpx.Response:
        return await client.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": token,
                "client_id": tokens["client_id"],
            },
        )

    rt1 = tokens["refresh_token"]
    second = await refresh(rt1)
    assert second.status_code == 200, second.text
    rt2 = second.json()["refresh_token"]
    assert rt2 != rt1
    reuse = await refresh(rt1)
    assert reuse.status_code == 400
    assert reuse.json()["error"] == "invalid_grant"
    family = await refresh(rt2)
    assert family.json()["error"] == "invalid_grant"
    # The access token issued with RT₂ is refused too.
    refused = await client.get("/api/v1/catalog", headers=bearer(second.json()["access_token"]))
    assert refused.status_code == 401


async def test_revocation_and_introspection(client: httpx.AsyncClient, gateway: Gateway) -> None:
    """AS-07, and AUTH-11 by jti: a revoked token is refused within a second."""
    integ = await integrator(gateway)
    access = (await client_credentials(client, integ)).json()["access_token"]
    unauthenticated = await client.post("/oauth/revoke", data={"token": access})
    assert unauthenticated.status_code == 401
    unknown = await client.post(
        "/oauth/introspect",
        data={"token": "no-such-token"},
        headers=basic(integ.client_id, integ.secret),
    )
    assert unknown.json() == {"active": False}
    live = await client.post(
        "/oauth/introspect", data={"token": access}, headers=basic(integ.client_id, integ.secret)
    )
    assert live.json()["active"] is True
    assert live.json()["client_id"] == integ.client_id
    assert (await client.get("/api/v1/catalog", headers=bearer(access))).status_code == 200
    revoked = await client.post(
        "/oauth/revoke", data={"token": access}, headers=basic(integ.client_id, integ.secret)
    )
    assert revoked.status_code == 200
    start = time.monotonic()
    response = await client.get("/api/v1/catalog", headers=bearer(access))
    assert response.status_code == 401
    assert time.monotonic() - start < 1
    after = await client.post(
        "/oauth/introspect", data={"token": access}, headers=basic(integ.client_id, integ.secret)
    )
    assert after.json() == {"active": False}


async def test_disabled_user_tokens_are_refused(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """AUTH-11 by subject: "not before" later than the token's iat."""
    tokens = await user_tokens(client, gateway, roles=[Role.APPLICANT], scope="requests:read")
    headers = bearer(tokens["access_token"])
    assert (await client.get("/api/v1/catalog", headers=headers)).status_code == 200
    claims = jwt.decode(tokens["access_token"], gateway.api.state.oauth.keys.key_set).claims
    await disable_user(database(gateway), uuid.UUID(claims["sub"]))
    deadline = time.monotonic() + 1.0
    status = 200
    while time.monotonic() < deadline and status == 200:
        status = (await client.get("/api/v1/catalog", headers=headers)).status_code
        await asyncio.sleep(0.05)
    assert status == 401


async def test_login_is_throttled(
    client: httpx.AsyncClient, gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    """AUTH-13: N attempts per 15 minutes; N+1 gives 429 and a logged lockout."""
    attempts = gateway.api.state.settings.login_attempts
    app = await app_client(gateway, scopes=["requests:read"])
    _uid, username = await staff(gateway, roles=[Role.APPLICANT])
    params = authorize_params(app.client_id, Pkce.new(), "requests:read")
    for _ in range(attempts):
        assert (await login(client, params, username, "wrong password!")).status_code == 401
    with caplog.at_level(logging.WARNING, logger="gongkai.audit"):
        locked = await login(client, params, username)
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) >= 1
    assert any(getattr(r, "event", None) == "login-lockout" for r in caplog.records)
    assert username not in caplog.text
