"""The catalog service app: 行政区划、机关、26 个试点领域和政务公开事项标准目录."""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.catalog.agencies.routes import router as agencies_router
from services.catalog.changes.routes import router as changes_router
from services.catalog.divisions.routes import router as divisions_router
from services.catalog.domains.routes import router as domains_router
from services.catalog.excel.routes import router as excel_router
from services.catalog.exports.routes import router as exports_router
from services.catalog.items.routes import router as items_router
from services.catalog.settings import CatalogSettings
from services.catalog.templates.routes import router as templates_router
from services.catalog.versions.routes import router as versions_router
from services.common.app import build_service_app, service_index_router

PEERS: tuple[str, ...] = ()


def create_app(
    settings: CatalogSettings | None = None, peers: Mapping[str, ASGIApp] | None = None
) -> FastAPI:
    """Build the catalog app; ``peers`` are in-process apps of services without a URL."""
    settings = settings or CatalogSettings()
    return build_service_app(
        settings=settings,
        title="Gongkai 目录服务",
        description="行政区划、机关、26 个试点领域和政务公开事项标准目录。",
        routers=[
            service_index_router("catalog", "行政区划、机关、26 个试点领域和政务公开事项标准目录"),
            changes_router,
            divisions_router,
            agencies_router,
            domains_router,
            items_router,
            versions_router,
            templates_router,
            excel_router,
            exports_router,
        ],
        peers=peers,
        peer_names=PEERS,
    )
