"""Locks that keep periodic work from running twice at once in several processes."""

import zlib

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession


async def job_lock(session: AsyncSession, name: str) -> None:
    """Hold the lock of job ``name`` until the session's transaction ends.

    PostgreSQL: a transaction-level advisory lock, so a second process running the same job
    waits, and its next statement (READ COMMITTED: a fresh snapshot) sees what the first one
    committed. SQLite: nothing to do, write sessions begin IMMEDIATE and run one at a time.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        key = zlib.crc32(f"gongkai.documents.{name}".encode())
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
