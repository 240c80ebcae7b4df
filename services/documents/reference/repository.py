"""SQL of reference data."""

import uuid
from typing import Literal

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
