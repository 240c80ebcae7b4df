"""One Alembic history per service, run programmatically on the service's own engine."""

import asyncio
import importlib.resources
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.autogenerate.api import AutogenContext
from alembic.config import Config
from sqlalchemy import MetaData, TypeDecorator, event, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config
from sqlmodel.sql.sqltypes import AutoString

from services.common.db import Database, is_sqlite
from services.common.settings import normalise_database_url

# Packages holding a migrations/ folder that are not services (the gateway's own database).
MIGRATION_PACKAGES = {"gateway": "gateway"}


def migrations_package(service: str) -> str:
    return MIGRATION_PACKAGES.get(service, f"services.{service}")


def alembic_config(service: str, database_url: str) -> Config:
    config = Config()
    location = importlib.resources.files(migrations_package(service)) / "migrations"
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


async def upgrade(service: str, database_url: str, revision: str = "head") -> None:
    """Bring the service's database to ``revision`` (creating the SQLite file if needed)."""
    database_url = normalise_database_url(database_url)
    if is_sqlite(database_url):
        _ensure_sqlite_dir(database_url)
    config = alembic_config(service, database_url)
    database = Database(database_url)
    sqlite = is_sqlite(database_url)
    if sqlite:
        # Batch migrations copy a table and drop the old one: with rows referring to it,
        # SQLite refuses unless foreign keys are off. The PRAGMA is a no-op inside a
        # transaction, so it is set as the connection opens; the keys are checked at the end.
        event.listen(database.engine.sync_engine, "connect", _foreign_keys_off)
    try:
        async with database.write_sessions() as session:
            connection = await session.connection()

            def run(sync_conn: Connection) -> None:
                config.attributes["connection"] = sync_conn
                command.upgrade(config, revision)
                if sqlite:
                    broken = sync_conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"{service}: 迁移后外键不一致：{broken[:5]}")

            await connection.run_sync(run)
            await session.commit()
    finally:
        await database.dispose()


def _foreign_keys_off(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys=OFF")
    cursor.close()


def run_env(target_metadata: MetaData, service: str) -> None:
    """The body of every service's ``migrations/env.py``."""
    config = context.config
    options = {"target_metadata": target_metadata, "version_table": f"alembic_version_{service}"}
    connection: Connection | None = config.attributes.get("connection")
    if connection is not None:
        _run(connection, options)
        return

    # Invoked by the alembic command line: make our own engine.
    async def run_async() -> None:
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        async with engine.connect() as conn:
            await conn.run_sync(lambda sync_conn: _run(sync_conn, options))
            await conn.commit()
        await engine.dispose()

    asyncio.run(run_async())


def _run(connection: Connection, options: dict[str, Any]) -> None:
    context.configure(
        connection=connection,
        target_metadata=options["target_metadata"],
        version_table=options["version_table"],
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables.
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write our column types as their plain SQLAlchemy types, so migrations import no app code."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split(":///", 1)[1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
