"""Users, clients and tokens from the gateway's own authorization server, for tests."""

import base64
import hashlib
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from gateway.app import Gateway
from gateway.oauth.admin import NewClient, create_client, create_user
from services.common.db import Database

PASSWORD = "correct horse battery staple"
REDIRECT = "https://app.example.cn/callback"


def database(gateway: Gateway) -> Database:
    db: Database = gateway.api.state.gateway_db
    return db


async def integrator(
    gateway: Gateway,
    *,
    scopes: Iterable[str] = ("opendata:read", "catalog:read"),
    client_id: str | None = None,
    **kwargs: object,
) -> NewClient:
    return await create_client(
        database(gateway),
        client_id=client_id or f"int-{uuid.uuid4().hex[:8]}",
        scopes=scopes,
        **kwargs,  # type: ignore[arg-type]
    )


async def app_client(gateway: Gateway, *, public: bool = True, scopes: Iterable[str]) -> NewClient:
    return await create_client(
        database(gateway),
        client_id=f"app-{uuid.uuid4().hex[:8]}",
        auth_method="none" if public else "client_secret_basic",
        grant_types=["authorization_code", "refresh_token"],
        scopes=scopes,
        roles=[],
        redirect_uris=[REDIRECT],
    )


async def staff(
    gateway: Gateway, *, roles: Iterable[str], agencies: Iterable[str] = ()
) -> tuple[str, str]:
    """A staff account; returns (user id, username)."""
    username = f"u{uuid.uuid4().hex[:8]}"
    user = await create_user(
        database(gateway), username=username, password=PASSWORD, roles=roles, agencies=agencies
    )
    return str(user.id), username


def basic(client_id: str, secret: str | None) -> dict[str, str]:
    raw = f"{client_id}:{secret}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


async def client_credentials(
    http: httpx.AsyncClient, client: NewClient, scope: str | None = None
) -> httpx.Response:
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return await http.post(
        "/oauth/token", data=data, headers=basic(client.client_id, client.secret)
    )


@dataclass
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> "Pkce":
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


def authorize_params(client_id: str, pkce: Pkce, scope: str, **extra: str) -> dict[str, str]:
    return {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-1",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        **extra,
    }


async def login(
    http: httpx.AsyncClient, params: dict[str, str], username: str, password: str = PASSWORD
) -> httpx.Response:
    return await http.post(
        "/oauth/authorize", params=params, data={"username": username, "password": password}
    )


def code_from(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["code"][0]


async def exchange(
    http: httpx.AsyncClient, client_id: str, code: str, verifier: str
) -> httpx.Response:
    return await http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )


async def user_tokens(
    http: httpx.AsyncClient,
    gateway: Gateway,
    *,
    roles: Iterable[str],
    scope: str,
    agencies: Iterable[str] = (),
) -> dict[str, str]:
    """Log a new staff member in through a new public app; the token response."""
    app = await app_client(gateway, scopes=scope.split())
    _user_id, username = await staff(gateway, roles=roles, agencies=agencies)
    pkce = Pkce.new()
    code = code_from(await login(http, authorize_params(app.client_id, pkce, scope), username))
    response = await exchange(http, app.client_id, code, pkce.verifier)
    assert response.status_code == 200, response.text
    tokens: dict[str, str] = response.json()
    tokens["client_id"] = app.client_id
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
