"""Rules of the document record: who may write, numbers, dates, classification, versions."""

import datetime as dt
import hashlib
import uuid
from typing import Any

import orjson
from sqlalchemy import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.client import ServiceClient
from services.common.db import lock_key, utcnow
from services.common.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor
from services.common.workdays import DEFAULT_CALENDAR, CalendarRangeError, WorkdayCalendar
from services.documents import catalog as catalog_api
from services.documents import visibility
from services.documents.clock import today
from services.documents.errors import PreconditionRequired
from services.documents.outbox import repository as outbox
from services.documents.records import repository
from services.documents.records.html import sanitise_html
from services.documents.records.index_numbers import DEFAULT_PATTERN, render_index_number
from services.documents.records.models import (
    Disclosure,
    DisclosureChange,
    Document,
    DocumentVersion,
    IdempotencyRecord,
    PublicationStatus,
)
from services.documents.records.numbers import parse_document_number
from services.documents.records.present import etag
from services.documents.records.schemas import DocumentCreate, DocumentUpdate, _check_dates
from services.documents.reference import service as reference

# Fields whose change on a published document is recorded in its versions.
VERSIONED_FIELDS = (
    "title", "doc_number", "type_code", "subject_code", "keywords", "body_text", "body_html",
    "is_policy", "interpretation_exemption", "joint_agency_ids", "catalog_item_ids",
)  # fmt: skip
# Dates that shape the validity intervals; after publication they change by lifecycle actions.
DATES_FIXED_ON_PUBLICATION = ("written_on", "effective_on", "expires_on")


def not_found(document_id: uuid.UUID) -> NotFound:
    return NotFound(f"未找到编号为 {document_id} 的文件。", code="document-not-found")


async def get_visible(
    session: AsyncSession, caller: Principal, document_id: uuid.UUID, *, for_update: bool = False
) -> Document:
    """The document if ``caller`` may see it; otherwise 404, as if it did not exist."""
    document = await (
        repository.get_for_update(session, document_id)
        if for_update
        else repository.get(session, document_id)
    )
    if document is None:
        raise not_found(document_id)
    if visibility.is_public(document) or caller.is_platform_admin:
        return document  # everyone sees it, whoever issued it
    issuers = [a.agency_id for a in (await repository.issuers(session, [document.id]))[document.id]]
    if not visibility.can_see(caller, document, issuers):
        raise not_found(document_id)
    return document


async def get_editable(
    session: AsyncSession, caller: Principal, document_id: uuid.UUID, *, if_match: str | None = None
) -> Document:
    """Visible and writable by ``caller``: 404 when invisible, 403 when another agency's.

    With ``if_match`` (optional on these writes), 412 when the document changed since.
    """
    document = await get_visible(session, caller, document_id, for_update=True)
    if not visibility.can_edit(caller, document):
        raise Forbidden("只有主办发文机关的工作人员可以修改此文件。")
    if if_match is not None:
        check_if_match(document, if_match)
    return document


def due_on(written_on: dt.date, days: int, calendar: WorkdayCalendar = DEFAULT_CALENDAR) -> dt.date:
    """The last day to publish: the N-th working day after 成文日期 (day 0)."""
    try:
        return calendar.add_working_days(written_on, days).date
    except CalendarRangeError as exc:
        raise Unprocessable(str(exc), code="date-out-of-range") from None


def _check_not_future(day: dt.date, label: str) -> None:
    if day > today():
        raise Unprocessable(
            f"{label}不能晚于今天（{today().isoformat()}）。", code="date-in-future"
        )


def _check_disclosure(
    attribute: Disclosure | None, reason: str | None, legal_basis: str | None
) -> None:
    if attribute in {Disclosure.ON_REQUEST, Disclosure.WITHHELD} and not (reason and legal_basis):
        raise Unprocessable(
            "公开属性为依申请公开或不予公开时，必须同时填写理由（disclosure_reason）"
            "和法律依据（disclosure_legal_basis）。",
            code="disclosure-reason-required",
        )


def request_hash(data: DocumentCreate) -> str:
    return hashlib.sha256(orjson.dumps(data.model_dump(mode="json"))).hexdigest()


async def replayed(
    session: AsyncSession, caller: Principal, key: str | None, data: DocumentCreate
) -> Document | None:
    """The document an earlier request with this Idempotency-Key made, if any."""
    if not key:
        return None
    subject = caller.subject or ""
    # A concurrent retry waits here for the first attempt's commit, then replays it.
    await lock_key(session, f"documents-idempotency|{subject}|{key}")
    record = await repository.idempotency(session, subject, key)
    if record is None:
        return None
    if record.request_hash != request_hash(data):
        raise Unprocessable(
            "该 Idempotency-Key 已用于内容不同的另一次提交；请为新的提交使用新的键。",
            code="idempotency-key-reused",
        )
    document = await repository.get(session, record.document_id)
    assert document is not None
    return document


async def _numbering(
    session: AsyncSession, agency_id: uuid.UUID, text: str | None, *, exclude: uuid.UUID | None
) -> dict[str, Any]:
    if text is None:
        return {
            "doc_number": None,
            "doc_number_key": None,
            "doc_number_code": None,
            "doc_number_year": None,
            "doc_number_seq": None,
            "doc_number_is_order": False,
        }
    number = parse_document_number(text)
    existing = await repository.by_number(session, agency_id, number.normalised)
    if existing is not None and existing.id != exclude:
        raise Conflict(
            f"本机关已有发文字号为“{number.normalised}”的文件（索引号 {existing.index_number}），"
            "请核对发文字号。",
            code="doc-number-taken",
        )
    return {
        "doc_number": number.original,
        "doc_number_key": number.normalised,
        "doc_number_code": number.code,
        "doc_number_year": number.year,
        "doc_number_seq": number.sequence,
        "doc_number_is_order": number.is_order,
    }


async def _joint_agencies(
    catalog: ServiceClient, lead: uuid.UUID, ids: list[uuid.UUID]
) -> list[tuple[uuid.UUID, str]]:
    found = []
    for index, agency_id in enumerate(dict.fromkeys(i for i in ids if i != lead)):
        info = await catalog_api.agency(catalog, agency_id, field=f"joint_agency_ids[{index}]")
        found.append((info.id, info.name))
    return found


async def _catalog_items(
    catalog: ServiceClient, ids: list[uuid.UUID], token: str | None
) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    ids = list(dict.fromkeys(ids))
    found = await catalog_api.catalog_items(catalog, ids, token=token)
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Unprocessable(
            "catalog_item_ids：以下目录事项不存在，请核对：" + "、".join(missing),
            code="catalog-item-not-found",
        )
    return [(i, found[i].agency_id) for i in ids]


async def create(
    session: AsyncSession,
    *,
    caller: Principal,
    catalog: ServiceClient,
    data: DocumentCreate,
    idempotency_key: str | None = None,
    legacy_index_number: str | None = None,
    calendar: WorkdayCalendar = DEFAULT_CALENDAR,
) -> Document:
    """Register a document (draft) for an agency the caller works for.

    ``legacy_index_number`` keeps the 索引号 an imported document already carries.
    """
    if not caller.acts_for(data.agency_id):
        raise Forbidden("只能为本机关登记文件（agency_id 须为您所在的机关）。")
    _check_not_future(data.written_on, "成文日期")
    _check_disclosure(data.disclosure, data.disclosure_reason, data.disclosure_legal_basis)
    await reference.document_type(session, data.type_code, field="type_code")
    if data.subject_code is not None:
        await reference.subject(session, data.subject_code, field="subject_code")
    # Every check that asks another service runs before anything is written.
    lead = await catalog_api.agency(catalog, data.agency_id, field="agency_id")
    joint = await _joint_agencies(catalog, lead.id, data.joint_agency_ids)
    items = await _catalog_items(catalog, data.catalog_item_ids, caller.token)
    numbering = await _numbering(session, lead.id, data.doc_number, exclude=None)
    if legacy_index_number and not await repository.index_number_taken(
        session, legacy_index_number[:100]
    ):
        index_number = legacy_index_number[:100]
    else:
        seq = await repository.next_index_sequence(session, lead.id, data.written_on.year)
        index_number = render_index_number(
            lead.index_number_pattern or DEFAULT_PATTERN,
            credit_code=lead.credit_code,
            year=data.written_on.year,
            seq=seq,
        )
    values = data.model_dump(
        exclude={"joint_agency_ids", "catalog_item_ids", "doc_number", "body_html"}
    )
    document = Document(
        **values,
        **numbering,
        index_number=index_number,
        agency_name=lead.name,
        body_html=sanitise_html(data.body_html) if data.body_html is not None else None,
        deadline_days=lead.publication_deadline_days,
        publish_due_on=due_on(data.written_on, lead.publication_deadline_days, calendar),
        created_by=caller.subject,
        disclosure_reviewed_on=today() if data.disclosure else None,
    )
    session.add(document)
    await session.flush()
    await repository.replace_issuers(session, document.id, [(lead.id, lead.name), *joint])
    await repository.replace_catalog_items(session, document.id, items)
    if data.disclosure is not None:
        session.add(
            DisclosureChange(
                document_id=document.id,
                attribute=data.disclosure,
                reason=data.disclosure_reason,
                legal_basis=data.disclosure_legal_basis,
                comment="登记时确定",
                changed_on=today(),
                actor=caller.subject,
            )
        )
    if idempotency_key:
        session.add(
            IdempotencyRecord(
                subject=caller.subject or "",
                key=idempotency_key,
                request_hash=request_hash(data),
                document_id=document.id,
            )
        )
    await session.flush()
    await outbox.append(session, entity="document", entity_id=document.id, kind="created")
    return document


def check_if_match(document: Document, if_match: str | None) -> None:
    """Optimistic concurrency: 428 without If-Match, 412 when the document has changed since."""
    if if_match is None:
        raise PreconditionRequired(
            "修改文件须带 If-Match 请求头（取自读取文件时的 ETag），以免覆盖他人的修改。"
        )
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" not in tags and etag(document) not in tags:
        raise PreconditionFailed(
            f"文件已被修改（当前版本 {document.version}），请重新读取后再提交。",
            headers={"ETag": etag(document)},
        )


async def update(
    session: AsyncSession,
    *,
    caller: Principal,
    catalog: ServiceClient,
    document_id: uuid.UUID,
    data: DocumentUpdate,
    if_match: str | None,
    calendar: WorkdayCalendar = DEFAULT_CALENDAR,
) -> Document:
    """Change a record; a published one keeps a version (who, when, why, what)."""
    document = await get_editable(session, caller, document_id)
    check_if_match(document, if_match)
    changes = data.model_dump(exclude_unset=True)
    reason = changes.pop("change_reason", None)
    published = document.status == PublicationStatus.PUBLISHED
    for name in ("title", "type_code", "written_on", "body_text", "is_policy"):
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} 不能为空。")
    if published:
        if reason is None:
            raise Unprocessable(
                "已发布的文件修改时须填写修改原因（change_reason），记入版本记录。",
                code="change-reason-required",
            )
        fixed = [n for n in DATES_FIXED_ON_PUBLICATION if n in changes]
        if fixed and any(changes[n] != getattr(document, n) for n in fixed):
            raise Conflict(
                "已发布文件的成文日期、施行日期和有效期不能直接修改；"
                "请通过修改（amend）或废止（repeal）等生命周期操作办理。",
                code="dates-fixed-after-publication",
            )
    merged = {n: changes.get(n, getattr(document, n)) for n in DATES_FIXED_ON_PUBLICATION}
    try:
        _check_dates(merged["written_on"], merged["effective_on"], merged["expires_on"])
    except ValueError as exc:
        raise Unprocessable(str(exc), code="dates-inconsistent") from None
    if "written_on" in changes:
        _check_not_future(changes["written_on"], "成文日期")
    if changes.get("type_code") is not None:
        await reference.document_type(session, changes["type_code"], field="type_code")
    if changes.get("subject_code") is not None:
        await reference.subject(session, changes["subject_code"], field="subject_code")

    issuers = await repository.issuers(session, [document.id])
    old: dict[str, Any] = {n: getattr(document, n, None) for n in VERSIONED_FIELDS}
    old["joint_agency_ids"] = [str(a.agency_id) for a in issuers[document.id][1:]]
    old["catalog_item_ids"] = [
        str(i) for i in (await repository.catalog_items(session, [document.id]))[document.id]
    ]
    await _apply_links(session, catalog, document, changes, caller.token)
    if changes.get("body_html") is not None:
        changes["body_html"] = sanitise_html(changes["body_html"])
    for key, value in changes.items():
        if key not in {"joint_agency_ids", "catalog_item_ids", "doc_number"}:
            setattr(document, key, value)
    if "written_on" in changes:
        document.publish_due_on = due_on(document.written_on, document.deadline_days, calendar)

    diff = {
        n: {"old": _plain(old.get(n)), "new": _plain(changes[n])}
        for n in changes
        if n in VERSIONED_FIELDS and _plain(old.get(n)) != _plain(changes[n])
    }
    document.version += 1
    document.updated_at = utcnow()
    session.add(document)
    if published and reason is not None:
        await add_version(session, document, actor=caller.subject, reason=reason, changes=diff)
    await session.flush()
    await outbox.append(
        session, entity="document", entity_id=document.id, kind="updated",
        payload={"fields": sorted(changes)},
    )  # fmt: skip
    return document


async def _apply_links(
    session: AsyncSession,
    catalog: ServiceClient,
    document: Document,
    changes: dict[str, Any],
    token: str | None,
) -> None:
    """Joint agencies, catalog items and the 发文字号, each checked before it is stored."""
    if "joint_agency_ids" in changes:
        joint = await _joint_agencies(
            catalog, document.agency_id, changes.pop("joint_agency_ids") or []
        )
        await repository.replace_issuers(
            session, document.id, [(document.agency_id, document.agency_name), *joint]
        )
        changes["joint_agency_ids"] = [str(a) for a, _ in joint]
    if "catalog_item_ids" in changes:
        items = await _catalog_items(catalog, changes.pop("catalog_item_ids") or [], token)
        await repository.replace_catalog_items(session, document.id, items)
        changes["catalog_item_ids"] = [str(i) for i, _ in items]
    if "doc_number" in changes:
        numbering = await _numbering(
            session, document.agency_id, changes.pop("doc_number"), exclude=document.id
        )
        for key, value in numbering.items():
            setattr(document, key, value)
        changes["doc_number"] = numbering["doc_number"]


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | uuid.UUID):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


async def add_version(
    session: AsyncSession,
    document: Document,
    *,
    actor: str | None,
    reason: str,
    changes: dict[str, Any],
) -> DocumentVersion:
    number = await repository.next_version_number(session, document.id)
    version = DocumentVersion(
        document_id=document.id, number=number, actor=actor, reason=reason, changes=changes
    )
    session.add(version)
    return version


def snapshot(document: Document) -> dict[str, Any]:
    """The content of a document as published (the first version's ``changes``)."""
    return {n: {"old": None, "new": _plain(getattr(document, n, None))} for n in VERSIONED_FIELDS
            if hasattr(document, n)}  # fmt: skip


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    filters: list[ColumnElement[bool]],
    page: PageParams,
) -> tuple[list[Document], str | None]:
    keys = [col(Document.written_on), col(Document.id)]
    conditions = [visibility.visible_documents(caller), *filters]
    if page.cursor:
        conditions.append(after_key(keys, decode_cursor(page.cursor, keys), descending=True))  # type: ignore[arg-type]
    rows = await repository.page(session, conditions=conditions, limit=page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    return rows, encode_cursor([rows[-1].written_on, rows[-1].id]) if more else None


async def count(
    session: AsyncSession, *, caller: Principal, filters: list[ColumnElement[bool]]
) -> int:
    return await repository.count(session, [visibility.visible_documents(caller), *filters])


async def versions(
    session: AsyncSession, *, caller: Principal, document_id: uuid.UUID
) -> tuple[list[DocumentVersion], bool]:
    """The versions, and whether the caller may see who made them (their own agency's staff)."""
    document = await get_visible(session, caller, document_id)
    return await repository.versions(session, document.id), visibility.can_edit(caller, document)
