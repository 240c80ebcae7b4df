"""The requests service app: 政府信息公开申请的登记、办理、期限、答复、统计和年度报告."""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.common.app import build_service_app, service_index_router
from services.requests.applications.routes import router as applications_router
from services.requests.holidays.routes import router as holidays_router
from services.requests.pii import PiiCipher
from services.requests.reports.routes import router as reports_router
from services.requests.settings import RequestsSettings

PEERS: tuple[str, ...] = ("catalog", "documents")


def create_app(
    settings: RequestsSettings | None = None, peers: Mapping[str, ASGIApp] | None = None
) -> FastAPI:
    """Build the requests app; ``peers`` are in-process apps of services without a URL."""
    settings = settings or RequestsSettings()
    app = build_service_app(
        settings=settings,
        title="Gongkai 依申请公开服务",
        description="政府信息公开申请的登记、办理、期限、答复、统计和年度报告。",
        routers=[
            service_index_router(
                "requests", "政府信息公开申请的登记、办理、期限、答复、统计和年度报告"
            ),
            # The calendar's fixed paths come before /api/v1/requests/{request_id}.
            holidays_router,
            reports_router,
            applications_router,
        ],
        peers=peers,
        peer_names=PEERS,
    )
    app.state.pii_cipher = PiiCipher.from_settings(settings)
    return app
