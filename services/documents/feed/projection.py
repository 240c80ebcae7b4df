"""Turning outbox entries into public feed events, in the transaction that writes them.

Each outbox entry of a document, interpretation or gazette issue is compared with what the
feed last told the public about that record (``FeedState``): becoming public is a create,
staying public an update, ceasing to be public (withdrawn, reclassified to 依申请公开 or
不予公开) a withdraw, i.e. a tombstone. A record that was never public yields no event at
all, not even a tombstone: its id and existence are not public information.
Doing this in the writer's transaction (not in a later drainer) means the event's
visibility is exactly that of the change it records.
"""

import uuid
from dataclasses import dataclass, field

from sqlalchemy import and_, event, exists, literal, union_all
from sqlalchemy.orm import Session
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents import visibility
from services.documents.feed.models import Action, FeedEvent, FeedFacet, FeedState, Stream
from services.documents.gazette.models import GazetteEntry, GazetteIssue
from services.documents.interpretations.models import Interpretation, InterpretationDocument
from services.documents.outbox.models import OutboxEntry
from services.documents.records.models import (
    Document,
    DocumentAgency,
    DocumentCatalogItem,
    PublicationStatus,
)

Facet = tuple[str, str]
TOUCHED = "gongkai.feed.touched"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _forget_touched(session: Session) -> None:
    """The set below is per transaction; a long-lived session must not carry it over."""
    session.info.pop(TOUCHED, None)


@dataclass
class Observed:
    public: bool
    facets: list[Facet] = field(default_factory=list)


async def _document(session: AsyncSession, document_id: uuid.UUID) -> Observed:
    document = await session.get(Document, document_id)
    if document is None or not visibility.is_public(document):
        return Observed(False)
    # One round trip for both link tables: every write pays for this query.
    linked = union_all(
        select(literal("agency"), col(DocumentAgency.agency_id)).where(
            col(DocumentAgency.document_id) == document_id
        ),
        select(literal("catalog_item"), col(DocumentCatalogItem.item_id)).where(
            col(DocumentCatalogItem.document_id) == document_id
        ),
    )
    rows = [(str(name), str(uuid.UUID(str(value)))) for name, value in await session.exec(linked)]  # type: ignore[call-overload]
    facets = [f for f in rows if f[0] == "agency"] + [("type", document.type_code)]
    if document.subject_code:
        facets.append(("category", document.subject_code))
    return Observed(True, facets + [f for f in rows if f[0] == "catalog_item"])


async def _interpretation(session: AsyncSession, interpretation_id: uuid.UUID) -> Observed:
    row = await session.get(Interpretation, interpretation_id)
    if row is None or row.status != PublicationStatus.PUBLISHED:
        return Observed(False)
    # Public only while it explains at least one public document (visibility.py's rule).
    of_public = exists().where(
        and_(
            col(InterpretationDocument.interpretation_id) == interpretation_id,
            col(InterpretationDocument.document_id) == col(Document.id),
            visibility.public_filter(),
        )
    )
    if not (await session.exec(select(of_public))).one():
        return Observed(False)
    return Observed(True, [("agency", str(row.agency_id)), ("type", row.kind)])


async def _gazette_issue(session: AsyncSession, issue_id: uuid.UUID) -> Observed:
    issue = await session.get(GazetteIssue, issue_id)
    if issue is None or issue.status != PublicationStatus.PUBLISHED:
        return Observed(False)
    return Observed(True, [("agency", str(issue.agency_id))])


OBSERVERS = {
    Stream.DOCUMENT: _document,
    Stream.INTERPRETATION: _interpretation,
    Stream.GAZETTE_ISSUE: _gazette_issue,
}


def _action(was_public: bool, is_public: bool) -> Action | None:
    if is_public:
        return Action.UPDATE if was_public else Action.CREATE
    return Action.WITHDRAW if was_public else None


async def _dependents(session: AsyncSession, document_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
    """Interpretations and gazette issues whose public content lists the document."""
    linked = union_all(
        select(literal(Stream.INTERPRETATION.value), col(InterpretationDocument.interpretation_id))
        .where(col(InterpretationDocument.document_id) == document_id),
        select(literal(Stream.GAZETTE_ISSUE.value), col(GazetteEntry.issue_id))
        .where(col(GazetteEntry.document_id) == document_id),
    )  # fmt: skip
    rows = await session.exec(linked)  # type: ignore[call-overload]
    return list(dict.fromkeys((str(kind), uuid.UUID(str(value))) for kind, value in rows))


async def record(session: AsyncSession, entry: OutboxEntry) -> list[tuple[str, uuid.UUID]]:
    """Write the feed event of ``entry`` (if the public sees one).

    Returns the records whose public content changes with it (a document that appears or
    disappears changes the interpretations and gazette issues listing it); the outbox
    appends an entry for each, so they get their own events.
    """
    try:
        stream = Stream(entry.entity)
    except ValueError:
        return []
    assert entry.sequence is not None
    observed = await OBSERVERS[stream](session, entry.entity_id)
    state = await session.get(FeedState, (stream.value, entry.entity_id))
    was_public = state.public if state is not None else False
    action = _action(was_public, observed.public)
    if action is None:
        return []
    if observed.public:
        facets = observed.facets
    else:
        assert state is not None  # a withdraw follows a public state
        facets = [(str(name), str(value)) for name, value in state.facets]
    feed_event = FeedEvent(
        outbox_sequence=entry.sequence, entity=stream.value, entity_id=entry.entity_id,
        action=action.value, recorded_at=entry.recorded_at,
    )  # fmt: skip
    session.add(feed_event)
    await session.flush()
    assert feed_event.sequence is not None
    for name, value in dict.fromkeys(facets):
        session.add(FeedFacet(sequence=feed_event.sequence, name=name, value=value))
    if state is None:
        state = FeedState(
            entity=stream.value, entity_id=entry.entity_id, sequence=feed_event.sequence
        )
    state.public, state.sequence = observed.public, feed_event.sequence
    state.facets = [list(f) for f in facets]
    session.add(state)
    await session.flush()
    # Records with an event in this transaction already: it is read with the final state.
    touched: set[tuple[str, uuid.UUID]] = session.info.setdefault(TOUCHED, set())
    touched.add((stream.value, entry.entity_id))
    if stream is Stream.DOCUMENT and action is not Action.UPDATE:
        return [d for d in await _dependents(session, entry.entity_id) if d not in touched]
    return []
