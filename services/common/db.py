"""Async engines, one session per request, and the table registry each service builds on."""

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import DateTime, Dialect, MetaData, TypeDecorator, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import registry
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.settings import normalise_database_url

# Stable constraint names, so Alembic migrations diff the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[dt.datetime]:
        # Cursor pagination restores key values by this type (a TypeDecorator gives object).
        return dt.datetime

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times timezone-aware (UTC)")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def table_registry() -> registry:
    """A registry (and metadata) of one service's own tables, kept apart from the others."""
    return registry(metadata=MetaData(naming_convention=NAMING_CONVENTION))


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


class Database:
    """An engine and its session factory; created in a lifespan, never at import."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        url = normalise_database_url(url)
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if is_sqlite(url):
            kwargs["connect_args"] = {"timeout": 30}
        else:
            # Dead connections after a PostgreSQL restart are replaced instead of failing a request.
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20, pool_recycle=1800)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if is_sqlite(url):
            _configure_sqlite(self.engine)
        self.sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, autoflush=False
        )
        self.write_sessions = async_sessionmaker(
            self.engine.execution_options(gongkai_write=True),
            class_=AsyncSession,
            expire_on_commit=False,
            autoflush=False,
        )

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and explicit BEGIN so writers take the lock up front.

    pysqlite's own transaction handling defers BEGIN and cannot emit BEGIN IMMEDIATE;
    a deferred writer that upgrades its lock fails at once with "database is locked"
    instead of waiting. Write sessions therefore begin IMMEDIATE (see the SQLAlchemy
    docs, "Serializable isolation / Savepoints / Transactional DDL").
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("gongkai_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


async def lock_key(session: AsyncSession, key: str) -> None:
    """Serialise writers of one key (an Idempotency-Key) until this transaction ends.

    PostgreSQL: a transaction-level advisory lock, so a concurrent retry waits for the first
    attempt to commit and then finds its result. SQLite: write sessions begin IMMEDIATE and
    are serialised already.
    """
    if session.get_bind().dialect.name == "postgresql":
        connection = await session.connection()
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


async def _unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work per request: commit on success, roll back on any error."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.db
    factory = database.write_sessions if request.method in WRITE_METHODS else database.sessions
    async for session in _unit_of_work(factory):
        yield session


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    # For reads that also write (an audit entry, a throttle count): on SQLite a read transaction
    # that later writes fails at once with "database is locked" when another writer went first.
    async for session in _unit_of_work(request.app.state.db.write_sessions):
        yield session


SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
# A GET that writes: its session begins as a writer (SQLite: BEGIN IMMEDIATE, waits its turn).
WriteSessionDep = Annotated[AsyncSession, Depends(_write_session, scope="function")]
