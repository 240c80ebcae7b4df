"""Upgrading a database that holds data: from the previous release's schema to head.

The previous schema of each service is the head of an earlier commit: the revision before
the newest (so the newest migration always meets data), and the heads of commit 442c907
(before the gateway's authorization server and the annual report were merged). The data is
what the system writes today (every service's demo data, a submitted request with an
attachment, a user and a client), copied column by column into the tables the old schema
has; after the upgrade every copied row must be there unchanged and readable via the API.
"""

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from gateway.app import create_app
from gateway.oauth.admin import create_client, create_user
from gateway.services import BY_NAME
from gateway.settings import GatewaySettings
from services.common.auth import Role
from services.common.db import Database
from services.common.migrations import alembic_config, upgrade
from services.common.settings import ServiceSettings
from tests.conftest import FreshDatabase
from tests.support.apps import client_for
from tests.support.databases import DatabaseFactory
from tests.support.documents import DOCS
from tests.support.oauth import PASSWORD, database
from tests.support.requests import BASE, officer, request_body
from tests.support.tokens import TokenMinter

pytestmark = pytest.mark.slow
SERVICES = ("catalog", "documents", "requests")
# The heads of commit 442c907, the last state before issue 3 and 4 were merged (the
# gateway had no database then: it starts from empty).
RELEASE_442C907 = {
    "catalog": "catalog_0005",
    "documents": "documents_0002",
    "requests": "requests_0002",
    "gateway": None,
}


def previous_revision(service: str) -> str | None:
    scripts = ScriptDirectory.from_config(alembic_config(service, "sqlite://"))
    head = scripts.get_revision(scripts.get_current_head())
    assert head is not None
    down = head.down_revision
    assert down is None or isinstance(down, str)
    return down


async def with_connection(url: str, work: Any) -> Any:
    db = Database(url)
    try:
        async with db.write_sessions() as session:
            conn = await session.connection()
            result = await conn.run_sync(work)
            await session.commit()
            return result
    finally:
        await db.dispose()


def _reflect(conn: Connection) -> sa.MetaData:
    metadata = sa.MetaData()
    metadata.reflect(bind=conn)
    return metadata


def _rows(conn: Connection) -> dict[str, list[dict[str, Any]]]:
    metadata = _reflect(conn)
    return {
        name: [dict(r) for r in conn.execute(sa.select(table)).mappings()]
        for name, table in metadata.tables.items()
        if not name.startswith("alembic_version")
    }


def _copy_into(rows: Mapping[str, list[dict[str, Any]]]) -> Any:
    """Insert the rows (only the columns the old tables have) in foreign-key order, skipping
    those the migrations already put there (seeded data); returns what was inserted."""

    def work(conn: Connection) -> dict[str, list[dict[str, Any]]]:
        copied: dict[str, list[dict[str, Any]]] = {}
        for table in _reflect(conn).sorted_tables:
            if table.name.startswith("alembic_version") or table.name not in rows:
                continue
            columns = set(table.columns.keys())
            key = [c.name for c in table.primary_key.columns]
            present = {tuple(r) for r in conn.execute(sa.select(*table.primary_key.columns))}
            fresh = [
                {c: v for c, v in row.items() if c in columns}
                for row in rows[table.name]
                if tuple(row[k] for k in key) not in present
            ]
            if fresh:
                conn.execute(table.insert(), fresh)
            copied[table.name] = fresh
            if conn.dialect.name == "postgresql":  # as if the rows had been inserted here
                for column in table.primary_key.columns:
                    if isinstance(column.type, sa.Integer) and column.autoincrement:
                        conn.execute(
                            sa.text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                f"'{column.name}'), (SELECT coalesce(max({column.name}), 0) + 1 "
                                f'FROM "{table.name}"), false)'
                            )
                        )
        return copied

    return work


async def written_today(
    urls: Mapping[str, str], data_dir: Path, tokens: TokenMinter
) -> dict[str, Any]:
    """Data as the current code writes it, into head databases."""
    settings = service_settings(urls, data_dir)
    for name in SERVICES:
        await importlib.import_module(f"services.{name}.demo").load(settings)
    app = create_app(gateway_settings(urls["gateway"], data_dir), settings)
    async with client_for(app) as client:
        agency = (await client.get("/api/v1/catalog/agencies", params={"limit": 1})).json()
        agency_id = agency["items"][0]["id"]
        submitted = await client.post(BASE, json=request_body(agency_id))
        assert submitted.status_code == 201, submitted.text
        await create_user(
            database(app), username="upgrade-user", password=PASSWORD, roles=[Role.EDITOR]
        )
        await create_client(database(app), client_id="upgrade-client", scopes=["opendata:read"])
    return {"agency": agency_id, "request": submitted.json()["id"]}


def service_settings(urls: Mapping[str, str], data_dir: Path) -> dict[str, ServiceSettings]:
    return {
        name: BY_NAME[name].settings_class(
            _env_file=None,  # type: ignore[call-arg]
            environment="test",
            data_dir=data_dir,
            **{f"{name}_database_url": urls[name]},
        )
        for name in SERVICES
    }


def gateway_settings(url: str, data_dir: Path) -> GatewaySettings:
    return GatewaySettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        data_dir=data_dir,
        gateway_database_url=url,
    )


async def test_upgrade_from_earlier_schemas_keeps_every_row(
    backend: str,
    fresh_database: FreshDatabase,
    database_factories: dict[str, DatabaseFactory],
    data_dir: Path,
    tokens: TokenMinter,
) -> None:
    names = [*SERVICES, "gateway"]
    head_urls = {name: await fresh_database(name) for name in names}
    made = await written_today(head_urls, data_dir, tokens)
    rows = {name: await with_connection(head_urls[name], _rows) for name in names}
    for origin in ("previous", "442c907"):
        await upgrade_with_data(origin, database_factories[backend], rows, made, data_dir, tokens)


async def upgrade_with_data(
    origin: str,
    factory: DatabaseFactory,
    rows: Mapping[str, Mapping[str, list[dict[str, Any]]]],
    made: Mapping[str, str],
    data_dir: Path,
    tokens: TokenMinter,
) -> None:
    old_urls: dict[str, str] = {}
    copied: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in rows:
        revision = previous_revision(name) if origin == "previous" else RELEASE_442C907[name]
        old_urls[name] = await factory.empty(name)
        if revision is not None:
            await upgrade(name, old_urls[name], revision)
            copied[name] = await with_connection(old_urls[name], _copy_into(rows[name]))
        await upgrade(name, old_urls[name])  # the upgrade under test

    inserted = sum(len(rows) for tables in copied.values() for rows in tables.values())
    assert inserted > 50, f"{origin}: too little data to show anything"
    for name, tables in copied.items():
        upgraded = await with_connection(old_urls[name], _rows)
        for table, before in tables.items():
            assert table in upgraded, f"{origin}: {name}: table {table} is gone"
            after = upgraded[table]
            for row in before:
                assert any(all(new.get(c) == v for c, v in row.items()) for new in after), (
                    f"{origin}: {name}.{table}: a row changed or was lost in the upgrade: {row}"
                )

    # The upgraded databases serve the old rows, and take new writes.
    settings = service_settings(old_urls, data_dir)
    app = create_app(gateway_settings(old_urls["gateway"], data_dir), settings)
    async with client_for(app) as client:
        agency = await client.get(f"/api/v1/catalog/agencies/{made['agency']}")
        assert agency.status_code == 200, agency.text
        listed = await client.get(DOCS)
        assert listed.status_code == 200, listed.text
        assert listed.json()["items"], f"{origin}: the demo documents are not listed"
        request = await client.get(
            f"{BASE}/{made['request']}", headers=officer(tokens, made["agency"])
        )
        assert request.status_code == 200, request.text
        again = await client.post(BASE, json=request_body(made["agency"]))
        assert again.status_code == 201, again.text
