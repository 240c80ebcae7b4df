"""The gateway app: the services' routes, each sent to its upstream, plus health and API docs."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.database import ensure_gateway_database
from gateway.edge import Edge, EdgeConfig, PrincipalCache
from gateway.oauth.federation import Provider
from gateway.oauth.federation import router as federation_router
from gateway.oauth.keys import load_signing_keys
from gateway.oauth.routes import router as oauth_router
from gateway.oauth.server import AuthorizationServer
from gateway.oauth.store import GatewayDenylist
from gateway.observability import Metrics, Observability
from gateway.openapi import merge_openapi
from gateway.proxy import CircuitBreaker, HttpUpstream
from gateway.ratelimit import build_limiter
from gateway.routes import RouteTable
from gateway.services import SERVICES, build_service_apps, service_settings
from gateway.settings import GatewaySettings
from gateway.upstream import InProcessUpstream, Upstream
from services.common.app import token_verifier
from services.common.db import Database
from services.common.errors import install_error_handlers, problem_response
from services.common.jsonutil import dumps, loads
from services.common.requestid import RequestIdMiddleware
from services.common.settings import Environment, ServiceSettings

logger = logging.getLogger("gongkai.gateway")

VERSION = "0.1.0"
DESCRIPTION = (
    "Gongkai（公开）政务公开后端：政务公开事项标准目录、规范性文件库与全文检索、"
    "依申请公开办理与年度报告。所有错误均以 application/problem+json 返回。"
)


class Gateway:
    """Sends each request to the upstream owning its path prefix; the rest to the gateway's API."""

    def __init__(
        self,
        api: FastAPI,
        routes: Mapping[str, Upstream],
        edge: Callable[[ASGIApp], ASGIApp] | None = None,
    ) -> None:
        self.api = api
        # Longest prefix first; a prefix matches itself and anything below it.
        self.routes = sorted(routes.items(), key=lambda item: len(item[0]), reverse=True)
        inner: ASGIApp = self._dispatch if edge is None else edge(self._dispatch)
        self._app: ASGIApp = RequestIdMiddleware(inner)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._app(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            for prefix, upstream in self.routes:
                if path == prefix or path.startswith(prefix + "/"):
                    await upstream(scope, receive, send)
                    return
        await self.api(scope, receive, send)


def create_app(
    settings: GatewaySettings | None = None,
    services: Mapping[str, ServiceSettings] | None = None,
) -> Gateway:
    """The whole system: services without a URL run in this process, the others are proxied."""
    settings = settings or GatewaySettings()
    per_service = service_settings(services)
    local = {e.name for e in SERVICES if not settings.service_url(e.name)}
    apps = build_service_apps(per_service, only=local)
    denylist = GatewayDenylist()
    for app in apps.values():
        # In-process services honour the gateway's denylist directly (no HTTP polling).
        app.state.denylist = denylist
    metrics = Metrics()

    def breaker_gauge(name: str) -> Callable[[bool], None]:
        return lambda is_open: metrics.circuit_open.labels(name).set(1 if is_open else 0)

    upstreams: dict[str, Upstream] = {}
    for entry in SERVICES:
        url = settings.service_url(entry.name)
        upstreams[entry.name] = (
            HttpUpstream(
                entry.name,
                url,
                connect_timeout=settings.upstream_connect_timeout,
                read_timeout=settings.upstream_read_timeout,
                route_timeouts=settings.route_timeouts,
                pool_size=settings.upstream_pool_size,
                breaker=CircuitBreaker(
                    settings.circuit_failures,
                    settings.circuit_open_seconds,
                    on_change=breaker_gauge(entry.name),
                ),
            )
            if url
            else InProcessUpstream(entry.name, apps[entry.name])
        )
    route_table = RouteTable()
    api = _gateway_api(settings, upstreams, denylist, route_table, metrics)
    routes = {prefix: upstreams[e.name] for e in SERVICES for prefix in e.prefixes}
    config = EdgeConfig.build(
        cors_origins=settings.cors_origins,
        max_body_bytes=settings.max_body_bytes,
        body_limits=settings.body_limits,
        max_header_bytes=settings.max_header_bytes,
        trusted_proxies=settings.trusted_proxies,
        rate_limits=settings.rate_limit_enabled,
        service_prefixes=list(routes),
    )
    verifiers = {e.name: token_verifier(settings, e.name) for e in SERVICES}
    prefixes = sorted(routes.items(), key=lambda item: len(item[0]), reverse=True)

    def service_of(path: str) -> str | None:
        for prefix, upstream in prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                return upstream.name
        return None

    def edge(app: ASGIApp) -> ASGIApp:
        inner = Edge(
            app,
            config,
            limiter=api.state.limiter,
            principals=PrincipalCache(verifiers),
            routes=route_table,
            service_of=service_of,
        )
        return Observability(inner, api.state.metrics, route_table)

    return Gateway(api, routes, edge)


def _gateway_api(
    settings: GatewaySettings,
    upstreams: Mapping[str, Upstream],
    denylist: GatewayDenylist,
    route_table: RouteTable,
    metrics: Metrics,
) -> FastAPI:
    generate = settings.generate_signing_key
    if generate is None:
        generate = settings.environment is not Environment.PRODUCTION
    keys = load_signing_keys(settings.data_dir, generate=generate)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            stack.push_async_callback(api.state.limiter.aclose)
            await ensure_gateway_database(settings.database_url)
            database = Database(settings.database_url)
            stack.push_async_callback(database.dispose)
            api.state.gateway_db = database
            denylist.database = database
            api.state.http = await stack.enter_async_context(httpx.AsyncClient(timeout=10))
            for upstream in upstreams.values():
                await stack.enter_async_context(upstream.lifespan())
            await load_route_table(route_table, upstreams)
            yield

    api = FastAPI(
        title="Gongkai 公开",
        version=VERSION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    api.state.settings = settings
    api.state.upstreams = upstreams
    api.state.denylist = denylist
    api.state.oauth = AuthorizationServer(
        issuer=settings.token_issuer,
        keys=keys,
        access_lifetime=settings.access_token_lifetime,
        refresh_lifetime=settings.refresh_token_lifetime,
        code_lifetime=settings.authorization_code_lifetime,
    )
    api.state.metrics = metrics
    api.state.limiter = build_limiter(settings, on_degraded=metrics.rate_limit_degraded.inc)
    install_error_handlers(api)
    api.include_router(oauth_router)
    api.include_router(federation_router)
    api.state.oidc_providers = {
        name: Provider(name, config) for name, config in settings.oidc_providers.items()
    }
    merged: dict[str, Any] = {}

    @api.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @api.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        results = await asyncio.gather(*(_ready(u) for u in upstreams.values()))
        checks = dict(zip(upstreams, results, strict=True))
        failed = [name for name, result in checks.items() if result["status"] != "ok"]
        if failed:
            return problem_response(
                status=503,
                code="not-ready",
                title="服务尚未就绪",
                detail="以下服务暂不可用：" + "、".join(failed),
                extra={"checks": checks},
            )
        return Response(dumps({"status": "ready", "checks": checks}), media_type="application/json")

    public_docs = settings.public_docs
    if public_docs is None:
        public_docs = settings.environment is not Environment.PRODUCTION
    if public_docs:  # the public host of a production install shows no API docs (CFG-02)

        @api.get("/openapi.json", include_in_schema=False)
        async def openapi() -> Response:
            if not merged:
                documents: dict[str, dict[str, Any]] = {}
                for name, upstream in upstreams.items():
                    status, body = await upstream.fetch("/openapi.json")
                    if status != 200:
                        return problem_response(
                            status=503,
                            code="not-ready",
                            title="服务尚未就绪",
                            detail=f"暂时无法取得 {name} 服务的接口说明，请稍后重试。",
                        )
                    documents[name] = loads(body)
                merged.update(
                    merge_openapi(
                        documents, title="Gongkai 公开", version=VERSION, description=DESCRIPTION
                    )
                )
            return Response(dumps(merged), media_type="application/json")

        @api.get("/docs", include_in_schema=False)
        async def docs() -> HTMLResponse:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="Gongkai 公开 · 接口文档")

    return api


async def load_route_table(table: RouteTable, upstreams: Mapping[str, Upstream]) -> None:
    """Each service's routes from its OpenAPI document; a service that is down is skipped
    (its requests then go through unchecked until the next start, and it answers itself)."""
    for name, upstream in upstreams.items():
        if name in table.loaded:
            continue
        try:
            status, body = await asyncio.wait_for(upstream.fetch("/openapi.json"), timeout=5)
        except Exception as exc:
            logger.warning("route table of %s unavailable: %s", name, type(exc).__name__)
            continue
        if status == 200:
            table.add_document(name, body)


async def _ready(upstream: Upstream) -> dict[str, Any]:
    try:
        status, body = await asyncio.wait_for(upstream.fetch("/readyz"), timeout=5)
    except Exception as exc:
        logger.warning("readiness of %s failed: %s", upstream.name, type(exc).__name__)
        return {"status": "unreachable"}
    details = loads(body) if body else {}
    return {"status": "ok" if status == 200 else "failed", "checks": details.get("checks", {})}
