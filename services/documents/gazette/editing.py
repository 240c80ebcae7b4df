"""Changing a gazette issue after it is compiled: edit, delete a draft, withdraw, versions.

Like documents: only the compiling agency's staff change an issue; a published issue keeps a
version of every change (who, when, why, what) and is withdrawn (撤回), never deleted.
"""

import uuid

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, Unprocessable
from services.documents.gazette import repository
from services.documents.gazette.models import GazetteIssue
from services.documents.gazette.schemas import GazetteUpdate
from services.documents.gazette.service import (
    EDITABLE,
    ENTITY,
    check_entries,
    entry_values,
    get_visible,
    write_entries,
)
from services.documents.outbox import repository as outbox
from services.documents.records.models import PublicationStatus
from services.documents.revisions import service as revisions
from services.documents.revisions.models import RevisionKind
from services.documents.revisions.schemas import RevisionRead


async def get_editable(
    session: AsyncSession, caller: Principal, issue_id: uuid.UUID, action: str
) -> GazetteIssue:
    """Visible and compiled by the caller's agency (404 / 403), locked until commit (PG)."""
    issue = await get_visible(session, caller, issue_id)
    if not caller.acts_for(issue.agency_id):
        raise Forbidden(f"只有编辑该公报的机关可以{action}。")
    await session.refresh(issue, with_for_update=True)
    return issue


async def update(
    session: AsyncSession,
    *,
    caller: Principal,
    issue_id: uuid.UUID,
    data: GazetteUpdate,
    if_match: str | None,
) -> GazetteIssue:
    """Change an issue; a published one needs a reason and keeps a version."""
    issue = await get_editable(session, caller, issue_id, "修改")
    revisions.check_if_match(revisions.etag(issue.updated_at), if_match, "公报")
    if issue.status == PublicationStatus.WITHDRAWN:
        raise Conflict("该期公报已撤回，不能再修改。", code="withdrawn")
    changes = data.model_dump(exclude_unset=True)
    reason = changes.pop("change_reason", None)
    for name in ("title", "year", "issue_number", "issued_on", "entries"):
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} 不能为空。")
    published = issue.status == PublicationStatus.PUBLISHED
    if published and reason is None:
        raise Unprocessable(
            "已发布的公报修改时须填写修改原因（change_reason），记入版本记录。",
            code="change-reason-required",
        )
    year = changes.get("year", issue.year)
    if changes.get("issued_on", issue.issued_on).year != year:
        raise Unprocessable("出版日期应在公报所属年度内。", code="gazette-year-mismatch")
    number = changes.get("issue_number", issue.issue_number)
    taken = await repository.by_number(session, issue.agency_id, year, number)
    if taken is not None and taken.id != issue.id:
        raise Conflict(f"{year} 年第 {number} 期公报已登记。", code="gazette-issue-taken")
    old = {n: getattr(issue, n) for n in EDITABLE} | {"entries": await entry_values(session, issue)}
    if "entries" in changes:
        entries = data.entries or []
        titles = await check_entries(session, caller, entries, published=published)
        await repository.delete_entries(session, issue.id)
        await write_entries(session, issue, entries, titles)
        changes["entries"] = await entry_values(session, issue)
    await revisions.save_update(
        session, issue, entity=ENTITY, caller_subject=caller.subject, editable=EDITABLE,
        old=old, changes=changes, published=published, reason=reason,
    )  # fmt: skip
    return issue


async def delete(session: AsyncSession, *, caller: Principal, issue_id: uuid.UUID) -> None:
    """A draft issue is deleted (its PDF blob may be shared, so it stays in storage)."""
    issue = await get_editable(session, caller, issue_id, "删除")
    if issue.status != PublicationStatus.DRAFT:
        raise Conflict(
            "已发布的公报不能删除，只能撤回（POST …/withdraw），撤回记录会保留。",
            code="published-not-deletable",
        )
    await repository.delete_entries(session, issue.id)
    await session.delete(issue)
    await session.flush()
    await outbox.append(session, entity=ENTITY, entity_id=issue.id, kind="deleted")


async def withdraw(
    session: AsyncSession, *, caller: Principal, issue_id: uuid.UUID, reason: str
) -> GazetteIssue:
    """撤回 a published issue: the public no longer sees it or its PDF; the record stays."""
    issue = await get_editable(session, caller, issue_id, "撤回")
    if issue.status != PublicationStatus.PUBLISHED:
        raise Conflict("只有已发布的公报可以撤回；草稿可直接删除。", code="not-published")
    issue.status = PublicationStatus.WITHDRAWN
    issue.updated_at = utcnow()
    session.add(issue)
    await session.flush()
    await revisions.record(
        session, entity=ENTITY, entity_id=issue.id, kind=RevisionKind.WITHDRAWN,
        actor=caller.subject, reason=reason,
        changes={"status": {"old": "published", "new": "withdrawn"}},
    )  # fmt: skip
    await outbox.append(
        session, entity=ENTITY, entity_id=issue.id, kind="withdrawn", payload={"reason": reason}
    )
    return issue


async def versions(
    session: AsyncSession, *, caller: Principal, issue_id: uuid.UUID
) -> list[RevisionRead]:
    """Publication, changes and withdrawal; who made them only for the agency's staff."""
    issue = await get_visible(session, caller, issue_id)
    return await revisions.reads(
        session, ENTITY, issue.id, show_actor=caller.acts_for(issue.agency_id)
    )
