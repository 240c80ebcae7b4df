"""Logging in through an external OIDC provider (a province's 统一身份认证).

The provider is configured by its discovery URL. Our authorization request (client, redirect,
PKCE) is validated first and carried through the provider's round trip in a signed, short-lived
``state``; the provider's ID token is verified (RS256/ES256, iss, aud, exp, nonce) against its
JWKS; the user is found or created by (issuer, subject); then our own code is issued to the
app exactly as after a local login.
"""

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

import httpx
from fastapi import APIRouter, Request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OctKey
from starlette.responses import RedirectResponse, Response

from gateway.oauth.models import User
from gateway.oauth.routes import NO_STORE, _consent, _query, _respond, _server, _store
from gateway.oauth.server import OAuthUser, run_in_thread
from gateway.settings import GatewaySettings
from services.common.auth import MFA_ACR_VALUES, Role
from services.common.db import Database
from services.common.errors import problem_response

router = APIRouter(include_in_schema=False)

STATE_LIFETIME = 600
ID_TOKEN_ALGORITHMS = ["RS256", "ES256", "PS256"]


class FederationError(Exception):
    """The provider's answer could not be trusted; the user is told to try again."""


class Provider:
    """One external provider: its discovery document and keys, fetched when first needed."""

    def __init__(self, name: str, config: dict[str, str]) -> None:
        self.name = name
        self.discovery_url = config["discovery_url"]
        self.client_id = config["client_id"]
        self.client_secret = config.get("client_secret", "")
        self.metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None

    async def discover(self, http: httpx.AsyncClient) -> dict[str, Any]:
        if self.metadata is None:
            response = await http.get(self.discovery_url)
            response.raise_for_status()
            self.metadata = response.json()
        return self.metadata

    async def keys(self, http: httpx.AsyncClient, *, refresh: bool = False) -> KeySet:
        if self._keys is None or refresh:
            metadata = await self.discover(http)
            response = await http.get(metadata["jwks_uri"])
            response.raise_for_status()
            self._keys = KeySet.import_key_set(response.json())
        return self._keys


def _state_key(settings: GatewaySettings) -> OctKey:
    secret = hashlib.sha256(b"federation-state:" + settings.secret_key.get_secret_value().encode())
    return OctKey.import_key(secret.digest())


def _providers(request: Request) -> dict[str, Provider]:
    providers: dict[str, Provider] = request.app.state.oidc_providers
    return providers


def _problem(detail: str, status: int = 400) -> Response:
    return problem_response(
        status=status,
        code="federated-login-failed",
        title="统一身份认证登录失败",
        detail=detail,
        headers=NO_STORE,
    )


def _callback_uri(request: Request, name: str) -> str:
    return _server(request).issuer + f"/oauth/federated/{name}/callback"


@router.get("/oauth/federated/{name}")
async def start(name: str, request: Request) -> Response:
    provider = _providers(request).get(name)
    if provider is None:
        return _problem("未配置该统一身份认证提供方。", 404)
    database: Database = request.app.state.gateway_db
    async with database.sessions() as session:
        _grant, refused = await _consent(request, _store(request, session))
    if refused is not None:
        return refused
    try:
        metadata = await provider.discover(request.app.state.http)
    except (httpx.HTTPError, ValueError):
        return _problem("暂时无法连接统一身份认证平台，请稍后重试或使用本地账号登录。", 502)
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    state = jwt.encode(
        {"alg": "HS256"},
        {
            "p": name,
            "q": _query(request),
            "v": verifier,
            "n": nonce,
            "exp": int(time.time()) + STATE_LIFETIME,
        },
        _state_key(request.app.state.settings),
    )
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": _callback_uri(request, name),
        "scope": "openid",
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge.decode(),
        "code_challenge_method": "S256",
    }
    return RedirectResponse(
        metadata["authorization_endpoint"] + "?" + urlencode(params), 302, headers=NO_STORE
    )


@router.get("/oauth/federated/{name}/callback")
async def callback(name: str, request: Request) -> Response:
    provider = _providers(request).get(name)
    if provider is None:
        return _problem("未配置该统一身份认证提供方。", 404)
    try:
        state = jwt.decode(
            request.query_params.get("state", ""),
            _state_key(request.app.state.settings),
            algorithms=["HS256"],
        ).claims
        if state.get("p") != name or int(state.get("exp", 0)) < time.time():
            raise FederationError
        code = request.query_params.get("code")
        if not code:
            raise FederationError
        claims = await _id_token_claims(request, provider, code, state)
    except (JoseError, ValueError, FederationError, httpx.HTTPError):
        return _problem("统一身份认证返回的登录结果无效或已过期，请重新登录。")
    # Our own authorization request, as the app made it, checked again.
    request = Request({**request.scope, "query_string": urlencode(state["q"]).encode()})
    database: Database = request.app.state.gateway_db
    async with database.write_sessions() as session:
        store = _store(request, session)
        grant, refused = await _consent(request, store)
        if refused is not None:
            return refused
        issuer, subject = str(claims["iss"]), str(claims["sub"])
        user = await store.user_by_external(issuer, subject)
        if user is None:
            # A first login makes an applicant account; staff roles are granted by an admin.
            user = User(
                issuer=issuer,
                external_subject=subject,
                display_name=str(claims.get("name", ""))[:100],
                roles=Role.APPLICANT.value,
            )
            await store.add(user)
        elif user.disabled:
            return _problem("该账号已停用，请联系管理员。", 403)
        acr = (
            claims.get("acr") if claims.get("acr") in MFA_ACR_VALUES else f"urn:gongkai:acr:{name}"
        )
        oauth_user = OAuthUser(user, int(claims.get("auth_time") or time.time()), acr)
        result = await run_in_thread(
            store, _server(request).create_authorization_response, grant.request, oauth_user, grant
        )
        await session.commit()
    return _respond(*result)


async def _id_token_claims(
    request: Request, provider: Provider, code: str, state: dict[str, Any]
) -> dict[str, Any]:
    http: httpx.AsyncClient = request.app.state.http
    metadata = await provider.discover(http)
    response = await http.post(
        metadata["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": _callback_uri(request, provider.name),
            "code_verifier": state["v"],
        },
        auth=(provider.client_id, provider.client_secret),
    )
    response.raise_for_status()
    id_token = response.json().get("id_token")
    if not isinstance(id_token, str):
        raise FederationError
    try:
        decoded = jwt.decode(id_token, await provider.keys(http), algorithms=ID_TOKEN_ALGORITHMS)
    except JoseError:
        # An unknown kid after the provider rotated its keys: fetch them once more.
        decoded = jwt.decode(
            id_token, await provider.keys(http, refresh=True), algorithms=ID_TOKEN_ALGORITHMS
        )
    claims = decoded.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=60,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": provider.client_id},
        exp={"essential": True},
        sub={"essential": True},
        nonce={"essential": True, "value": state["n"]},
    )
    registry.validate(claims)
    return claims
