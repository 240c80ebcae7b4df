"""Rules of the gazette: an agency's staff compile issues of 主动公开 documents and publish them."""

import datetime as dt
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import UploadFile
from sqlalchemy import ColumnElement, or_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.client import ServiceClient
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor
from services.documents import catalog as catalog_api
from services.documents import visibility
from services.documents.attachments.checks import base_name, inspect_file
from services.documents.attachments.errors import AttachmentTypeRefused
from services.documents.attachments.kinds import FileKind
from services.documents.attachments.storage import LocalStorage, read_chunks
from services.documents.gazette import repository
from services.documents.gazette.models import GazetteEntry, GazetteIssue
from services.documents.gazette.schemas import EntryRead, EntryWrite, GazetteCreate, GazetteRead
from services.documents.outbox import repository as outbox
from services.documents.records import service as records
from services.documents.records.models import Disclosure, PublicationStatus
from services.documents.revisions import service as revisions
from services.documents.revisions.models import RevisionKind

ENTITY = "gazette_issue"
EDITABLE = ("title", "year", "issue_number", "total_number", "issued_on")


def _visible(caller: Principal) -> ColumnElement[bool]:
    published = col(GazetteIssue.status) == PublicationStatus.PUBLISHED
    if caller.is_platform_admin:
        return col(GazetteIssue.id).is_not(None)
    agencies = visibility.staff_agencies(caller)
    return or_(published, col(GazetteIssue.agency_id).in_(agencies)) if agencies else published


async def get_visible(
    session: AsyncSession, caller: Principal, issue_id: uuid.UUID
) -> GazetteIssue:
    rows = await repository.page(
        session, conditions=[col(GazetteIssue.id) == issue_id, _visible(caller)], limit=1
    )
    if not rows:
        raise NotFound(f"未找到编号为 {issue_id} 的公报。", code="gazette-not-found")
    return rows[0]


async def create(
    session: AsyncSession, *, caller: Principal, catalog: ServiceClient, data: GazetteCreate
) -> GazetteIssue:
    if not caller.acts_for(data.agency_id):
        raise Forbidden("只能编辑本机关的公报（agency_id 须为您所在的机关）。")
    if data.issued_on.year != data.year:
        raise Unprocessable("出版日期应在公报所属年度内。", code="gazette-year-mismatch")
    if await repository.by_number(session, data.agency_id, data.year, data.issue_number):
        raise Conflict(
            f"{data.year} 年第 {data.issue_number} 期公报已登记。", code="gazette-issue-taken"
        )
    titles = await check_entries(session, caller, data.entries, published=False)
    agency = await catalog_api.agency(catalog, data.agency_id, field="agency_id")
    issue = GazetteIssue(**data.model_dump(exclude={"entries"}), agency_name=agency.name)
    session.add(issue)
    await session.flush()
    await write_entries(session, issue, data.entries, titles)
    await outbox.append(session, entity="gazette_issue", entity_id=issue.id, kind="created")
    return issue


async def check_entries(
    session: AsyncSession, caller: Principal, entries: Sequence[EntryWrite], *, published: bool
) -> list[str]:
    """Each entry's title (default: its document's); its document must be 主动公开, and
    already published when the issue is."""
    titles: list[str] = []
    for index, item in enumerate(entries):
        title = item.title
        if item.document_id is not None:
            field = f"entries[{index}].document_id"
            try:
                document = await records.get_visible(session, caller, item.document_id)
            except NotFound:
                raise Unprocessable(f"{field}：未找到编号为 {item.document_id} 的文件。") from None
            if document.disclosure != Disclosure.PUBLIC:
                raise Unprocessable(
                    f"{field}：公报只刊登主动公开的文件，“{document.title}”不是主动公开。",
                    code="gazette-document-not-public",
                )
            if published and not visibility.is_public(document):
                raise Unprocessable(
                    f"{field}：本期公报已发布，“{document.title}”须先作为主动公开文件发布。",
                    code="gazette-document-not-published",
                )
            title = title or document.title
        assert title is not None
        titles.append(title)
    return titles


async def write_entries(
    session: AsyncSession, issue: GazetteIssue, entries: Sequence[EntryWrite], titles: list[str]
) -> None:
    for position, (item, title) in enumerate(zip(entries, titles, strict=True), start=1):
        session.add(
            GazetteEntry(
                issue_id=issue.id, position=position, document_id=item.document_id,
                title=title, section=item.section,
            )
        )  # fmt: skip
    await session.flush()


async def publish(session: AsyncSession, *, caller: Principal, issue_id: uuid.UUID) -> GazetteIssue:
    issue = await get_visible(session, caller, issue_id)
    if not caller.acts_for(issue.agency_id):
        raise Forbidden("只有编辑该公报的机关可以发布。")
    if issue.status == PublicationStatus.PUBLISHED:
        raise Conflict("该期公报已发布。", code="already-published")
    if issue.status == PublicationStatus.WITHDRAWN:
        raise Conflict("该期公报已撤回，不能再发布。", code="withdrawn")
    for entry in await repository.entries(session, issue.id):
        if entry.document_id is None:
            continue
        document = await records.get_visible(session, caller, entry.document_id)
        if not visibility.is_public(document):
            raise Conflict(
                f"第 {entry.position} 条“{entry.title}”尚未作为主动公开文件发布，公报不能发布。",
                code="gazette-document-not-published",
            )
    issue.status = PublicationStatus.PUBLISHED
    issue.updated_at = utcnow()
    session.add(issue)
    await session.flush()
    await revisions.record(
        session, entity=ENTITY, entity_id=issue.id, kind=RevisionKind.PUBLISHED,
        actor=caller.subject, reason="发布", changes=await contents(session, issue),
    )  # fmt: skip
    await outbox.append(session, entity="gazette_issue", entity_id=issue.id, kind="published")
    return issue


async def contents(session: AsyncSession, issue: GazetteIssue) -> dict[str, Any]:
    """The issue as a version records it: ``{field: {"old": None, "new": value}}``."""
    fields = {n: getattr(issue, n) for n in EDITABLE}
    fields["entries"] = await entry_values(session, issue)
    return {n: {"old": None, "new": revisions.plain(v)} for n, v in fields.items()}


async def entry_values(session: AsyncSession, issue: GazetteIssue) -> list[dict[str, Any]]:
    return [
        {"document_id": e.document_id, "title": e.title, "section": e.section}
        for e in await repository.entries(session, issue.id)
    ]


async def read(session: AsyncSession, caller: Principal, issue: GazetteIssue) -> GazetteRead:
    """The issue with the entries the caller may see (a document that became non-public drops)."""
    shown = []
    for entry in await repository.entries(session, issue.id):
        if entry.document_id is not None:
            try:
                await records.get_visible(session, caller, entry.document_id)
            except NotFound:
                continue
        shown.append(
            EntryRead(
                position=entry.position, document_id=entry.document_id,
                title=entry.title, section=entry.section,
            )
        )  # fmt: skip
    pdf_fields = {"pdf_sha256", "pdf_size", "pdf_filename", "pdf_kind"}
    return GazetteRead(
        **issue.model_dump(exclude={"created_at", "updated_at", "status", *pdf_fields}),
        status=PublicationStatus(issue.status),
        pdf=f"/api/v1/documents/gazette/{issue.id}/pdf" if issue.pdf_sha256 else None,
        entries=shown,
    )


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    year: int | None,
    agency_id: uuid.UUID | None,
    document_id: uuid.UUID | None,
    page: PageParams,
    updated_since: dt.datetime | None = None,
) -> tuple[list[GazetteIssue], str | None]:
    conditions = [_visible(caller)]
    if updated_since is not None:
        conditions.append(col(GazetteIssue.updated_at) >= updated_since)
    if year is not None:
        conditions.append(col(GazetteIssue.year) == year)
    if agency_id is not None:
        conditions.append(col(GazetteIssue.agency_id) == agency_id)
    if document_id is not None:
        document = await records.get_visible(session, caller, document_id)
        conditions.append(repository.carrying(document.id))
    keys = [col(GazetteIssue.issued_on), col(GazetteIssue.id)]
    if page.cursor:
        conditions.append(after_key(keys, decode_cursor(page.cursor, keys), descending=True))  # type: ignore[arg-type]
    rows = await repository.page(session, conditions=conditions, limit=page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor([rows[-1].issued_on, rows[-1].id]) if more else None
    return rows, cursor


async def attach_pdf(
    session: AsyncSession,
    *,
    caller: Principal,
    storage: LocalStorage,
    max_size: int,
    issue_id: uuid.UUID,
    file: UploadFile,
) -> GazetteIssue:
    """The issue's fixed-layout file (PDF or OFD), checked like any attachment."""
    issue = await get_visible(session, caller, issue_id)
    if not caller.acts_for(issue.agency_id):
        raise Forbidden("只有编辑该公报的机关可以上传版式文件。")
    filename = base_name(file.filename or "")[:255] or "gazette.pdf"
    kinds: list[FileKind] = []

    def verify(path: Path) -> None:
        kind = inspect_file(path, filename)
        if kind not in {FileKind.PDF, FileKind.OFD}:
            raise AttachmentTypeRefused(
                f"公报版式文件须为 PDF 或 OFD，“{filename}”是{kind.label}。"
            )
        kinds.append(kind)

    blob = await storage.save(read_chunks(file), max_size=max_size, verify=verify)
    issue.pdf_sha256, issue.pdf_size, issue.pdf_filename = blob.sha256, blob.size, filename
    issue.pdf_kind = kinds[0]
    issue.updated_at = utcnow()
    session.add(issue)
    await session.flush()
    await outbox.append(session, entity="gazette_issue", entity_id=issue.id, kind="pdf_attached")
    return issue
