"""HTTP endpoints of the authorization server: discovery, JWKS, authorize, token,
revocation, introspection, and the denylist the services poll."""

import html
import logging
import time
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
from authlib.oauth2 import OAuth2Error
from fastapi import APIRouter, Request
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from gateway.oauth.passwords import verify_password
from gateway.oauth.scopes import SCOPES_SUPPORTED
from gateway.oauth.server import AuthorizationServer, OAuthUser, oauth_request, run_in_thread
from gateway.oauth.store import GatewayDenylist, OAuthStore
from gateway.ratelimit import RateLimiter
from gateway.settings import GatewaySettings
from services.common.db import Database
from services.common.errors import problem_response
from services.common.jsonutil import dumps

logger = logging.getLogger("gongkai.gateway.oauth")
audit = logging.getLogger("gongkai.audit")

router = APIRouter(include_in_schema=False)

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OAUTH_PARAMS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "nonce",
)
MAX_FORM_FIELDS = 20


def _server(request: Request) -> AuthorizationServer:
    server: AuthorizationServer = request.app.state.oauth
    return server


def _store(request: Request, session: Any) -> OAuthStore:
    denylist: GatewayDenylist = request.app.state.denylist
    return OAuthStore(session, denylist)


def _uri(request: Request) -> str:
    # TLS ends in front of the gateway; authlib's transport check would refuse plain http.
    return "https://" + (request.url.netloc or "gateway") + request.url.path


def _respond(status: int, body: Any, headers: list[tuple[str, str]]) -> Response:
    response = Response(
        dumps(body) if isinstance(body, dict) else (body or b""),
        status_code=status,
        media_type="application/json" if isinstance(body, dict) else None,
    )
    for key, value in headers:
        response.headers[key] = value
    response.headers.update(NO_STORE)
    return response


async def _form(request: Request) -> dict[str, str]:
    form: FormData = await request.form(max_files=0, max_fields=MAX_FORM_FIELDS)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _headers(request: Request) -> Any:
    return request.headers  # case-insensitive, as authlib looks up "Authorization"


async def _endpoint(request: Request, name: str | None) -> Response:
    """Run the token endpoint (``name`` None) or a named endpoint in one unit of work."""
    database: Database = request.app.state.gateway_db
    data = await _form(request)
    oauth = oauth_request("POST", _uri(request), _headers(request), data)
    server = _server(request)
    async with database.write_sessions() as session:
        store = _store(request, session)
        if name is None:
            result = await run_in_thread(store, server.token_response, oauth)
        else:
            result = await run_in_thread(store, server.endpoint_response, name, oauth)
        # Committed whatever the outcome: a refused replay has just revoked a family.
        await session.commit()
    return _respond(*result)


@router.post("/oauth/token")
async def token(request: Request) -> Response:
    return await _endpoint(request, None)


@router.post("/oauth/revoke")
async def revoke(request: Request) -> Response:
    return await _endpoint(request, "revocation")


@router.post("/oauth/introspect")
async def introspect(request: Request) -> Response:
    return await _endpoint(request, "introspection")


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k in OAUTH_PARAMS}


async def _consent(request: Request, store: OAuthStore) -> tuple[Any, Response | None]:
    """The validated grant, or the response refusing the request (never an unchecked redirect)."""
    server = _server(request)
    query = _query(request)
    oauth = oauth_request(request.method, _uri(request), _headers(request), {}, query)
    # Repeated parameters are refused (RFC 6749 §3.1): the dict above would hide them.
    repeated = [k for k in OAUTH_PARAMS if len(request.query_params.getlist(k)) > 1]
    if repeated:
        return None, _oauth_problem("invalid_request", f"参数重复：{'、'.join(repeated)}")
    try:
        grant = await run_in_thread(store, server.get_consent_grant, oauth, None)
    except OAuth2Error as error:
        if error.redirect_uri:
            status, body, headers = error()
            return None, _respond(status, body, headers)
        return None, _oauth_problem(error.error, error.description or "")
    return grant, None


def _oauth_problem(error: str, description: str) -> Response:
    return problem_response(
        status=400,
        code=f"oauth-{error.replace('_', '-')}",
        title="授权请求无效",
        detail="授权请求无效（" + error + "），请检查应用的登录配置后重试。",
        extra={"error": error, "error_description": description},
        headers=NO_STORE,
    )


@router.get("/oauth/authorize")
async def authorize_page(request: Request) -> Response:
    database: Database = request.app.state.gateway_db
    async with database.sessions() as session:
        _grant, refused = await _consent(request, _store(request, session))
    if refused is not None:
        return refused
    providers = request.app.state.settings.oidc_providers
    query = html.escape(urlencode(_query(request)))
    links = "".join(
        f'<p><a href="/oauth/federated/{html.escape(name)}?{query}">'
        f"通过 {html.escape(name)} 统一身份认证登录</a></p>"
        for name in providers
    )
    page = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>登录 · Gongkai 公开</title>'
        f'<form method="post" action="/oauth/authorize?{html.escape(urlencode(_query(request)))}">'
        '<label>用户名 <input name="username" autocomplete="username" required></label>'
        '<label>密码 <input name="password" type="password" autocomplete="current-password" '
        'required></label><button type="submit">登录</button></form>'
        f"{links}</html>"
    )
    return HTMLResponse(page, headers={**NO_STORE, "X-Frame-Options": "DENY"})


@router.post("/oauth/authorize")
async def authorize(request: Request) -> Response:
    settings: GatewaySettings = request.app.state.settings
    limiter: RateLimiter = request.app.state.limiter
    database: Database = request.app.state.gateway_db
    form = await _form(request)
    username = form.get("username", "").strip()[:100]
    password = form.get("password", "")[:200]
    client_ip = request.client.host if request.client else "unknown"
    if not await limiter.login_attempt(
        f"user:{username.lower()}", settings.login_attempts
    ) or not await limiter.login_attempt(f"ip:{client_ip}", settings.login_attempts * 4):
        audit.warning(
            "login locked out after too many attempts",
            extra={"event": "login-lockout", "account": username[:2] + "***"},
        )
        return problem_response(
            status=429,
            code="login-throttled",
            title="登录尝试过于频繁",
            detail="登录失败次数过多，请 15 分钟后再试；如忘记密码请联系本机关管理员。",
            headers={"Retry-After": "900", **NO_STORE},
        )
    async with database.write_sessions() as session:
        store = _store(request, session)
        grant, refused = await _consent(request, store)
        if refused is not None:
            return refused
        user = await store.user_by_name(username) if username else None
        valid = await anyio.to_thread.run_sync(
            verify_password, user.password_hash if user else None, password
        )
        if user is None or not valid or user.disabled:
            return problem_response(
                status=401,
                code="login-failed",
                title="用户名或密码不正确",
                detail="用户名或密码不正确，请重新输入。",
                headers=NO_STORE,
            )
        result = await run_in_thread(
            store,
            _server(request).create_authorization_response,
            grant.request,
            OAuthUser(user, int(time.time())),
            grant,
        )
        await session.commit()
    return _respond(*result)


@router.get("/.well-known/openid-configuration")
async def discovery(request: Request) -> Response:
    issuer = _server(request).issuer
    document = {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/oauth/authorize",
        "token_endpoint": issuer + "/oauth/token",
        "revocation_endpoint": issuer + "/oauth/revoke",
        "introspection_endpoint": issuer + "/oauth/introspect",
        "jwks_uri": issuer + "/.well-known/jwks.json",
        "scopes_supported": sorted(SCOPES_SUPPORTED),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials", "refresh_token"],
        "token_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "private_key_jwt",
            "none",
        ],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "private_key_jwt"],
        "introspection_endpoint_auth_methods_supported": [
            "client_secret_basic",
            "private_key_jwt",
        ],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }
    return Response(dumps(document), media_type="application/json")


@router.get("/.well-known/jwks.json")
async def jwks(request: Request) -> Response:
    return Response(
        dumps(_server(request).keys.public_jwks),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=60"},
    )


@router.get("/oauth/denylist")
async def denylist(request: Request) -> Response:
    """What services poll in the distributed mode: opaque token ids and subject ids only."""
    source: GatewayDenylist = request.app.state.denylist
    snapshot = await source.snapshot()
    return Response(
        dumps({"jtis": sorted(snapshot.jtis), "not_before": snapshot.not_before}),
        media_type="application/json",
        headers=NO_STORE,
    )
