"""The gateway's database: a SQLite file is created and migrated on first start."""

from pathlib import Path

from services.common.db import is_sqlite
from services.common.migrations import upgrade


async def ensure_gateway_database(url: str) -> None:
    """Migrate a SQLite database that does not exist yet (the all-in-one first run).

    Other databases (PostgreSQL in the distributed mode) are migrated by `gongkai migrate`.
    """
    if not is_sqlite(url):
        return
    path = url.split(":///", 1)[1]
    if path and path != ":memory:" and not Path(path).exists():  # noqa: ASYNC240 (once, at start-up)
        await upgrade("gateway", url)
