"""The documents service app: 规章、行政规范性文件及其解读、附件、政府公报和全文检索."""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.common.app import build_service_app, service_index_router
from services.documents.settings import DocumentsSettings

PEERS: tuple[str, ...] = ("catalog",)


def create_app(
    settings: DocumentsSettings | None = None, peers: Mapping[str, ASGIApp] | None = None
) -> FastAPI:
    """Build the documents app; ``peers`` are in-process apps of services without a URL."""
    settings = settings or DocumentsSettings()
    return build_service_app(
        settings=settings,
        title="Gongkai 文件服务",
        description="规章、行政规范性文件及其解读、附件、政府公报和全文检索。",
        routers=[
            service_index_router(
                "documents", "规章、行政规范性文件及其解读、附件、政府公报和全文检索"
            )
        ],
        peers=peers,
        peer_names=PEERS,
    )
