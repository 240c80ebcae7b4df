"""The edge: what every request meets before a service sees it, and every response after.

Pure ASGI, nothing buffered: methods allowlisted, header and body sizes limited (413 before
the service is called), request smuggling refused, client-supplied identity and forwarding
headers dropped, CORS from an allowlist, rate limits, deny-by-default on the route table,
security headers and ``Cache-Control: no-store`` on anything personal.
"""

import fnmatch
import ipaddress
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.observability import PRINCIPAL_KEY, ROUTE_KEY
from gateway.ratelimit import Caller, Decision, RateLimiter
from gateway.routes import RouteTable
from services.common.auth import Principal, TokenVerifier
from services.common.errors import GongkaiError, problem_response

logger = logging.getLogger("gongkai.gateway.edge")

ALLOWED_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Headers only the gateway may set: identity, and where a request came from.
STRIPPED = frozenset(
    {
        "x-user-id",
        "x-user",
        "x-agency-id",
        "x-roles",
        "x-role",
        "x-scopes",
        "x-principal",
        "x-client-id",
        "x-authenticated-user",
        "x-remote-user",
        "remote-user",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-proto",
        "x-forwarded-port",
        "x-forwarded-prefix",
        "x-real-ip",
        "x-client-ip",
        "forwarded",
        "true-client-ip",
        "cf-connecting-ip",
    }
)
STRIPPED_BYTES = frozenset(name.encode() for name in STRIPPED)
SECURITY_HEADERS = [
    (b"strict-transport-security", b"max-age=31536000; includeSubDomains"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
_ALWAYS_DROPPED = frozenset({b"server", b"x-powered-by"} | {k for k, _ in SECURITY_HEADERS})
_PERSONAL_DROPPED = _ALWAYS_DROPPED | {b"cache-control", b"pragma"}
PERSONAL_PREFIXES = ("/api/v1/requests", "/oauth/")
CORS_ALLOWED_HEADERS = (
    "authorization, content-type, if-match, if-none-match, idempotency-key, x-request-id"
)
CORS_EXPOSED_HEADERS = (
    "etag, location, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, "
    "x-request-id"
)


class BodyTooLarge(Exception):
    """The request body grew past its limit while it was being read."""


@dataclass
class EdgeConfig:
    cors_origins: frozenset[str]
    max_body_bytes: int
    body_limits: Sequence[tuple[str, int]]
    max_header_bytes: int
    trusted_proxies: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
    rate_limits: bool
    service_prefixes: tuple[str, ...]

    @classmethod
    def build(
        cls,
        *,
        cors_origins: Sequence[str],
        max_body_bytes: int,
        body_limits: Mapping[str, int],
        max_header_bytes: int,
        trusted_proxies: Sequence[str],
        rate_limits: bool,
        service_prefixes: Sequence[str],
    ) -> "EdgeConfig":
        return cls(
            cors_origins=frozenset(o.rstrip("/") for o in cors_origins),
            max_body_bytes=max_body_bytes,
            body_limits=sorted(body_limits.items(), key=lambda i: len(i[0]), reverse=True),
            max_header_bytes=max_header_bytes,
            trusted_proxies=[ipaddress.ip_network(p, strict=False) for p in trusted_proxies],
            rate_limits=rate_limits,
            service_prefixes=tuple(service_prefixes),
        )

    def __post_init__(self) -> None:
        self._rules = [
            (rule, re.compile(fnmatch.translate(rule)) if "*" in rule else None, limit)
            for rule, limit in self.body_limits
        ]

    def body_limit(self, path: str) -> int:
        """The most specific rule: a path prefix, or a pattern with ``*`` (fnmatch)."""
        for prefix, pattern, limit in self._rules:
            if path.startswith(prefix) or (pattern is not None and pattern.match(path)):
                return limit
        return self.max_body_bytes


class PrincipalCache:
    """Verified callers by token, so the limiter does not re-verify a signature per request.

    Only used to choose the rate-limit key; the service verifies (and checks the denylist)
    itself.
    """

    def __init__(self, verifiers: Mapping[str, TokenVerifier], size: int = 10_000) -> None:
        self.verifiers = verifiers
        self.size = size
        self._cache: dict[str, tuple[Principal, float]] = {}

    async def principal(self, token: str, service: str | None) -> Principal | None:
        cached = self._cache.get(token)
        now = time.time()
        if cached is not None and cached[1] > now:
            return cached[0]
        verifier = self.verifiers.get(service or "") or next(iter(self.verifiers.values()), None)
        if verifier is None:
            return None
        try:
            principal = await verifier.verify(token)
        except GongkaiError:
            return None
        if len(self._cache) >= self.size:
            self._cache.clear()
        self._cache[token] = (principal, now + 60)
        return principal


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        config: EdgeConfig,
        *,
        limiter: RateLimiter | None,
        principals: PrincipalCache | None,
        routes: RouteTable,
        service_of: Callable[[str], str | None],
    ) -> None:
        self.app = app
        self.config = config
        self.limiter = limiter
        self.principals = principals
        self.routes = routes
        self.service_of = service_of

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        seen = _Seen(scope.get("headers", []))
        origin = seen.origin
        cors_ok = origin is not None and origin.rstrip("/") in self.config.cors_origins
        personal = path.startswith(PERSONAL_PREFIXES) or seen.authorization is not None
        extra: list[tuple[bytes, bytes]] = []
        allow_origin = [origin if cors_ok else None]  # a refused preflight names no origin

        async def send_edge(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _response_headers(
                    message.get("headers", []), personal, allow_origin[0], extra
                )
            await send(message)

        refusal = self._refuse(seen, method, path)
        if refusal is not None:
            await refusal(scope, receive, send_edge)
            return
        if method == "OPTIONS" and seen.preflight_method is not None:
            wanted = seen.preflight_method.upper()
            if not cors_ok or wanted not in ALLOWED_METHODS - {"OPTIONS"}:
                allow_origin[0] = None
                await _cors_refused()(scope, receive, send_edge)
            else:
                await _preflight_ok()(scope, receive, send_edge)
            return
        scope = self._clean(scope, seen)
        service = self.service_of(path)
        if service is not None and service in self.routes.loaded:
            refusal = self._undeclared(scope, method, path)
            if refusal is not None:
                await refusal(scope, receive, send_edge)
                return
        if self.config.rate_limits and self.limiter is not None:
            decision = await self._limit(scope, seen, method, service)
            extra.extend(decision.headers())
            if not decision.allowed:
                await _limited(decision)(scope, receive, send_edge)
                return
        await self._forward(scope, receive, send_edge, path, seen)

    async def _forward(
        self, scope: Scope, receive: Receive, send_edge: Send, path: str, seen: "_Seen"
    ) -> None:
        """Call the app with the body counted: over the limit, 413 before or instead of it."""
        limit = self.config.body_limit(path)
        if seen.lengths and int(seen.lengths[0]) > limit:
            await _too_large(limit)(scope, receive, send_edge)
            return
        state = {"started": False, "too_large": False}

        async def send_tracking(message: Message) -> None:
            if state["too_large"] and not state["started"]:
                return  # the app's answer to a cut-off body is replaced by our 413
            if message["type"] == "http.response.start":
                state["started"] = True
            await send_edge(message)

        try:
            await self.app(scope, _limited_receive(receive, limit, state), send_tracking)
        except BodyTooLarge:
            state["too_large"] = True
        if state["too_large"] and not state["started"]:
            state["started"] = True
            await _too_large(limit)(scope, receive, send_edge)

    def _refuse(self, seen: "_Seen", method: str, path: str) -> ASGIApp | None:
        if method not in ALLOWED_METHODS:
            return problem_response(
                status=405,
                code="method-not-allowed",
                title="不支持该请求方法",
                detail=f"不支持 {method[:20]} 请求方法。",
                headers={"Allow": ", ".join(sorted(ALLOWED_METHODS))},
                instance=path,
            )
        if seen.size > self.config.max_header_bytes:
            return problem_response(
                status=431,
                code="headers-too-large",
                title="请求头过大",
                detail="请求头超过了允许的大小，请减少 Cookie 或自定义请求头后重试。",
            )
        lengths = seen.lengths
        if (
            (lengths and seen.chunked)
            or len(set(lengths)) > 1
            or any(not v.isdigit() for v in lengths)
        ):
            # Request smuggling (ASVS 4.2.1): never forward an ambiguous body length.
            return problem_response(
                status=400,
                code="ambiguous-length",
                title="请求有误",
                detail="请求同时带有 Transfer-Encoding 与 Content-Length（或多个长度），已拒绝。",
            )
        return None

    def _undeclared(self, scope: Scope, method: str, path: str) -> ASGIApp | None:
        entry = self.routes.match(path)
        # The access log and metrics label the request with this template (no second lookup).
        scope.setdefault("state", {})[ROUTE_KEY] = entry
        if entry is None:
            return problem_response(
                status=404,
                code="not-found",
                title="未找到",
                detail="请求的地址不存在，请检查网址是否正确。",
                instance=path,
            )
        # A plain OPTIONS (not a CORS preflight) is answered here too: a service would list
        # only the methods of its first route matching the path in Allow, not all of them.
        if method not in entry.access:
            return problem_response(
                status=405,
                code="method-not-allowed",
                title="不支持该请求方法",
                detail="该地址不支持此请求方法。",
                headers={"Allow": ", ".join(sorted(entry.access))},
                instance=path,
            )
        return None

    def _client_ip(self, scope: Scope, seen: "_Seen") -> str:
        peer = (scope.get("client") or ("unknown", 0))[0]
        if not self.config.trusted_proxies or not _trusted(peer, self.config.trusted_proxies):
            return str(peer)
        # Walk X-Forwarded-For from the right, skipping our own proxies (ASVS 4.1.3).
        chain = [
            part.strip()
            for value in seen.forwarded_for
            for part in value.decode("latin-1").split(",")
            if part.strip()
        ]
        for hop in reversed(chain):
            if not _trusted(hop, self.config.trusted_proxies):
                return hop
        return str(peer)

    def _clean(self, scope: Scope, seen: "_Seen") -> Scope:
        client_ip = self._client_ip(scope, seen)
        headers = seen.kept
        headers.append((b"x-forwarded-for", client_ip.encode()))
        headers.append((b"x-forwarded-proto", scope.get("scheme", "http").encode()))
        scope = dict(scope)
        scope["headers"] = headers
        scope["client"] = (client_ip, (scope.get("client") or ("", 0))[1])
        return scope

    async def _limit(
        self, scope: Scope, seen: "_Seen", method: str, service: str | None
    ) -> Decision:
        assert self.limiter is not None
        caller = Caller("ip", scope["client"][0])
        authorization = seen.authorization
        if authorization and self.principals is not None:
            scheme, _, token = authorization.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                principal = await self.principals.principal(token.strip(), service)
                if principal is not None and principal.subject:
                    if principal.client_id and principal.subject == principal.client_id:
                        caller = Caller("client", principal.client_id)
                    else:
                        caller = Caller("user", principal.subject)
                    # For the access log: an opaque id, never a name.
                    scope.setdefault("state", {})[PRINCIPAL_KEY] = f"{caller.kind}:{caller.key}"
        return await self.limiter.check(caller, write=method not in SAFE_METHODS)


def _cors_refused() -> ASGIApp:
    return problem_response(
        status=403,
        code="cors-refused",
        title="跨域请求被拒绝",
        detail="该来源或请求方法不在允许的跨域名单中。",
    )


def _preflight_ok() -> ASGIApp:
    return Response(
        status_code=204,
        headers={
            "Access-Control-Allow-Methods": ", ".join(sorted(ALLOWED_METHODS - {"OPTIONS"})),
            "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
        },
    )


def _limited_receive(receive: Receive, limit: int, state: dict[str, bool]) -> Receive:
    """Counts the body as it streams; past the limit the app is told the client went away."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        if state["too_large"]:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                state["too_large"] = True
                return {"type": "http.disconnect"}
        return message

    return wrapped


def _too_large(limit: int) -> ASGIApp:
    mib = limit / (1024 * 1024)
    size = f"{mib:g} MB" if mib >= 1 else f"{limit // 1024} KB"
    return problem_response(
        status=413,
        code="payload-too-large",
        title="提交的内容过大",
        detail=f"请求体超过了该接口允许的 {size}，请压缩或拆分后重试。",
        headers={"Connection": "close"},
    )


def _limited(decision: Decision) -> ASGIApp:
    if decision.status == 503:
        return problem_response(
            status=503,
            code="rate-limit-unavailable",
            title="服务暂时不可用",
            detail="限流服务暂时不可用，写操作已暂停以保护系统，请稍后重试。",
            headers={"Retry-After": "5"},
        )
    return problem_response(
        status=429,
        code="too-many-requests",
        title="请求过于频繁",
        detail=f"请求过于频繁，请在 {max(1, decision.reset)} 秒后重试。",
    )


class _Seen:
    """What the edge needs from the request headers, read in one pass over them."""

    __slots__ = (
        "authorization", "chunked", "forwarded_for", "kept", "lengths", "origin",
        "preflight_method", "size",
    )  # fmt: skip

    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        self.size = 0
        self.origin: str | None = None
        self.authorization: str | None = None
        self.preflight_method: str | None = None
        self.lengths: list[bytes] = []
        self.chunked = False
        self.forwarded_for: list[bytes] = []
        # The headers a service may see: client-supplied identity and forwarding dropped.
        self.kept: list[tuple[bytes, bytes]] = []
        for key, value in headers:
            self.size += len(key) + len(value)
            name = key.lower()
            if name in STRIPPED_BYTES:
                if name == b"x-forwarded-for":
                    self.forwarded_for.append(value)
                continue
            self.kept.append((key, value))
            if name == b"authorization":
                if self.authorization is None:
                    self.authorization = value.decode("latin-1")
            elif name == b"content-length":
                self.lengths.append(value)
            elif name == b"transfer-encoding":
                self.chunked = True
            elif name == b"origin":
                if self.origin is None:
                    self.origin = value.decode("latin-1")
            elif name == b"access-control-request-method" and self.preflight_method is None:
                self.preflight_method = value.decode("latin-1")


def _response_headers(
    headers: list[tuple[bytes, bytes]],
    personal: bool,
    origin: str | None,
    extra: list[tuple[bytes, bytes]],
) -> list[tuple[bytes, bytes]]:
    drop = _PERSONAL_DROPPED if personal else _ALWAYS_DROPPED
    if extra:
        drop = drop | {k for k, _ in extra}
    out = [(k, v) for k, v in headers if k.lower() not in drop]
    out.extend(SECURITY_HEADERS)
    out.extend(extra)
    if personal:
        out.append((b"cache-control", b"no-store"))
        out.append((b"pragma", b"no-cache"))
    if origin is not None:
        # Bearer tokens, not cookies: credentials are never allowed, and never with "*".
        out.append((b"access-control-allow-origin", origin.encode("latin-1")))
        out.append((b"access-control-expose-headers", CORS_EXPOSED_HEADERS.encode()))
        out.append((b"vary", b"Origin"))
    return out


def _trusted(
    address: str, networks: Sequence[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    return any(ip in network for network in networks)
