"""SQL of gazette issues and entries."""

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.gazette.models import GazetteEntry, GazetteIssue
from services.documents.records.repository import _run


async def get(session: AsyncSession, issue_id: uuid.UUID) -> GazetteIssue | None:
    return await session.get(GazetteIssue, issue_id)


async def by_number(
    session: AsyncSession, agency_id: uuid.UUID, year: int, issue_number: int
) -> GazetteIssue | None:
    rows = await session.exec(
        select(GazetteIssue).where(
            col(GazetteIssue.agency_id) == agency_id,
            col(GazetteIssue.year) == year,
            col(GazetteIssue.issue_number) == issue_number,
        )
    )
    return rows.first()


async def entries(session: AsyncSession, issue_id: uuid.UUID) -> list[GazetteEntry]:
    rows = await session.exec(
        select(GazetteEntry)
        .where(col(GazetteEntry.issue_id) == issue_id)
        .order_by(col(GazetteEntry.position))
    )
    return list(rows)


async def page(
    session: AsyncSession, *, conditions: Sequence[ColumnElement[bool]], limit: int
) -> list[GazetteIssue]:
    rows = await session.exec(
        select(GazetteIssue)
        .where(*conditions)
        .order_by(col(GazetteIssue.issued_on).desc(), col(GazetteIssue.id).desc())
        .limit(limit)
    )
    return list(rows)


def carrying(document_id: uuid.UUID) -> ColumnElement[bool]:
    return col(GazetteIssue.id).in_(
        select(GazetteEntry.issue_id).where(col(GazetteEntry.document_id) == document_id)
    )


async def delete_entries(session: AsyncSession, issue_id: uuid.UUID) -> None:
    await _run(session, delete(GazetteEntry).where(col(GazetteEntry.issue_id) == issue_id))
