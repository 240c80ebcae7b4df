"""Reading feed events: by stream, after a sequence, optionally filtered by facets."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.feed.models import FeedEvent, FeedFacet, Stream
from services.documents.feed.projection import Facet


async def events(
    session: AsyncSession,
    stream: Stream,
    *,
    after: int = 0,
    limit: int,
    facets: list[Facet] = [],  # noqa: B006 - never mutated
    newest_first: bool = False,
) -> list[FeedEvent]:
    query = select(FeedEvent).where(col(FeedEvent.entity) == stream.value)
    if after:
        query = query.where(col(FeedEvent.sequence) > after)
    for name, value in facets:
        query = query.where(
            col(FeedEvent.sequence).in_(
                select(FeedFacet.sequence).where(
                    col(FeedFacet.name) == name, col(FeedFacet.value) == value
                )
            )
        )
    order = col(FeedEvent.sequence).desc() if newest_first else col(FeedEvent.sequence)
    return list(await session.exec(query.order_by(order).limit(limit)))


async def head(session: AsyncSession, stream: Stream) -> int:
    """The newest sequence of the stream (0 when empty)."""
    rows = await events(session, stream, limit=1, newest_first=True)
    return int(rows[0].sequence or 0) if rows else 0
