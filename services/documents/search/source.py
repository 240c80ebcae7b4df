"""Documents as the index holds them, read from the documents database (the source of truth)."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlmodel import col
from sqlmodel import select as select_model
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.attachments.models import Attachment
from services.documents.lifecycle.models import Validity, ValidityInterval
from services.documents.records.models import Document, DocumentAgency, DocumentCatalogItem
from services.documents.search.models import IndexedDocument
from services.documents.visibility import is_public

# Validity states in which a document is still (at least partly) in force on a day.
IN_FORCE = {Validity.IN_FORCE, Validity.AMENDED, Validity.PARTIALLY_INVALID}


def _validity(
    intervals: Sequence[Any], today: dt.date
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


# Only the columns the index needs, as plain rows: ORM instances of whole documents (with
# their HTML body and disclosure texts) cost several times more to load in a rebuild.
_DOCUMENT_COLUMNS = (
    col(Document.id),
    col(Document.title),
    col(Document.doc_number),
    col(Document.keywords),
    col(Document.body_text),
    col(Document.agency_id),
    col(Document.agency_name),
    col(Document.doc_number_year),
    col(Document.written_on),
    col(Document.type_code),
    col(Document.subject_code),
    col(Document.effective_on),
    col(Document.expires_on),
    col(Document.disclosure),
    col(Document.status),
    col(Document.published_on),
)


async def load_documents(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, version: int, today: dt.date
) -> dict[uuid.UUID, IndexedDocument]:
    """The documents of ``ids`` that exist, as index entries of ``version``."""
    if not ids:
        return {}
    connection = await session.connection()  # plain rows: no ORM instances
    documents = (
        await connection.execute(select(*_DOCUMENT_COLUMNS).where(col(Document.id).in_(ids)))
    ).all()
    agencies: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
    for document_id, agency_id, name in await connection.execute(
        select(
            col(DocumentAgency.document_id), col(DocumentAgency.agency_id), col(DocumentAgency.name)
        )
        .where(col(DocumentAgency.document_id).in_(ids))
        .order_by(col(DocumentAgency.position))
    ):
        agencies.setdefault(document_id, []).append((agency_id, name))
    items: dict[uuid.UUID, list[uuid.UUID]] = {}
    for document_id, item_id in await connection.execute(
        select(col(DocumentCatalogItem.document_id), col(DocumentCatalogItem.item_id)).where(
            col(DocumentCatalogItem.document_id).in_(ids)
        )
    ):
        items.setdefault(document_id, []).append(item_id)
    attachments: dict[uuid.UUID, list[str]] = {}
    for document_id, text in await connection.execute(
        select(col(Attachment.document_id), col(Attachment.text))
        .where(col(Attachment.document_id).in_(ids), col(Attachment.text).is_not(None))
        .order_by(col(Attachment.created_at))
    ):
        if text:
            attachments.setdefault(document_id, []).append(text)
    intervals: dict[uuid.UUID, list[Any]] = {}
    for interval in await connection.execute(
        select(
            col(ValidityInterval.document_id),
            col(ValidityInterval.status),
            col(ValidityInterval.starts_on),
            col(ValidityInterval.ends_on),
        ).where(col(ValidityInterval.document_id).in_(ids))
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
            attachment_text="\n\n".join(attachments.get(doc.id, ())),
            agency_ids=tuple(a for a, _ in issuers) or (doc.agency_id,),
            agency_names=tuple(n for _, n in issuers) or (doc.agency_name,),
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
    return list(await session.exec(select_model(Document.id).order_by(col(Document.id))))
