"""The catalog's change feed as the public reads it: events with the current public content.

Content is loaded when read (``services.common.changelog``): an item's content is its row in
the agency's current published version; a create or update of an item no longer published is
left out (its withdraw tombstone follows later in the stream).
"""

import uuid
from collections.abc import Sequence

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import repository as agency_rows
from services.catalog.agencies import service as agencies
from services.catalog.changes import repository
from services.catalog.changes.models import ChangeEntry, Stream
from services.catalog.changes.schemas import ChangeItem
from services.catalog.versions import repository as versions
from services.catalog.versions import service as version_service
from services.common import changelog


async def _content(
    session: AsyncSession, stream: Stream, ids: list[uuid.UUID]
) -> dict[uuid.UUID, BaseModel]:
    if stream is Stream.AGENCY:
        found: dict[uuid.UUID, BaseModel] = {}
        for agency_id in ids:
            agency = await agency_rows.get(session, agency_id)
            if agency is not None:
                found[agency_id] = await agencies.to_read(session, agency)
        return found
    rows = await versions.current_items(session, ids)
    reads = await version_service.published_read(session, rows, None)
    return {read.id: read for read in reads}


async def _load(
    session: AsyncSession, entity: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, BaseModel]:
    return await _content(session, Stream(entity), ids)


async def render(session: AsyncSession, entries: Sequence[ChangeEntry]) -> list[ChangeItem]:
    return await changelog.render(session, entries, load=_load, item=ChangeItem)


def reader(
    stream: Stream, agency_id: uuid.UUID | None
) -> changelog.Reader[ChangeEntry, ChangeItem]:
    """Reads ``stream``'s entries (of one agency, if given), by pages or as NDJSON."""

    async def entries(session: AsyncSession, after: int, limit: int) -> list[ChangeEntry]:
        return await repository.events(
            session, stream, after=after, limit=limit, agency_id=agency_id
        )

    return changelog.Reader(
        head=lambda session: repository.head(session, stream), fetch=entries, render=render
    )
