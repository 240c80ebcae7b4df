"""Counts for the annual report, and which catalog items have no document, per agency.

Every figure goes through the visibility filter: the public gets counts of 主动公开
documents only, an agency's staff also their own non-public ones.
"""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.client import ServiceClient
from services.documents import catalog as catalog_api
from services.documents import visibility
from services.documents.clock import today
from services.documents.lifecycle.models import DocumentEvent, EventKind
from services.documents.records import repository as records
from services.documents.records.models import (
    Disclosure,
    Document,
    DocumentCatalogItem,
    PublicationStatus,
)
from services.documents.reference.models import REPORT_ROW_LABELS, DocumentType, ReportRow
from services.documents.reports.schemas import (
    Column,
    GapItem,
    GapList,
    ReportCounts,
    ReportFormat,
    Row,
)

COLUMNS = {
    ReportFormat.F2021: [
        Column(key="issued", label="本年制发件数"),
        Column(key="repealed", label="本年废止件数"),
        Column(key="in_force", label="现行有效件数"),
    ],
    ReportFormat.F2019: [
        Column(key="made", label="本年新制作数量"),
        Column(key="published", label="本年新公开数量"),
        Column(key="total_public", label="对外公开总数量"),
    ],
}
ROW_LABELS_2019 = {ReportRow.RULE: "规章", ReportRow.NORMATIVE: "规范性文件"}


def format_for(year: int) -> ReportFormat:
    """The template is keyed by report year (domain.md §2)."""
    return ReportFormat.F2019 if year <= 2020 else ReportFormat.F2021


async def _count(session: AsyncSession, conditions: Sequence[ColumnElement[bool]]) -> int:
    return await records.count(session, list(conditions))


async def report_counts(
    session: AsyncSession,
    *,
    caller: Principal,
    year: int,
    agency_id: uuid.UUID | None,
    report_format: ReportFormat | None,
) -> ReportCounts:
    chosen = report_format or format_for(year)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    as_of = min(end, today())
    base: list[ColumnElement[bool]] = [visibility.visible_documents(caller)]
    if agency_id is not None:
        base.append(col(Document.agency_id) == agency_id)
    published = col(Document.status) == PublicationStatus.PUBLISHED
    public = and_(published, col(Document.disclosure) == Disclosure.PUBLIC)
    rows = []
    for row in ReportRow:
        of_row = col(Document.type_code).in_(
            select(DocumentType.code).where(col(DocumentType.report_row) == row)
        )
        scope = [*base, of_row]
        if chosen is ReportFormat.F2021:
            repealed = col(Document.id).in_(
                select(DocumentEvent.document_id).where(
                    col(DocumentEvent.kind) == EventKind.REPEALED,
                    col(DocumentEvent.occurred_on).between(start, end),
                )
            )
            values = {
                "issued": await _count(
                    session, [*scope, published, col(Document.published_on).between(start, end)]
                ),
                "repealed": await _count(session, [*scope, repealed]),
                "in_force": await _count(session, [*scope, records.in_force_on(as_of)]),
            }
            label = REPORT_ROW_LABELS[row]
        else:
            values = {
                "made": await _count(
                    session, [*scope, col(Document.written_on).between(start, end)]
                ),
                "published": await _count(
                    session, [*scope, public, col(Document.published_on).between(start, end)]
                ),
                "total_public": await _count(
                    session, [*scope, public, col(Document.published_on) <= end]
                ),
            }
            label = ROW_LABELS_2019[row]
        rows.append(Row(key=row.value, label=label, values=values))
    return ReportCounts(
        year=year,
        format=chosen,
        agency_id=agency_id,
        as_of=as_of,
        public_only=not caller.is_platform_admin and not visibility.staff_agencies(caller),
        columns=COLUMNS[chosen],
        rows=rows,
    )


async def gaps(
    session: AsyncSession,
    *,
    caller: Principal,
    catalog: ServiceClient,
    agency_id: uuid.UUID,
    written_from: dt.date | None,
    written_to: dt.date | None,
) -> GapList:
    """Items of the agency's published catalog with no document (visible to the caller) in the
    period, judged by 成文日期."""
    items = await catalog_api.agency_items(catalog, agency_id)
    conditions: list[ColumnElement[bool]] = [visibility.visible_documents(caller)]
    if written_from is not None:
        conditions.append(col(Document.written_on) >= written_from)
    if written_to is not None:
        conditions.append(col(Document.written_on) <= written_to)
    covered: set[uuid.UUID] = set()
    if items:
        rows = await session.exec(
            select(DocumentCatalogItem.item_id)
            .join(Document, col(Document.id) == col(DocumentCatalogItem.document_id))
            .where(col(DocumentCatalogItem.item_id).in_([i.id for i in items]), *conditions)
        )
        covered = set(rows)
    return GapList(
        agency_id=agency_id,
        written_from=written_from,
        written_to=written_to,
        items=[GapItem(item_id=i.id, title=i.title) for i in items if i.id not in covered],
    )
