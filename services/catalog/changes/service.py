"""The catalog's change feed as the public reads it: events with the current public content.

As in the documents feed, content is loaded when read: an item's content is its row in the
agency's current published version; a create or update of an item no longer published is
left out (its withdraw tombstone follows later in the stream).
"""

import uuid
from collections.abc import Sequence

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import repository as agency_rows
from services.catalog.agencies import service as agencies
from services.catalog.changes import repository
from services.catalog.changes.models import Action, ChangeEntry, Stream
from services.catalog.changes.schemas import ChangeItem
from services.catalog.versions import repository as versions
from services.catalog.versions import service as version_service


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


async def render(session: AsyncSession, entries: Sequence[ChangeEntry]) -> list[ChangeItem]:
    wanted: dict[Stream, list[uuid.UUID]] = {}
    for entry in entries:
        if entry.action != Action.WITHDRAW:
            wanted.setdefault(Stream(entry.entity), []).append(entry.entity_id)
    content: dict[uuid.UUID, BaseModel] = {}
    for stream, ids in wanted.items():
        content.update(await _content(session, stream, list(dict.fromkeys(ids))))
    items = []
    for entry in entries:
        data = None
        if entry.action != Action.WITHDRAW:
            data = content.get(entry.entity_id)
            if data is None:
                continue
        items.append(
            ChangeItem.model_validate(
                {
                    "sequence": entry.sequence, "type": entry.entity, "action": entry.action,
                    "id": entry.entity_id, "time": entry.recorded_at, "data": data,
                }
            )
        )  # fmt: skip
    return items


async def page(
    session: AsyncSession, stream: Stream, *, after: int, limit: int, agency_id: uuid.UUID | None
) -> tuple[list[ChangeItem], int, bool]:
    """(items, the position read up to, whether more may follow)."""
    entries = await repository.events(
        session, stream, after=after, limit=limit, agency_id=agency_id
    )
    last = int(entries[-1].sequence or after) if entries else after
    return await render(session, entries), last, len(entries) == limit
