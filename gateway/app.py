"""The gateway app: the services' routes, each sent to its upstream, plus health and API docs."""

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.openapi import merge_openapi
from gateway.proxy import HttpUpstream
from gateway.services import SERVICES, build_service_apps, service_settings
from gateway.settings import GatewaySettings
from gateway.upstream import InProcessUpstream, Upstream
from services.common.errors import install_error_handlers, problem_response
from services.common.jsonutil import dumps, loads
from services.common.requestid import RequestIdMiddleware
from services.common.settings import ServiceSettings

logger = logging.getLogger("gongkai.gateway")

VERSION = "0.1.0"
DESCRIPTION = (
    "Gongkai（公开）政务公开后端：政务公开事项标准目录、规范性文件库与全文检索、"
    "依申请公开办理与年度报告。所有错误均以 application/problem+json 返回。"
)


class Gateway:
    """Sends each request to the upstream owning its path prefix; the rest to the gateway's API."""

    def __init__(self, api: FastAPI, routes: Mapping[str, Upstream]) -> None:
        self.api = api
        # Longest prefix first; a prefix matches itself and anything below it.
        self.routes = sorted(routes.items(), key=lambda item: len(item[0]), reverse=True)
        self._app: ASGIApp = RequestIdMiddleware(self._dispatch)

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
            )
            if url
            else InProcessUpstream(entry.name, apps[entry.name])
        )
    api = _gateway_api(settings, upstreams)
    routes = {prefix: upstreams[e.name] for e in SERVICES for prefix in e.prefixes}
    return Gateway(api, routes)


def _gateway_api(settings: GatewaySettings, upstreams: Mapping[str, Upstream]) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            for upstream in upstreams.values():
                await stack.enter_async_context(upstream.lifespan())
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
    install_error_handlers(api)
    merged: dict[str, Any] = {}

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


async def _ready(upstream: Upstream) -> dict[str, Any]:
    try:
        status, body = await asyncio.wait_for(upstream.fetch("/readyz"), timeout=5)
    except Exception as exc:
        logger.warning("readiness of %s failed: %s", upstream.name, type(exc).__name__)
        return {"status": "unreachable"}
    details = loads(body) if body else {}
    return {"status": "ok" if status == 200 else "failed", "checks": details.get("checks", {})}
