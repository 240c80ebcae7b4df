"""Import of legacy documents: the importer reads each text, the registry records it.

Each file is recorded in its own savepoint, so one bad file leaves nothing behind while the
others go in; what could not be read or recorded is reported per file, in Chinese.
"""

import time

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import MFA_ACR_VALUES, STEP_UP_MAX_AGE, Principal, Role
from services.common.client import ServiceClient
from services.common.errors import Forbidden, GongkaiError, Unauthorized
from services.documents import catalog as catalog_api
from services.documents.importer import DisclosureMark, ImportResult, parse_legacy_text
from services.documents.legacy.schemas import (
    STATUS_LABELS,
    ImportFileResult,
    ImportRequest,
    ImportResponse,
    ImportStatus,
)
from services.documents.lifecycle import service as lifecycle
from services.documents.lifecycle.schemas import PublishBody
from services.documents.records import repository as records_repository
from services.documents.records import service as records
from services.documents.records.models import Disclosure
from services.documents.records.schemas import DocumentCreate
from services.documents.reference import repository as reference

ATTRIBUTES = {DisclosureMark.PUBLIC: Disclosure.PUBLIC}


def check_may_publish(caller: Principal) -> None:
    """Publishing on import needs what the publish route needs (role, scope, fresh MFA)."""
    if not caller.has_role(Role.PUBLISHER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN):
        raise Forbidden("导入时同时发布需要发布员或管理员身份。")
    if "documents:publish" not in caller.scopes:
        raise Forbidden("访问令牌缺少所需权限范围：documents:publish")
    fresh = caller.auth_time is not None and time.time() - caller.auth_time <= STEP_UP_MAX_AGE
    if caller.acr not in MFA_ACR_VALUES or not fresh:
        raise Unauthorized(
            "导入时同时发布需要在 15 分钟内完成多因素认证，请重新验证身份后再试。",
            headers={"WWW-Authenticate": 'Bearer error="insufficient_user_authentication"'},
        )


async def import_files(
    session: AsyncSession, *, caller: Principal, catalog: ServiceClient, data: ImportRequest
) -> ImportResponse:
    if data.publish and not data.dry_run:
        check_may_publish(caller)
    results = []
    for item in data.files:
        parsed = parse_legacy_text(item.text, item.filename)
        results.append(await _import_one(session, caller, catalog, data, parsed))
    created = sum(r.status in {ImportStatus.CREATED, ImportStatus.PUBLISHED} for r in results)
    return ImportResponse(results=results, created=created)


async def _import_one(
    session: AsyncSession,
    caller: Principal,
    catalog: ServiceClient,
    data: ImportRequest,
    parsed: ImportResult,
) -> ImportFileResult:
    messages = [f.message for f in parsed.fields if not f.found]
    agency = None
    if data.agency_id is not None:
        agency = await catalog_api.agency(catalog, data.agency_id, field="agency_id")
    elif parsed.agency:
        agency = await catalog_api.agency_by_name(catalog, parsed.agency)
        if agency is None:
            messages.append(
                f"发文机关“{parsed.agency}”未在目录中登记（或名称不唯一），请指定 agency_id。"
            )
    attribute = ATTRIBUTES.get(parsed.disclosure) if parsed.disclosure else None
    if parsed.disclosure and attribute is None:
        messages.append(
            f"原件标注为{parsed.disclosure.label}，须补充理由和法律依据后再设置公开属性。"
        )

    def result(status: ImportStatus, document_id: object = None) -> ImportFileResult:
        return ImportFileResult(
            filename=parsed.filename,
            status=status,
            status_label=STATUS_LABELS[status],
            document_id=document_id,
            doc_number=parsed.doc_number,
            title=parsed.title,
            agency=parsed.agency,
            agency_id=agency.id if agency else None,
            written_on=parsed.written_on,
            published_on=parsed.published_on,
            disclosure=attribute,
            fields=parsed.fields,
            messages=messages,
        )

    if data.dry_run:
        return result(ImportStatus.PREVIEW)
    if agency is None or parsed.title is None or parsed.written_on is None:
        return result(ImportStatus.INCOMPLETE)
    if parsed.doc_number:
        existing = await records_repository.by_number(session, agency.id, parsed.doc_number)
        if existing is not None:
            return result(ImportStatus.EXISTS, existing.id)
    subject = await _subject_code(session, parsed.topic)
    create = DocumentCreate(
        title=parsed.title[:300],
        agency_id=agency.id,
        doc_number=(parsed.doc_number_original or parsed.doc_number or "")[:100] or None,
        type_code=data.type_code,
        subject_code=subject,
        keywords=[k[:30] for k in parsed.keywords][:20],
        written_on=parsed.written_on,
        body_text=parsed.body,
        disclosure=attribute,
    )
    try:
        async with session.begin_nested():
            document = await records.create(
                session, caller=caller, catalog=catalog, data=create,
                legacy_index_number=parsed.index_number,
            )  # fmt: skip
            status = ImportStatus.CREATED
            if data.publish and attribute is Disclosure.PUBLIC:
                published_on = parsed.published_on or parsed.written_on
                await lifecycle.publish(
                    session, caller=caller, document_id=document.id,
                    data=PublishBody(published_on=max(published_on, parsed.written_on)),
                )  # fmt: skip
                status = ImportStatus.PUBLISHED
    except GongkaiError as exc:
        messages.append(exc.detail)
        return result(ImportStatus.REFUSED)
    return result(status, document.id)


async def _subject_code(session: AsyncSession, topic: str | None) -> str | None:
    if not topic:
        return None
    subjects = sorted(await reference.subjects(session), key=lambda s: s.parent_code is not None)
    for subject in subjects:
        if subject.name == topic.strip().replace("其它", "其他"):
            return subject.code
    return None
