"""Documents as the API shows them, loaded in a few queries for a whole page."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.clock import today
from services.documents.lifecycle.models import VALIDITY_LABELS, Validity, ValidityInterval
from services.documents.records import repository
from services.documents.records.models import (
    DISCLOSURE_LABELS,
    STATUS_LABELS,
    Disclosure,
    Document,
    DocumentAgency,
    PublicationStatus,
)
from services.documents.records.schemas import (
    CodeName,
    DisclosureRead,
    DocumentNumberRead,
    DocumentRead,
    DocumentSummary,
    IssuingAgency,
    ValidityRead,
)
from services.documents.reference import repository as reference

BASE = "/api/v1/documents"


@dataclass
class Loaded:
    issuers: dict[uuid.UUID, list[DocumentAgency]]
    validity: dict[uuid.UUID, ValidityInterval]
    types: dict[str, str]
    subjects: dict[str, str]


async def load(session: AsyncSession, documents: Sequence[Document]) -> Loaded:
    ids = [d.id for d in documents]
    types, subjects = await reference.names(
        session,
        types={d.type_code for d in documents},
        subjects={d.subject_code for d in documents if d.subject_code},
    )
    return Loaded(
        issuers=await repository.issuers(session, ids),
        validity=await repository.validity_at(session, ids, today()),
        types=types,
        subjects=subjects,
    )


def review_due_on(document: Document) -> dt.date | None:
    """Non-public attributes are reviewed yearly (Arts. 18, 44)."""
    if document.disclosure in {None, Disclosure.PUBLIC} or document.disclosure_reviewed_on is None:
        return None
    reviewed = document.disclosure_reviewed_on
    try:
        return reviewed.replace(year=reviewed.year + 1)
    except ValueError:  # 29 February
        return reviewed.replace(year=reviewed.year + 1, day=28)


def _validity(interval: ValidityInterval | None) -> ValidityRead | None:
    if interval is None:
        return None
    status = Validity(interval.status)
    return ValidityRead(
        status=status,
        label=VALIDITY_LABELS[status],
        since=interval.starts_on,
        until=interval.ends_on,
        cause=interval.cause,
    )


def summary(document: Document, loaded: Loaded) -> DocumentSummary:
    return DocumentSummary(**_summary_fields(document, loaded))


def _summary_fields(document: Document, loaded: Loaded) -> dict[str, object]:
    status = PublicationStatus(document.status)
    return {
        "id": document.id,
        "index_number": document.index_number,
        "title": document.title,
        "doc_number": document.doc_number,
        "doc_number_normalised": document.doc_number_key if document.doc_number else None,
        "agencies": [
            IssuingAgency(id=a.agency_id, name=a.name, lead=a.position == 0)
            for a in loaded.issuers.get(document.id, [])
        ],
        "type": CodeName(
            code=document.type_code, name=loaded.types.get(document.type_code, document.type_code)
        ),
        "subject": CodeName(
            code=document.subject_code,
            name=loaded.subjects.get(document.subject_code, document.subject_code),
        )
        if document.subject_code
        else None,
        "keywords": list(document.keywords),
        "written_on": document.written_on,
        "published_on": document.published_on,
        "effective_on": document.effective_on,
        "expires_on": document.expires_on,
        "disclosure": document.disclosure,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "validity": _validity(loaded.validity.get(document.id)),
        "updated_at": document.updated_at,
    }


async def read(session: AsyncSession, document: Document) -> DocumentRead:
    return (await reads(session, [document]))[0]


async def reads(session: AsyncSession, documents: Sequence[Document]) -> list[DocumentRead]:
    """Full reads of many documents in a few queries (the change feed reads pages of them)."""
    loaded = await load(session, documents)
    items = await repository.catalog_items(session, [d.id for d in documents])
    return [_read(document, loaded, items) for document in documents]


def _read(
    document: Document, loaded: Loaded, items: dict[uuid.UUID, list[uuid.UUID]]
) -> DocumentRead:
    disclosure = Disclosure(document.disclosure) if document.disclosure else None
    number = (
        DocumentNumberRead(
            original=document.doc_number,
            normalised=document.doc_number_key or document.doc_number,
            code=document.doc_number_code,
            year=document.doc_number_year,
            sequence=document.doc_number_seq,
            is_order=document.doc_number_is_order,
        )
        if document.doc_number
        else None
    )
    here = f"{BASE}/{document.id}"
    return DocumentRead(
        **_summary_fields(document, loaded),
        number=number,
        body_text=document.body_text,
        body_html=document.body_html,
        disclosure_detail=DisclosureRead(
            attribute=disclosure,
            label=DISCLOSURE_LABELS[disclosure] if disclosure else None,
            reason=document.disclosure_reason,
            legal_basis=document.disclosure_legal_basis,
            reviewed_on=document.disclosure_reviewed_on,
            review_due_on=review_due_on(document),
        ),
        is_policy=document.is_policy,
        interpretation_exemption=document.interpretation_exemption,
        catalog_item_ids=items.get(document.id, []),
        publish_due_on=document.publish_due_on,
        deadline_days=document.deadline_days,
        version=document.version,
        created_at=document.created_at,
        published_at=document.published_at,
        links={
            "self": here,
            "events": f"{here}/events",
            "versions": f"{here}/versions",
            "interpretations": f"{here}/interpretations",
            "attachments": f"{here}/attachments",
            "validity": f"{here}/validity",
            "gazette": f"{here}/gazette",
            "disclosure_history": f"{here}/disclosure",
        },
    )


def etag(document: Document) -> str:
    return f'"{document.version}"'
