"""SQL of reference data."""

import uuid
from collections.abc import Collection
from typing import Literal

from sqlalchemy import bindparam, literal, union_all
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.records.models import Document
from services.documents.reference.models import DocumentType, SubjectCategory


async def document_type(session: AsyncSession, code: str) -> DocumentType | None:
    return await session.get(DocumentType, code)


async def subject(session: AsyncSession, code: str) -> SubjectCategory | None:
    return await session.get(SubjectCategory, code)


async def document_types(session: AsyncSession) -> list[DocumentType]:
    query = select(DocumentType).order_by(col(DocumentType.sort_order), col(DocumentType.code))
    return list(await session.exec(query))


async def subjects(session: AsyncSession) -> list[SubjectCategory]:
    query = select(SubjectCategory).order_by(col(SubjectCategory.code))
    return list(await session.exec(query))


async def documents_with(
    session: AsyncSession, field: Literal["type_code", "subject_code"], code: str
) -> list[uuid.UUID]:
    """The documents of a type (``type_code``) or a 主题分类 (``subject_code``)."""
    column = col(getattr(Document, field))
    query = select(Document.id).where(column == code).order_by(col(Document.id))
    return list(await session.exec(query))


# Built once (building a statement costs more CPU than running it): the names of some types
# and some subjects in one query, for showing documents.
NAMES = union_all(
    select(literal("type").label("kind"), col(DocumentType.code), col(DocumentType.name)).where(
        col(DocumentType.code).in_(bindparam("types", expanding=True))
    ),
    select(
        literal("subject").label("kind"), col(SubjectCategory.code), col(SubjectCategory.name)
    ).where(col(SubjectCategory.code).in_(bindparam("subjects", expanding=True))),
)


async def names(
    session: AsyncSession, *, types: Collection[str], subjects: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The names of these document types and subjects (unknown codes are left out)."""
    found: dict[str, dict[str, str]] = {"type": {}, "subject": {}}
    if types or subjects:
        connection = await session.connection()
        rows = await connection.execute(
            NAMES, {"types": sorted(set(types)), "subjects": sorted(set(subjects))}
        )
        for kind, code, name in rows:
            found[kind][code] = name
    return found["type"], found["subject"]
