"""Fresh, migrated databases for each test, cloned from a template built once per run."""

import asyncio
import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from services.common.migrations import upgrade

POSTGRES_URL = os.environ.get(
    "GONGKAI_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
# Databases a run's tests are done with are dropped this many at a time (see ``release``).
RELEASE_BATCH = 16  # one connection each: the shared server allows 100 in all


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


async def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    try:
        conn = await asyncio.wait_for(asyncpg.connect(POSTGRES_URL), timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await conn.close()
    return None


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


class DatabaseFactory:
    """Hands out fresh databases of one backend; every one is dropped at the end of the run."""

    def __init__(self, backend: str, root: Path) -> None:
        self.backend = backend
        self.root = root
        self.run = uuid.uuid4().hex[:8]
        self._templates: dict[str, str] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._created: list[str] = []
        self._released: list[str] = []
        self._dropping: set[asyncio.Task[None]] = set()
        self._counter = 0

    async def template(self, service: str) -> str:
        lock = self._locks.setdefault(service, asyncio.Lock())
        async with lock:
            if service not in self._templates:
                self._templates[service] = await self._build_template(service)
        return self._templates[service]

    async def fresh(self, service: str) -> str:
        """A database URL holding the service's schema at head and nothing else."""
        template = await self.template(service)
        self._counter += 1
        if self.backend == "sqlite":
            target = self.root / f"{service}-{self._counter}.db"
            shutil.copyfile(template, target)
            return f"sqlite+aiosqlite:///{target.as_posix()}"
        name = f"gk_{self.run}_{service}_{self._counter}"
        await self._admin(
            f'CREATE DATABASE "{name}" TEMPLATE "{template}"',
            # A test database outlives no crash of the shared server, so a commit need not
            # wait for its WAL flush (~10 ms each on a busy disk, hundreds per test). The
            # fault tests that crash a server use a private cluster (private_postgres.py).
            f'ALTER DATABASE "{name}" SET synchronous_commit = off',
        )
        self._created.append(name)
        return _with_database(POSTGRES_URL, name).replace("postgresql://", "postgresql+asyncpg://")

    async def empty(self, service: str) -> str:
        """A database URL with nothing in it, not even the schema (to migrate step by step)."""
        self._counter += 1
        if self.backend == "sqlite":
            target = self.root / f"{service}-empty-{self._counter}.db"
            return f"sqlite+aiosqlite:///{target.as_posix()}"
        name = f"gk_{self.run}_{service}_{self._counter}"
        await self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return _with_database(POSTGRES_URL, name).replace("postgresql://", "postgresql+asyncpg://")

    async def _build_template(self, service: str) -> str:
        if self.backend == "sqlite":
            path = self.root / f"template-{service}.db"
            await upgrade(service, f"sqlite+aiosqlite:///{path.as_posix()}")
            return str(path)
        name = f"gk_{self.run}_{service}_tpl"
        await self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        await upgrade(service, _with_database(POSTGRES_URL, name))
        return name

    async def _admin(self, *statements: str) -> None:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            for sql in statements:  # one by one: CREATE DATABASE refuses a transaction block
                await conn.execute(sql)
        finally:
            await conn.close()

    async def drop(self, name: str) -> None:
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    async def release(self, name: str) -> None:
        """A test is done with ``name``: drop it with others, in one concurrent batch.

        Each DROP DATABASE waits for a checkpoint (seconds on a busy machine); batches of
        concurrent drops share them, and the batch is dropped in the background (on the
        session's event loop) while the next tests run, so no test waits for a checkpoint.
        """
        self._released.append(name)
        if len(self._released) >= RELEASE_BATCH and not self._dropping:  # one batch at a time
            task = asyncio.create_task(self._drop_released())
            self._dropping.add(task)
            task.add_done_callback(self._dropping.discard)

    async def _drop_released(self) -> None:
        while self._released:
            batch = self._released[:RELEASE_BATCH]
            del self._released[:RELEASE_BATCH]
            await asyncio.gather(*(self.drop(name) for name in batch))
            self._created = [name for name in self._created if name not in batch]

    async def close(self) -> None:
        await asyncio.gather(*self._dropping)
        if self.backend == "postgresql":
            self._released.extend(n for n in self._created if n not in self._released)
            await self._drop_released()
        self._created.clear()
        if self.backend == "sqlite":
            shutil.rmtree(self.root, ignore_errors=True)

    def database_name(self, url: str) -> str:
        return urlsplit(url).path.lstrip("/")
