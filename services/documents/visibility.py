"""What a caller may see: the one filter every list, count, feed and export goes through.

The public sees published 主动公开 documents only; a 依申请公开 or 不予公开 document, or a
draft, leaves no trace for them (not in lists, counts, facets, feeds or links). Staff see
those too for the agencies they act for (lead or joint issuer); platform admins see all.
"""

import uuid
from typing import Protocol

from sqlalchemy import ColumnElement, and_, or_, true
from sqlmodel import col, select

from services.common.auth import Principal
from services.documents.interpretations.models import Interpretation, InterpretationDocument
from services.documents.records.models import (
    Disclosure,
    Document,
    DocumentAgency,
    PublicationStatus,
)


def staff_agencies(caller: Principal) -> list[uuid.UUID]:
    """The agencies whose non-public records ``caller`` may see (none for the public)."""
    if not caller.is_staff:
        return []
    agencies = []
    for value in caller.agency_ids:
        try:
            agencies.append(uuid.UUID(value))
        except ValueError:
            continue
    return agencies


def public_filter() -> ColumnElement[bool]:
    return and_(
        col(Document.status) == PublicationStatus.PUBLISHED,
        col(Document.disclosure) == Disclosure.PUBLIC,
    )


def visible_documents(caller: Principal) -> ColumnElement[bool]:
    """A WHERE clause over ``Document``: the rows ``caller`` may know exist."""
    if caller.is_platform_admin:
        return true()
    agencies = staff_agencies(caller)
    if not agencies:
        return public_filter()
    own = col(Document.id).in_(
        select(DocumentAgency.document_id).where(col(DocumentAgency.agency_id).in_(agencies))
    )
    return or_(public_filter(), own)


class PublicationState(Protocol):
    """A document or a row of its columns: what ``is_public`` reads."""

    @property
    def status(self) -> str: ...
    @property
    def disclosure(self) -> str | None: ...


def is_public(document: PublicationState) -> bool:
    return document.status == PublicationStatus.PUBLISHED and document.disclosure == (
        Disclosure.PUBLIC
    )


def can_see(caller: Principal, document: Document, issuers: list[uuid.UUID]) -> bool:
    """The same rule as :func:`visible_documents`, for one loaded document."""
    if is_public(document) or caller.is_platform_admin:
        return True
    return any(caller.acts_for(agency) for agency in issuers) and caller.is_staff


def can_edit(caller: Principal, document: Document) -> bool:
    """Only staff of the lead issuing agency (or platform admins) change a record."""
    return caller.acts_for(document.agency_id)


def visible_interpretations(caller: Principal) -> ColumnElement[bool]:
    """Published interpretations of a document the caller may see; staff also their own drafts."""
    if caller.is_platform_admin:
        return true()
    of_visible = col(Interpretation.id).in_(
        select(InterpretationDocument.interpretation_id)
        .join(Document, col(Document.id) == col(InterpretationDocument.document_id))
        .where(visible_documents(caller))
    )
    published = and_(col(Interpretation.status) == PublicationStatus.PUBLISHED, of_visible)
    agencies = staff_agencies(caller)
    if not agencies:
        return published
    return or_(published, col(Interpretation.agency_id).in_(agencies))
