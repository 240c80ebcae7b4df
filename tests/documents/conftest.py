"""Documents fixtures: the documents app with an in-process catalog, two agencies registered."""

from collections.abc import AsyncIterator

import pytest

from services.catalog.app import create_app as create_catalog
from services.catalog.settings import CatalogSettings
from services.documents.app import create_app as create_documents
from services.documents.settings import DocumentsSettings
from tests.conftest import ServiceSettingsFactory
from tests.support.apps import client_for
from tests.support.documents import World, register_agencies
from tests.support.tokens import TokenMinter

ATTACHMENT_LIMIT = 512 * 1024


@pytest.fixture
async def world(
    make_service_settings: ServiceSettingsFactory, tokens: TokenMinter
) -> AsyncIterator[World]:
    settings = await make_service_settings(["catalog", "documents"])
    assert isinstance(settings["catalog"], CatalogSettings)
    assert isinstance(settings["documents"], DocumentsSettings)
    catalog_app = create_catalog(settings["catalog"])
    # A small attachment limit, so the oversize test need not send 100 MiB; no periodic jobs,
    # so what a test records by hand is not done behind its back (tests/documents/test_scheduler.py
    # runs them).
    documents = settings["documents"].model_copy(
        update={"attachment_max_bytes": ATTACHMENT_LIMIT, "documents_jobs_interval_seconds": 0}
    )
    documents_app = create_documents(documents, peers={"catalog": catalog_app})
    async with client_for(catalog_app) as catalog, client_for(documents_app) as docs:
        agency, other = await register_agencies(catalog, tokens)
        yield World(
            docs=docs,
            catalog=catalog,
            tokens=tokens,
            database_url=documents.database_url,
            attachments_root=documents.attachments_root,
            catalog_database_url=settings["catalog"].database_url,
            data_dir=documents.data_dir,
            agency=agency,
            other=other,
        )
