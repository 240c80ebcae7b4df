"""Each service's migrations build exactly the schema its models describe, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from gateway.services import SERVICES
from services.common.db import Database
from tests.conftest import FreshDatabase


@pytest.mark.parametrize("service", [*(e.name for e in SERVICES), "gateway"])
async def test_migrations_match_the_models(fresh_database: FreshDatabase, service: str) -> None:
    url = await fresh_database(service)
    package = "gateway" if service == "gateway" else f"services.{service}"
    module = __import__(f"{package}.db", fromlist=["metadata"])
    database = Database(url)
    try:
        async with database.engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync_conn: compare_metadata(
                    MigrationContext.configure(
                        sync_conn, opts={"compare_type": True, "render_as_batch": True}
                    ),
                    module.metadata,
                )
            )
    finally:
        await database.dispose()
    ignored = {f"alembic_version_{service}"}
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name in ignored)]
    assert diff == [], f"{service}: models and migrations differ, write a migration: {diff}"
