"""Catalog fixtures: a session on a fresh catalog database, and the catalog app alone."""

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.app import create_app
from services.catalog.divisions import service as divisions
from services.catalog.settings import CatalogSettings
from services.common.db import Database
from tests.conftest import FreshDatabase, ServiceSettingsFactory
from tests.support.apps import client_for
from tests.support.catalog import ZHANGYE_DIVISIONS


@pytest.fixture
async def session(fresh_database: FreshDatabase) -> AsyncIterator[AsyncSession]:
    """A write session on a fresh catalog database holding the Zhangye divisions."""
    database = Database(await fresh_database("catalog"))
    try:
        async with database.write_sessions() as db_session:
            await divisions.load(db_session, rows=ZHANGYE_DIVISIONS)
            yield db_session
    finally:
        await database.dispose()


@pytest.fixture
async def catalog(
    make_service_settings: ServiceSettingsFactory,
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client for the catalog app alone (faster than the whole gateway)."""
    settings = (await make_service_settings(["catalog"]))["catalog"]
    assert isinstance(settings, CatalogSettings)
    async with client_for(create_app(settings)) as client:
        yield client
