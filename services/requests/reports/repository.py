"""SQL of annual reports, review cases, and the request facts the tables are computed from."""

import datetime as dt
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.requests.applications.models import ApplicantKind, InfoRequest
from services.requests.replies import ApplicantColumn
from services.requests.reports.compute import RequestFact, ReviewFact
from services.requests.reports.models import AnnualReport, ReportStatus, ReviewCase


async def request_facts(
    session: AsyncSession, agency_ids: Sequence[uuid.UUID], start: dt.date, end: dt.date
) -> list[RequestFact]:
    """Requests received by ``end`` and not closed before ``start`` (no personal data read)."""
    # six columns: more than sqlmodel's typed select() takes, hence SQLAlchemy's
    rows = await session.exec(  # type: ignore[call-overload]
        sa.select(
            col(InfoRequest.applicant_kind),
            col(InfoRequest.organisation_type),
            col(InfoRequest.received_on),
            col(InfoRequest.closed_on),
            col(InfoRequest.reply_type),
            col(InfoRequest.refusal_ground),
        ).where(
            col(InfoRequest.agency_id).in_(agency_ids),
            col(InfoRequest.received_on).is_not(None),
            col(InfoRequest.received_on) <= end,
            or_(col(InfoRequest.closed_on).is_(None), col(InfoRequest.closed_on) >= start),
        )
    )
    facts = []
    for kind, organisation, received, closed, reply, ground in rows:
        if kind == ApplicantKind.NATURAL_PERSON:
            column = ApplicantColumn.NATURAL_PERSON.value
        else:
            column = organisation or ApplicantColumn.OTHER.value
        facts.append(RequestFact(column, received, closed, reply, ground))
    return facts


async def review_facts(
    session: AsyncSession, agency_ids: Sequence[uuid.UUID], start: dt.date, end: dt.date
) -> list[ReviewFact]:
    rows = await session.exec(
        select(
            col(ReviewCase.kind),
            col(ReviewCase.result),
            col(ReviewCase.filed_on),
            col(ReviewCase.concluded_on),
        ).where(
            col(ReviewCase.agency_id).in_(agency_ids),
            col(ReviewCase.filed_on) <= end,
            or_(col(ReviewCase.concluded_on).is_(None), col(ReviewCase.concluded_on) >= start),
        )
    )
    return [ReviewFact(kind, result, filed, concluded) for kind, result, filed, concluded in rows]


async def versions(session: AsyncSession, agency_id: uuid.UUID, year: int) -> list[AnnualReport]:
    """Every version of one agency's report for a year, newest first."""
    rows = await session.exec(
        select(AnnualReport)
        .where(AnnualReport.agency_id == agency_id, AnnualReport.year == year)
        .order_by(col(AnnualReport.version).desc())
    )
    return list(rows)


async def get_for_update(session: AsyncSession, report_id: uuid.UUID) -> AnnualReport | None:
    rows = await session.exec(
        select(AnnualReport).where(AnnualReport.id == report_id).with_for_update()
    )
    return rows.first()


async def published_in_division(
    session: AsyncSession, division_code: str, year: int
) -> list[AnnualReport]:
    """The newest published version of each agency's report in a division and its subdivisions."""
    rows = await session.exec(
        select(AnnualReport)
        .where(
            AnnualReport.year == year,
            AnnualReport.status == ReportStatus.PUBLISHED,
            col(AnnualReport.division_code).startswith(division_code),
        )
        .order_by(col(AnnualReport.agency_id), col(AnnualReport.version).desc())
    )
    newest: dict[uuid.UUID, AnnualReport] = {}
    for report in rows:
        newest.setdefault(report.agency_id, report)
    return sorted(newest.values(), key=lambda r: (r.agency_name, str(r.agency_id)))


async def review_case(session: AsyncSession, case_id: uuid.UUID) -> ReviewCase | None:
    return await session.get(ReviewCase, case_id)


async def review_cases(
    session: AsyncSession, agency_id: uuid.UUID, start: dt.date, end: dt.date
) -> list[ReviewCase]:
    rows = await session.exec(
        select(ReviewCase)
        .where(
            ReviewCase.agency_id == agency_id,
            col(ReviewCase.filed_on) <= end,
            or_(col(ReviewCase.concluded_on).is_(None), col(ReviewCase.concluded_on) >= start),
        )
        .order_by(col(ReviewCase.filed_on), col(ReviewCase.id))
    )
    return list(rows)


async def info_request(session: AsyncSession, request_id: uuid.UUID) -> InfoRequest | None:
    return await session.get(InfoRequest, request_id)
