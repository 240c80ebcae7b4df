"""The documents service app: 规章、行政规范性文件及其解读、附件、政府公报和全文检索."""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.common.app import build_service_app
from services.documents.lifecycle.routes import router as lifecycle_router
from services.documents.records.routes import router as records_router
from services.documents.reference.routes import router as reference_router
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
            # GET /api/v1/documents is the document list, so this service has no index route.
            # Fixed paths (/types, /ledger …) before /{document_id}, which would shadow them.
            reference_router,
            lifecycle_router,
            records_router,
        ],
        peers=peers,
        peer_names=PEERS,
    )
