"""Reading a service's public change log: pages by sequence, NDJSON streams, rendered events.

A change log (the documents feed, the catalog's change entries) is a table of events
numbered densely in commit order: entity, entity id, action, time. Readers resume "after N".
What an event shows is loaded when it is read, not copied when it is written, so the log
never serves a state the public may no longer see: a create or update whose record is not
public any more is left out (its withdraw tombstone follows later in the log).
"""

import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import orjson
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import StreamingResponse

NDJSON = "application/x-ndjson"
WITHDRAW = "withdraw"


class Event(Protocol):
    """One row of a change log (the shape both services' tables share)."""

    sequence: int | None
    entity: str
    entity_id: uuid.UUID
    action: str
    recorded_at: dt.datetime


E = TypeVar("E", bound=Event)
Item = TypeVar("Item", bound=BaseModel)

# (session, after, limit) → the next events of the log, oldest first, with the reader's filters.
Fetch = Callable[[AsyncSession, int, int], Awaitable[list[E]]]
# (session, entity, ids) → the public content of those records, by id (absent: not public).
Load = Callable[[AsyncSession, str, list[uuid.UUID]], Awaitable[dict[uuid.UUID, BaseModel]]]
Render = Callable[[AsyncSession, Sequence[E]], Awaitable[list[Item]]]


async def render(
    session: AsyncSession, events: Sequence[Event], *, load: Load, item: type[Item]
) -> list[Item]:
    """The events as the public sees them now: content loaded per entity in one go each."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for event in events:
        if event.action != WITHDRAW:
            wanted.setdefault(event.entity, []).append(event.entity_id)
    content: dict[uuid.UUID, BaseModel] = {}
    for entity, ids in wanted.items():
        content.update(await load(session, entity, list(dict.fromkeys(ids))))
    items = []
    for event in events:
        data = None
        if event.action != WITHDRAW:
            data = content.get(event.entity_id)
            if data is None:
                continue
        items.append(
            item.model_validate(
                {
                    "sequence": event.sequence, "type": event.entity, "action": event.action,
                    "id": event.entity_id, "time": event.recorded_at, "data": data,
                }
            )
        )  # fmt: skip
    return items


@dataclass(frozen=True)
class Page(Generic[Item]):
    items: list[Item]
    last_sequence: int  # the position read up to
    more: bool  # whether more may follow

    def next_url(self, request: Request) -> str | None:
        """This request's address resuming after this page; none when the log is read out."""
        return (
            str(request.url.include_query_params(after=self.last_sequence)) if self.more else None
        )


@dataclass(frozen=True)
class Reader(Generic[E, Item]):
    """How one log is read for one reader: its head, its next events, their rendering."""

    head: Callable[[AsyncSession], Awaitable[int]]
    fetch: Fetch[E]
    render: Render[E, Item]

    async def page(self, session: AsyncSession, *, after: int, limit: int) -> Page[Item]:
        """The events after ``after``, at most ``limit`` of them, rendered."""
        events = await self.fetch(session, after, limit)
        last = int(events[-1].sequence or after) if events else after
        return Page(await self.render(session, events), last, len(events) == limit)

    def ndjson(
        self, sessions: async_sessionmaker[AsyncSession], *, after: int, batch: int
    ) -> StreamingResponse:
        """Every event after ``after`` up to the head at the start, one JSON object per line."""

        async def lines() -> AsyncIterator[bytes]:
            # Short sessions per batch: a slow reader must not hold a transaction open.
            async with sessions() as session:
                until = await self.head(session)
            position = after
            while position < until:
                async with sessions() as session:
                    fetched = await self.fetch(session, position, batch)
                    events = [e for e in fetched if (e.sequence or 0) <= until]
                    if not events:
                        return
                    items = await self.render(session, events)
                position = int(events[-1].sequence or position)
                yield b"".join(orjson.dumps(i.model_dump(mode="json")) + b"\n" for i in items)

        return StreamingResponse(lines(), media_type=NDJSON)
