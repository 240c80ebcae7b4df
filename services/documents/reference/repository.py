"""SQL of reference data."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

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
