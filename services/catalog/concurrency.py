"""Optimistic concurrency for catalog edits: an ``ETag`` from the row's ``updated_at``.

``If-Match`` is optional on catalog edits (older clients send none), but a client that sends
it never overwrites a change it has not seen: the row is locked, compared, and a stale tag
gets 412 with the current ``ETag``.
"""

import datetime as dt

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.errors import PreconditionFailed


def etag(updated_at: dt.datetime) -> str:
    return f'"{updated_at.astimezone(dt.UTC):%Y%m%d%H%M%S%f}"'


async def check(
    session: AsyncSession, row: SQLModel, updated_at_of: str, if_match: str | None, what: str
) -> None:
    """Lock ``row`` (PostgreSQL) and refuse the write when ``if_match`` names an older state."""
    if if_match is None:
        return
    await session.refresh(row, with_for_update=True)
    current = etag(getattr(row, updated_at_of))
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(
            f"{what}已被他人修改，请重新读取后再提交。",
            code="precondition-failed",
            headers={"ETag": current},
        )
