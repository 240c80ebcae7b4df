"""Rules of interpretations: linked both ways to documents, published with them (三同步)."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.common.pagination import PageParams, after_key, decode_cursor, encode_cursor
from services.documents import visibility
from services.documents.clock import today
from services.documents.interpretations import repository
from services.documents.interpretations.models import (
    KIND_LABELS,
    Interpretation,
    InterpretationKind,
)
from services.documents.interpretations.schemas import (
    InterpretationCreate,
    InterpretationRead,
    InterpretationUpdate,
)
from services.documents.outbox import repository as outbox
from services.documents.records import repository as documents
from services.documents.records import service as records
from services.documents.records.models import PublicationStatus
from services.documents.revisions import service as revisions
from services.documents.revisions.models import RevisionKind
from services.documents.revisions.schemas import RevisionRead

ENTITY = "interpretation"
EDITABLE = ("kind", "title", "body_text", "url")


def not_found(interpretation_id: uuid.UUID) -> NotFound:
    return NotFound(f"未找到编号为 {interpretation_id} 的解读。", code="interpretation-not-found")


async def get_visible(
    session: AsyncSession, caller: Principal, interpretation_id: uuid.UUID
) -> Interpretation:
    rows = await repository.page(
        session,
        conditions=[
            col(Interpretation.id) == interpretation_id,
            visibility.visible_interpretations(caller),
        ],
        limit=1,
    )
    if not rows:
        raise not_found(interpretation_id)
    return rows[0]


async def create(
    session: AsyncSession, *, caller: Principal, data: InterpretationCreate
) -> Interpretation:
    """A draft interpretation of documents the caller can see, for the caller's agency."""
    if not caller.acts_for(data.agency_id):
        raise Forbidden("只能为本机关登记解读（agency_id 须为您所在的机关）。")
    ids = list(dict.fromkeys(data.document_ids))
    await _check_documents(session, caller, ids)
    interpretation = Interpretation(
        **data.model_dump(exclude={"document_ids"}), created_by=caller.subject
    )
    session.add(interpretation)
    await session.flush()
    await repository.replace_links(session, interpretation.id, ids)
    await session.flush()
    await outbox.append(
        session, entity="interpretation", entity_id=interpretation.id, kind="created"
    )
    return interpretation


async def _check_documents(
    session: AsyncSession, caller: Principal, ids: Sequence[uuid.UUID]
) -> None:
    for index, document_id in enumerate(ids):
        try:
            await records.get_visible(session, caller, document_id)
        except NotFound:
            raise Unprocessable(
                f"document_ids[{index}]：未找到编号为 {document_id} 的文件。",
                code="document-not-found",
            ) from None


async def get_editable(
    session: AsyncSession, caller: Principal, interpretation_id: uuid.UUID, action: str
) -> Interpretation:
    """Visible and of the caller's agency (404 / 403), locked until commit (PostgreSQL)."""
    interpretation = await get_visible(session, caller, interpretation_id)
    if not caller.acts_for(interpretation.agency_id):
        raise Forbidden(f"只有解读机关的工作人员可以{action}该解读。")
    await session.refresh(interpretation, with_for_update=True)
    return interpretation


async def _left_without_interpretation(
    session: AsyncSession, interpretation: Interpretation, document_ids: Sequence[uuid.UUID]
) -> str | None:
    """三同步 kept after the fact: the title of a published policy document that would have no
    published interpretation left if ``interpretation`` stopped explaining it."""
    for document_id in document_ids:
        document = await documents.get(session, document_id)
        if (
            document is None
            or document.status != PublicationStatus.PUBLISHED
            or not document.is_policy
            or document.interpretation_exemption
        ):
            continue
        others = [
            i
            for i in await repository.linked_to(session, document_id)
            if i.id != interpretation.id and i.status == PublicationStatus.PUBLISHED
        ]
        if not others:
            return document.title
    return None


async def update(
    session: AsyncSession,
    *,
    caller: Principal,
    interpretation_id: uuid.UUID,
    data: InterpretationUpdate,
    if_match: str | None,
) -> Interpretation:
    """Change an interpretation; a published one keeps a version (who, when, why, what)."""
    interpretation = await get_editable(session, caller, interpretation_id, "修改")
    revisions.check_if_match(revisions.etag(interpretation.updated_at), if_match, "解读")
    if interpretation.status == PublicationStatus.WITHDRAWN:
        raise Conflict("该解读已撤回，不能再修改。", code="withdrawn")
    changes = data.model_dump(exclude_unset=True)
    reason = changes.pop("change_reason", None)
    for name in ("kind", "title", "body_text", "document_ids"):
        if name in changes and changes[name] is None:
            raise Unprocessable(f"{name} 不能为空。")
    published = interpretation.status == PublicationStatus.PUBLISHED
    if published and reason is None:
        raise Unprocessable(
            "已发布的解读修改时须填写修改原因（change_reason），记入版本记录。",
            code="change-reason-required",
        )
    linked = (await repository.documents_of(session, [interpretation.id]))[interpretation.id]
    old = {n: getattr(interpretation, n) for n in EDITABLE} | {"document_ids": linked}
    if "document_ids" in changes:
        ids = list(dict.fromkeys(changes["document_ids"]))
        await _check_documents(session, caller, [i for i in ids if i not in linked])
        dropped = [i for i in linked if i not in ids]
        if published and (title := await _left_without_interpretation(
            session, interpretation, dropped
        )):  # fmt: skip
            raise Conflict(
                f"政策性文件《{title}》已发布，按“三同步”要求须有已发布的解读；"
                "请先发布替代的解读，再取消本解读与它的关联。",
                code="interpretation-required",
            )
        await repository.replace_links(session, interpretation.id, ids)
        changes["document_ids"] = ids
    await revisions.save_update(
        session, interpretation, entity=ENTITY, caller_subject=caller.subject, editable=EDITABLE,
        old=old, changes=changes, published=published, reason=reason,
    )  # fmt: skip
    return interpretation


async def delete(session: AsyncSession, *, caller: Principal, interpretation_id: uuid.UUID) -> None:
    """A draft is deleted; a published interpretation stays on record and is withdrawn instead."""
    interpretation = await get_editable(session, caller, interpretation_id, "删除")
    if interpretation.status != PublicationStatus.DRAFT:
        raise Conflict(
            "已发布的解读不能删除，只能撤回（POST …/withdraw），撤回记录会保留。",
            code="published-not-deletable",
        )
    await repository.replace_links(session, interpretation.id, [])
    await session.flush()
    await session.delete(interpretation)
    await session.flush()
    await outbox.append(session, entity=ENTITY, entity_id=interpretation.id, kind="deleted")


async def withdraw(
    session: AsyncSession, *, caller: Principal, interpretation_id: uuid.UUID, reason: str
) -> Interpretation:
    """撤回 a published interpretation: the public no longer sees it; the record stays."""
    interpretation = await get_editable(session, caller, interpretation_id, "撤回")
    if interpretation.status != PublicationStatus.PUBLISHED:
        raise Conflict("只有已发布的解读可以撤回；草稿可直接删除。", code="not-published")
    linked = (await repository.documents_of(session, [interpretation.id]))[interpretation.id]
    if title := await _left_without_interpretation(session, interpretation, linked):
        raise Conflict(
            f"政策性文件《{title}》已发布，按“三同步”要求须有已发布的解读；"
            "请先发布替代的解读，再撤回本解读。",
            code="interpretation-required",
        )
    interpretation.status = PublicationStatus.WITHDRAWN
    interpretation.updated_at = utcnow()
    session.add(interpretation)
    await session.flush()
    await revisions.record(
        session, entity=ENTITY, entity_id=interpretation.id, kind=RevisionKind.WITHDRAWN,
        actor=caller.subject, reason=reason,
        changes={"status": {"old": "published", "new": "withdrawn"}},
    )  # fmt: skip
    await outbox.append(
        session, entity=ENTITY, entity_id=interpretation.id, kind="withdrawn",
        payload={"reason": reason},
    )  # fmt: skip
    return interpretation


async def versions(
    session: AsyncSession, *, caller: Principal, interpretation_id: uuid.UUID
) -> list[RevisionRead]:
    """Publication, changes and withdrawal; who made them only for the agency's staff."""
    interpretation = await get_visible(session, caller, interpretation_id)
    return await revisions.reads(
        session, ENTITY, interpretation.id, show_actor=caller.acts_for(interpretation.agency_id)
    )


async def mark_published(
    session: AsyncSession, interpretation: Interpretation, *, day: dt.date, actor: str | None
) -> None:
    """Publish (alone, or with its document under 三同步): status, version and outbox."""
    interpretation.status = PublicationStatus.PUBLISHED
    interpretation.published_on = day
    interpretation.updated_at = utcnow()
    session.add(interpretation)
    await session.flush()
    await revisions.record(
        session, entity=ENTITY, entity_id=interpretation.id, kind=RevisionKind.PUBLISHED,
        actor=actor, reason="发布",
        changes={n: {"old": None, "new": revisions.plain(getattr(interpretation, n))}
                 for n in EDITABLE},
    )  # fmt: skip
    await outbox.append(session, entity=ENTITY, entity_id=interpretation.id, kind="published")


async def publish(
    session: AsyncSession, *, caller: Principal, interpretation_id: uuid.UUID
) -> Interpretation:
    """Publish on its own once its documents are published (with them it happens by itself)."""
    interpretation = await get_editable(session, caller, interpretation_id, "发布")
    if interpretation.status == PublicationStatus.PUBLISHED:
        raise Conflict("该解读已发布。", code="already-published")
    if interpretation.status == PublicationStatus.WITHDRAWN:
        raise Conflict("该解读已撤回，不能再发布；请登记新的解读。", code="withdrawn")
    linked = (await repository.documents_of(session, [interpretation.id]))[interpretation.id]
    for document_id in linked:
        document = await documents.get(session, document_id)
        if document is None or document.status != PublicationStatus.PUBLISHED:
            raise Conflict(
                "所解读的文件尚未发布；解读将在文件发布时同步发布（三同步），无需单独发布。",
                code="document-not-published",
            )
    await mark_published(session, interpretation, day=today(), actor=caller.subject)
    return interpretation


async def list_page(
    session: AsyncSession,
    *,
    caller: Principal,
    document_id: uuid.UUID | None,
    page: PageParams,
    updated_since: dt.datetime | None = None,
) -> tuple[list[Interpretation], str | None]:
    conditions = [visibility.visible_interpretations(caller)]
    if updated_since is not None:
        conditions.append(col(Interpretation.updated_at) >= updated_since)
    if document_id is not None:
        document = await records.get_visible(session, caller, document_id)
        linked = await repository.linked_to(session, document.id)
        conditions.append(col(Interpretation.id).in_([i.id for i in linked]))
    keys = [col(Interpretation.created_at), col(Interpretation.id)]
    if page.cursor:
        conditions.append(after_key(keys, decode_cursor(page.cursor, keys), descending=True))  # type: ignore[arg-type]
    rows = await repository.page(session, conditions=conditions, limit=page.limit + 1)
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    cursor = encode_cursor([rows[-1].created_at, rows[-1].id]) if more else None
    return rows, cursor


async def to_reads(
    session: AsyncSession, caller: Principal, rows: Sequence[Interpretation]
) -> list[InterpretationRead]:
    """Reads listing only the documents the caller may see (the link is no leak)."""
    links = await repository.documents_of(session, [r.id for r in rows])
    visible: dict[uuid.UUID, bool] = {}
    for document_id in {d for ids in links.values() for d in ids}:
        try:
            await records.get_visible(session, caller, document_id)
            visible[document_id] = True
        except NotFound:
            visible[document_id] = False
    return [
        InterpretationRead(
            id=r.id,
            agency_id=r.agency_id,
            kind=InterpretationKind(r.kind),
            kind_label=KIND_LABELS[InterpretationKind(r.kind)],
            title=r.title,
            body_text=r.body_text,
            url=r.url,
            status=PublicationStatus(r.status),
            published_on=r.published_on,
            document_ids=[d for d in links.get(r.id, []) if visible[d]],
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in rows
    ]
