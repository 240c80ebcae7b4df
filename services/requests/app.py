"""The requests service app: 政府信息公开申请的登记、办理、期限、答复、统计和年度报告."""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.common.app import build_service_app, service_index_router
from services.requests.settings import RequestsSettings

PEERS: tuple[str, ...] = ("catalog", "documents")


def create_app(
    settings: RequestsSettings | None = None, peers: Mapping[str, ASGIApp] | None = None
) -> FastAPI:
    """Build the requests app; ``peers`` are in-process apps of services without a URL."""
    settings = settings or RequestsSettings()
    return build_service_app(
        settings=settings,
        title="Gongkai 依申请公开服务",
        description="政府信息公开申请的登记、办理、期限、答复、统计和年度报告。",
        routers=[
            service_index_router(
                "requests", "政府信息公开申请的登记、办理、期限、答复、统计和年度报告"
            )
        ],
        peers=peers,
        peer_names=PEERS,
    )
