"""SQL of interpretations and their links to documents."""

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.interpretations.models import Interpretation, InterpretationDocument
from services.documents.records.repository import _run


async def get(session: AsyncSession, interpretation_id: uuid.UUID) -> Interpretation | None:
    return await session.get(Interpretation, interpretation_id)


async def linked_to(session: AsyncSession, document_id: uuid.UUID) -> list[Interpretation]:
    rows = await session.exec(
        select(Interpretation)
        .join(
            InterpretationDocument,
            col(InterpretationDocument.interpretation_id) == col(Interpretation.id),
        )
        .where(col(InterpretationDocument.document_id) == document_id)
        .order_by(col(Interpretation.created_at))
    )
    return list(rows)


async def documents_of(
    session: AsyncSession, interpretation_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if interpretation_ids:
        rows = await session.exec(
            select(InterpretationDocument).where(
                col(InterpretationDocument.interpretation_id).in_(interpretation_ids)
            )
        )
        for row in rows:
            found[row.interpretation_id].append(row.document_id)
    return found


async def replace_links(
    session: AsyncSession, interpretation_id: uuid.UUID, document_ids: Sequence[uuid.UUID]
) -> None:
    await _run(
        session,
        delete(InterpretationDocument).where(
            col(InterpretationDocument.interpretation_id) == interpretation_id
        ),
    )
    for document_id in document_ids:
        session.add(
            InterpretationDocument(interpretation_id=interpretation_id, document_id=document_id)
        )


async def page(
    session: AsyncSession, *, conditions: Sequence[ColumnElement[bool]], limit: int
) -> list[Interpretation]:
    rows = await session.exec(
        select(Interpretation)
        .where(*conditions)
        .order_by(col(Interpretation.created_at).desc(), col(Interpretation.id).desc())
        .limit(limit)
    )
    return list(rows)
