"""The feed as the public reads it: events rendered with the record's current public content.

Content is loaded when the feed is read (``services.common.changelog``), so applying the
events in order always converges on exactly the public records.
"""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common import changelog
from services.common.auth import ANONYMOUS
from services.documents import visibility
from services.documents.feed import repository
from services.documents.feed.models import FeedEvent, Stream
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


async def _load(
    session: AsyncSession, entity: str, ids: list[uuid.UUID]
) -> dict[uuid.UUID, BaseModel]:
    return await LOADERS[Stream(entity)](session, ids)


async def render(session: AsyncSession, events: Sequence[FeedEvent]) -> list[FeedItem]:
    """The events as the public sees them now (see the module docstring)."""
    return await changelog.render(session, events, load=_load, item=FeedItem)


def reader(stream: Stream, filters: Filters) -> changelog.Reader[FeedEvent, FeedItem]:
    """Reads ``stream``'s events matching ``filters``, by pages or as one NDJSON stream."""

    async def events(session: AsyncSession, after: int, limit: int) -> list[FeedEvent]:
        return await repository.events(
            session, stream, after=after, limit=limit, facets=filters.facets()
        )

    return changelog.Reader(
        head=lambda session: repository.head(session, stream), fetch=events, render=render
    )


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
