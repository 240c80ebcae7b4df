"""Documents as the index holds them, read from the documents database (the source of truth)."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.lifecycle.models import Validity, ValidityInterval
from services.documents.records.models import Document, DocumentAgency, DocumentCatalogItem
from services.documents.search.models import IndexedDocument
from services.documents.visibility import is_public

# Validity states in which a document is still (at least partly) in force on a day.
IN_FORCE = {Validity.IN_FORCE, Validity.AMENDED, Validity.PARTIALLY_INVALID}


def _validity(
    intervals: Sequence[ValidityInterval], today: dt.date
) -> tuple[str | None, dt.date | None, dt.date | None]:
    """(validity today, first day in force, last day in force) from [starts_on, ends_on).

    One window per document: from the earliest in-force interval to the end of the latest
    (gaps between in-force intervals do not occur in the lifecycle rules).
    """
    current = next(
        (
            i.status
            for i in sorted(intervals, key=lambda i: i.starts_on, reverse=True)
            if i.starts_on <= today and (i.ends_on is None or today < i.ends_on)
        ),
        None,
    )
    in_force = [i for i in intervals if i.status in IN_FORCE]
    if not in_force:
        return current, None, dt.date.min if intervals else None
    start = min(i.starts_on for i in in_force)
    ends = [i.ends_on for i in in_force]
    end = None if any(e is None for e in ends) else max(e for e in ends if e) - dt.timedelta(1)
    return current, start, end


async def load_documents(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, version: int, today: dt.date
) -> dict[uuid.UUID, IndexedDocument]:
    """The documents of ``ids`` that exist, as index entries of ``version``."""
    if not ids:
        return {}
    documents = list(await session.exec(select(Document).where(col(Document.id).in_(ids))))
    agencies: dict[uuid.UUID, list[DocumentAgency]] = {}
    for row in await session.exec(
        select(DocumentAgency)
        .where(col(DocumentAgency.document_id).in_(ids))
        .order_by(col(DocumentAgency.position))
    ):
        agencies.setdefault(row.document_id, []).append(row)
    items: dict[uuid.UUID, list[uuid.UUID]] = {}
    for item in await session.exec(
        select(DocumentCatalogItem).where(col(DocumentCatalogItem.document_id).in_(ids))
    ):
        items.setdefault(item.document_id, []).append(item.item_id)
    intervals: dict[uuid.UUID, list[ValidityInterval]] = {}
    for interval in await session.exec(
        select(ValidityInterval).where(col(ValidityInterval.document_id).in_(ids))
    ):
        intervals.setdefault(interval.document_id, []).append(interval)
    out: dict[uuid.UUID, IndexedDocument] = {}
    for doc in documents:
        issuers = agencies.get(doc.id) or []
        validity, effective_from, effective_until = _validity(intervals.get(doc.id, []), today)
        if not intervals.get(doc.id):  # not yet published: no lifecycle yet
            effective_from, effective_until = doc.effective_on, doc.expires_on
        out[doc.id] = IndexedDocument(
            id=doc.id,
            version=version,
            title=doc.title,
            doc_number=doc.doc_number,
            keywords=tuple(doc.keywords or ()),
            body=doc.body_text or "",
            agency_ids=tuple(a.agency_id for a in issuers) or (doc.agency_id,),
            agency_names=tuple(a.name for a in issuers) or (doc.agency_name,),
            year=doc.doc_number_year or doc.written_on.year,
            doc_type=doc.type_code,
            category=doc.subject_code,
            validity=validity,
            effective_from=effective_from,
            effective_until=effective_until,
            disclosure=doc.disclosure or "unset",
            is_public=is_public(doc),
            catalog_item_ids=tuple(items.get(doc.id, ())),
            issued_on=doc.written_on,
            published_on=doc.published_on,
        )
    return out


async def all_document_ids(session: AsyncSession) -> list[uuid.UUID]:
    return list(await session.exec(select(Document.id).order_by(col(Document.id))))
