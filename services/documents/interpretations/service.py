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
from services.documents.interpretations.schemas import InterpretationCreate, InterpretationRead
from services.documents.outbox import repository as outbox
from services.documents.records import repository as documents
from services.documents.records import service as records
from services.documents.records.models import PublicationStatus


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
    for index, document_id in enumerate(ids):
        try:
            await records.get_visible(session, caller, document_id)
        except NotFound:
            raise Unprocessable(
                f"document_ids[{index}]：未找到编号为 {document_id} 的文件。",
                code="document-not-found",
            ) from None
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


async def publish(
    session: AsyncSession, *, caller: Principal, interpretation_id: uuid.UUID
) -> Interpretation:
    """Publish on its own once its documents are published (with them it happens by itself)."""
    interpretation = await get_visible(session, caller, interpretation_id)
    if not caller.acts_for(interpretation.agency_id):
        raise Forbidden("只有解读机关的工作人员可以发布该解读。")
    if interpretation.status == PublicationStatus.PUBLISHED:
        raise Conflict("该解读已发布。", code="already-published")
    linked = (await repository.documents_of(session, [interpretation.id]))[interpretation.id]
    for document_id in linked:
        document = await documents.get(session, document_id)
        if document is None or document.status != PublicationStatus.PUBLISHED:
            raise Conflict(
                "所解读的文件尚未发布；解读将在文件发布时同步发布（三同步），无需单独发布。",
                code="document-not-published",
            )
    interpretation.status = PublicationStatus.PUBLISHED
    interpretation.published_on = today()
    interpretation.updated_at = utcnow()
    session.add(interpretation)
    await session.flush()
    await outbox.append(
        session, entity="interpretation", entity_id=interpretation.id, kind="published"
    )
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
        )
        for r in rows
    ]
