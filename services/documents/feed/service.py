"""The feed as the public reads it: events rendered with the record's current public content.

Content is loaded when the feed is read, not copied when the event is written, so the feed
never serves a state the public may no longer see. A create or update whose record is no
longer public is left out (a withdraw tombstone follows it later in the stream); applying
the events in order therefore always converges on exactly the public records.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import ANONYMOUS
from services.documents import visibility
from services.documents.feed import repository
from services.documents.feed.models import Action, FeedEvent, Stream
from services.documents.feed.projection import Facet
from services.documents.feed.schemas import FeedItem
from services.documents.gazette import service as gazette
from services.documents.gazette.models import GazetteIssue
from services.documents.interpretations import service as interpretations
from services.documents.interpretations.models import Interpretation
from services.documents.records import present
from services.documents.records.models import Document, PublicationStatus

Loader = Callable[[AsyncSession, list[uuid.UUID]], Awaitable[dict[uuid.UUID, BaseModel]]]


@dataclass(frozen=True)
class Filters:
    agency: uuid.UUID | None = None
    type: str | None = None
    category: str | None = None
    catalog_item: uuid.UUID | None = None

    def facets(self) -> list[Facet]:
        pairs = [
            ("agency", self.agency), ("type", self.type),
            ("category", self.category), ("catalog_item", self.catalog_item),
        ]  # fmt: skip
        return [(name, str(value)) for name, value in pairs if value is not None]


async def _documents(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, BaseModel]:
    rows = list(
        await session.exec(
            select(Document).where(col(Document.id).in_(ids), visibility.public_filter())
        )
    )
    return {read.id: read for read in await present.reads(session, rows)}


async def _interpretations(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, BaseModel]:
    rows = await session.exec(
        select(Interpretation).where(
            col(Interpretation.id).in_(ids), visibility.visible_interpretations(ANONYMOUS)
        )
    )
    reads = await interpretations.to_reads(session, ANONYMOUS, list(rows))
    return {read.id: read for read in reads}


async def _gazette_issues(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, BaseModel]:
    rows = await session.exec(
        select(GazetteIssue).where(
            col(GazetteIssue.id).in_(ids), col(GazetteIssue.status) == PublicationStatus.PUBLISHED
        )
    )
    return {row.id: await gazette.read(session, ANONYMOUS, row) for row in rows}


LOADERS: dict[Stream, Loader] = {
    Stream.DOCUMENT: _documents,
    Stream.INTERPRETATION: _interpretations,
    Stream.GAZETTE_ISSUE: _gazette_issues,
}


async def render(session: AsyncSession, events: Sequence[FeedEvent]) -> list[FeedItem]:
    """The events as the public sees them now (see the module docstring)."""
    wanted: dict[Stream, list[uuid.UUID]] = {}
    for event in events:
        if event.action != Action.WITHDRAW:
            wanted.setdefault(Stream(event.entity), []).append(event.entity_id)
    content: dict[uuid.UUID, BaseModel] = {}
    for stream, ids in wanted.items():
        content.update(await LOADERS[stream](session, list(dict.fromkeys(ids))))
    items = []
    for event in events:
        data = None
        if event.action != Action.WITHDRAW:
            data = content.get(event.entity_id)
            if data is None:
                continue
        items.append(
            FeedItem.model_validate(
                {
                    "sequence": event.sequence, "type": event.entity, "action": event.action,
                    "id": event.entity_id, "time": event.recorded_at, "data": data,
                }
            )
        )  # fmt: skip
    return items


async def page(
    session: AsyncSession, stream: Stream, *, after: int, limit: int, filters: Filters
) -> tuple[list[FeedItem], int, bool]:
    """Events after ``after``: (items, the position read up to, whether more may follow)."""
    events = await repository.events(
        session, stream, after=after, limit=limit, facets=filters.facets()
    )
    last = int(events[-1].sequence or after) if events else after
    return await render(session, events), last, len(events) == limit


async def latest(
    session: AsyncSession, stream: Stream, *, limit: int, filters: Filters
) -> list[FeedItem]:
    """The newest event of each of the most recently changed records (for Atom readers)."""
    events = await repository.events(
        session, stream, limit=limit * 4, facets=filters.facets(), newest_first=True
    )
    newest: dict[uuid.UUID, FeedEvent] = {}
    for event in events:
        newest.setdefault(event.entity_id, event)
    return await render(session, list(newest.values())[:limit])
