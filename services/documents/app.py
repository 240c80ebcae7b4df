"""The documents service app: 规章、行政规范性文件及其解读、附件、政府公报和全文检索."""

import contextlib
from collections.abc import AsyncIterator, Mapping

from fastapi import FastAPI
from starlette.types import ASGIApp

from services.common.app import build_service_app, peer_client
from services.documents.attachments.routes import router as attachments_router
from services.documents.exports.routes import router as exports_router
from services.documents.feed.routes import router as feed_router
from services.documents.gazette.routes import router as gazette_router
from services.documents.interpretations.routes import router as interpretations_router
from services.documents.ledger.routes import router as ledger_router
from services.documents.legacy.routes import router as legacy_router
from services.documents.lifecycle.routes import router as lifecycle_router
from services.documents.lifespan import documents_lifespan
from services.documents.records.routes import router as records_router
from services.documents.reference.routes import router as reference_router
from services.documents.reports.routes import router as reports_router
from services.documents.scheduler import scheduler_lifespan
from services.documents.search.routes import router as search_router
from services.documents.settings import DocumentsSettings
from services.documents.webhooks.routes import router as webhooks_router
from services.documents.workdays import NoticeCalendar

PEERS: tuple[str, ...] = ("catalog",)


def create_app(
    settings: DocumentsSettings | None = None, peers: Mapping[str, ASGIApp] | None = None
) -> FastAPI:
    """Build the documents app; ``peers`` are in-process apps of services without a URL."""
    settings = settings or DocumentsSettings()
    in_process = peers if peers is not None else {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            # An optional peer: the holiday notices (services/documents/workdays.py) are read
            # from requests when there is one. Looked up now, not when the app is built: the
            # composition root adds the requests app to ``peers`` after building this one.
            requests = None
            remote = bool(settings.service_url("requests"))
            if remote or "requests" in in_process:
                requests = peer_client("requests", settings, in_process)
                stack.push_async_callback(requests.aclose)
            notices = NoticeCalendar(requests, in_process=requests is not None and not remote)
            await stack.enter_async_context(
                scheduler_lifespan(app, notices, settings.documents_jobs_interval_seconds)
            )
            await stack.enter_async_context(documents_lifespan(app))
            yield

    return build_service_app(
        settings=settings,
        title="Gongkai 文件服务",
        description="规章、行政规范性文件及其解读、附件、政府公报和全文检索。",
        routers=[
            # GET /api/v1/documents is the document list, so this service has no index route.
            # Fixed paths (/types, /ledger …) before /{document_id}, which would shadow them.
            reference_router,
            webhooks_router,
            interpretations_router,
            gazette_router,
            ledger_router,
            legacy_router,
            reports_router,
            search_router,
            lifecycle_router,
            attachments_router,
            records_router,
            feed_router,
            exports_router,
        ],
        peers=peers,
        peer_names=PEERS,
        lifespan=lifespan,
    )
