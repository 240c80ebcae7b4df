"""Rules of reference data: codes are stable; platform admins edit names and add entries."""

import re
from typing import Literal

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.errors import Forbidden, Unprocessable
from services.documents.outbox import repository as outbox
from services.documents.reference import repository
from services.documents.reference.models import DocumentType, SubjectCategory
from services.documents.reference.schemas import DocumentTypeWrite, SubjectWrite

CODE = re.compile(r"^[a-z0-9_]{1,32}$")


async def document_type(session: AsyncSession, code: str, *, field: str) -> DocumentType:
    found = await repository.document_type(session, code)
    if found is None:
        raise Unprocessable(
            f"{field}：文件类型代码 {code} 不存在，可用的类型见 /api/v1/documents/types。",
            code="document-type-unknown",
        )
    return found


async def subject(session: AsyncSession, code: str, *, field: str) -> SubjectCategory:
    found = await repository.subject(session, code)
    if found is None:
        raise Unprocessable(
            f"{field}：主题分类代码 {code} 不存在，可用的分类见 /api/v1/documents/subjects。",
            code="subject-unknown",
        )
    return found


def _admin(caller: Principal) -> None:
    if not caller.is_platform_admin:
        raise Forbidden("只有平台管理员可以维护文件类型和主题分类。")


async def _save(
    session: AsyncSession,
    row: DocumentType | SubjectCategory,
    data: DocumentTypeWrite | SubjectWrite,
    *,
    field: Literal["type_code", "subject_code"],
) -> None:
    renamed = row.name != data.name  # a new row is built with data's name
    for key, value in data.model_dump().items():
        setattr(row, key, value)
    session.add(row)
    await session.flush()
    if renamed:
        # What its documents show has changed: an outbox entry for each, in this transaction,
        # lets the search indexer and the change feed refresh them.
        for document_id in await repository.documents_with(session, field, row.code):
            await outbox.append(
                session, entity="document", entity_id=document_id, kind="relabelled",
                payload={field: row.code},
            )  # fmt: skip


async def put_document_type(
    session: AsyncSession, *, caller: Principal, code: str, data: DocumentTypeWrite
) -> DocumentType:
    _admin(caller)
    if not CODE.match(code):
        raise Unprocessable("类型代码只能由小写字母、数字和下划线组成（1–32 位）。")
    row = await repository.document_type(session, code) or DocumentType(code=code, name=data.name)
    await _save(session, row, data, field="type_code")
    return row


async def put_subject(
    session: AsyncSession, *, caller: Principal, code: str, data: SubjectWrite
) -> SubjectCategory:
    _admin(caller)
    if not re.fullmatch(r"[0-9A-Za-z]{1,16}", code):
        raise Unprocessable("主题分类代码只能由字母和数字组成（1–16 位）。")
    if data.parent_code is not None:
        if data.parent_code == code:
            raise Unprocessable("主题分类不能以自身为上级。")
        ancestor: SubjectCategory | None = await subject(
            session, data.parent_code, field="parent_code"
        )
        seen = {code}
        while ancestor is not None and ancestor.parent_code is not None:
            if ancestor.parent_code in seen:
                raise Unprocessable(
                    f"parent_code：{data.parent_code} 是 {code} 的下级分类，不能作为它的上级。",
                    code="subject-cycle",
                )
            seen.add(ancestor.code)
            ancestor = await repository.subject(session, ancestor.parent_code)
    row = await repository.subject(session, code) or SubjectCategory(code=code, name=data.name)
    await _save(session, row, data, field="subject_code")
    return row
