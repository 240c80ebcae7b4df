"""What every service app has in common: errors, request ids, health, tokens, the database."""

import copy
import functools
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.types import ASGIApp

from services.common.auth import (
    Access,
    DenylistSource,
    HttpDenylist,
    KeySource,
    Principal,
    TokenVerifier,
    declared_access,
    denylist_check,
    public,
)
from services.common.client import ServiceClient
from services.common.db import Database
from services.common.errors import install_error_handlers
from services.common.health import ReadinessCheck
from services.common.health import router as health_router
from services.common.inputguard import NulGuardMiddleware
from services.common.requestid import RequestIdMiddleware
from services.common.settings import CommonSettings, ServiceSettings

API_PREFIXES = ("/api/", "/feeds/")
ExtraLifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def audience(service: str) -> str:
    """The ``aud`` value a token must carry to be accepted by ``service``."""
    return f"gongkai:{service}"


class ServiceApp(FastAPI):
    """FastAPI with the request id outermost, so even a 500 carries it."""

    def build_middleware_stack(self) -> ASGIApp:
        return RequestIdMiddleware(NulGuardMiddleware(super().build_middleware_stack()))


def build_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    peers: Mapping[str, ASGIApp] | None = None,
    peer_names: Sequence[str] = (),
    lifespan: ExtraLifespan | None = None,
    version: str = "0.1.0",
) -> FastAPI:
    """A service app; ``peers`` are in-process apps for peers that have no URL configured."""
    name = settings.service_name

    @asynccontextmanager
    async def app_lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            database = Database(settings.database_url)
            stack.push_async_callback(database.dispose)
            app.state.db = database
            app.state.readiness_checks = {"database": _database_check(database)}
            app.state.token_verifier = token_verifier(
                settings, name, getattr(app.state, "denylist", None)
            )
            app.state.peers = {}
            for peer in peer_names:
                client = peer_client(peer, settings, peers or {})
                stack.push_async_callback(client.aclose)
                app.state.peers[peer] = client
            if lifespan is not None:
                await stack.enter_async_context(lifespan(app))
            yield

    app = ServiceApp(
        title=title,
        description=description,
        version=version,
        lifespan=app_lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health_router)
    for router in routers:
        app.include_router(router)
    app.state.access_table = access_table(app)
    _document_access(app)
    return app


def token_verifier(
    settings: CommonSettings, service: str, denylist: DenylistSource | None = None
) -> TokenVerifier:
    """``denylist``: the gateway's, handed over by the composition root in the all-in-one mode."""
    keys = (
        KeySource(url=settings.jwks_url)
        if settings.jwks_url
        else KeySource(path=settings.data_dir / "keys" / "jwks.json")
    )
    if settings.denylist_url:
        denylist = HttpDenylist(settings.denylist_url)
    return TokenVerifier(
        issuer=settings.token_issuer,
        audience=audience(service),
        keys=keys,
        is_revoked=denylist_check(denylist) if denylist is not None else None,
    )


def peer_client(peer: str, settings: ServiceSettings, apps: Mapping[str, ASGIApp]) -> ServiceClient:
    url = settings.service_url(peer)
    if url:
        return ServiceClient(peer, base_url=url)
    if peer not in apps:
        raise RuntimeError(f"{peer} has neither GONGKAI_{peer.upper()}_URL nor an in-process app")
    return ServiceClient(peer, app=apps[peer])


def access_table(app: FastAPI) -> dict[tuple[str, str], Access]:
    """Every API route's declared access; an undeclared route stops the app from being built."""
    table: dict[tuple[str, str], Access] = {}
    # FastAPI keeps included routers nested; iter_route_contexts yields the effective routes.
    for route in iter_route_contexts(app.routes):
        path = str(route.path)
        if not isinstance(route.original_route, APIRoute) or not path.startswith(API_PREFIXES):
            continue
        access = declared_access(_calls(route.dependant))
        if access is None:
            raise RuntimeError(f"route {path} declares no access (use requires() or public())")
        for method in route.methods or ():
            table[(method, path)] = access
    return table


def _calls(dependant: Any) -> list[object]:
    calls = [dependant.call]
    for sub in dependant.dependencies:
        calls.extend(_calls(sub))
    return calls


# OpenAPI documents already built in this process, by what they are made of (see _schema_key),
# with the route objects whose ids the key holds (kept alive, so no id is reused).
_SCHEMAS: dict[tuple[object, ...], tuple[list[object], dict[str, Any]]] = {}


def _schema_key(app: FastAPI) -> tuple[tuple[object, ...], list[object]]:
    """What an app's OpenAPI document is made of: its title, version and servers, and each
    route as declared (the route objects of the module-level routers)."""
    # Only APIRoutes are documented (FastAPI's own /openapi.json route is made per app).
    contexts = [
        c for c in iter_route_contexts(app.routes) if isinstance(c.original_route, APIRoute)
    ]
    routes = tuple((c.path, frozenset(c.methods or ()), id(c.original_route)) for c in contexts)
    servers = tuple(str(server) for server in app.servers or ())
    key = (app.title, app.description, app.version, app.openapi_version, servers, routes)
    return key, [c.original_route for c in contexts]


def _document_access(app: FastAPI) -> None:
    """Publish each route's access in the OpenAPI document as ``x-gongkai-access``.

    Building the document costs 0.5–0.9 CPU-s per service, and the gateway fetches it at every
    start (its route table); a process that builds the same app again (the test suite, over a
    thousand times) reuses a copy of the first one.
    """
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        key, routes = _schema_key(app)
        if key in _SCHEMAS:
            built = _SCHEMAS[key][1]
        else:
            built = original()
            for (method, path), access in app.state.access_table.items():
                operation = built.get("paths", {}).get(path, {}).get(method.lower())
                if operation is not None:
                    operation["x-gongkai-access"] = access.describe()
            _document_problems(built)
            _SCHEMAS[key] = (routes, built)
        app.openapi_schema = copy.deepcopy(built)  # callers may change theirs
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


PROBLEM_REF = "#/components/schemas/Problem"
VALIDATION_REFS = {"#/components/schemas/HTTPValidationError", PROBLEM_REF}


def _document_problems(schema: dict[str, Any]) -> None:
    """Errors are served as application/problem+json; say so, with the Problem schema.

    FastAPI documents its own 422 as application/json with HTTPValidationError, and a declared
    problem response under both media types; clients (and schemathesis) would expect JSON
    bodies of the wrong shape or media type.
    """
    if "Problem" not in schema.get("components", {}).get("schemas", {}):
        return
    problem = {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            # Any request may be malformed (NUL characters, a body that is not JSON): 400.
            operation.setdefault("responses", {}).setdefault(
                "400", {"description": "请求有误", "content": problem}
            )
            for status, response in operation["responses"].items():
                if not str(status).isdigit() or int(status) < 400:
                    continue
                content = response.get("content", {})
                ref = content.get("application/json", {}).get("schema", {}).get("$ref")
                if ref not in VALIDATION_REFS:
                    continue
                response["content"] = problem
                if str(status) == "422" and response.get("description") == "Validation Error":
                    response["description"] = "提交的数据未通过校验"


def _database_check(database: Database) -> ReadinessCheck:
    async def check() -> dict[str, Any]:
        await database.ping()
        return {}

    return check


@functools.cache  # one router per service, like the module-level ones (see _schema_key)
def service_index_router(service: str, summary: str, version: str = "0.1.0") -> APIRouter:
    """``GET /api/v1/<service>``: what this service is, for people and for routing checks."""
    router = APIRouter(tags=["服务信息"])

    @router.get(f"/api/v1/{service}", summary=f"{service} 服务信息")
    async def index(_caller: Principal = public()) -> dict[str, str]:
        """The service's name, version and purpose."""
        return {"service": service, "version": version, "summary": summary}

    return router
