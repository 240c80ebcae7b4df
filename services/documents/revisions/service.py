"""Keeping and showing the versions of published interpretations and gazette issues."""

import datetime as dt
import uuid
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import utcnow
from services.common.errors import PreconditionFailed
from services.documents.errors import PreconditionRequired
from services.documents.outbox import repository as outbox
from services.documents.revisions import repository
from services.documents.revisions.models import REVISION_LABELS, Revision, RevisionKind
from services.documents.revisions.schemas import RevisionRead


def plain(value: Any) -> Any:
    """A JSON-ready copy of a field's value (dates and ids as text)."""
    if isinstance(value, dt.date | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """``{field: {"old", "new"}}`` of the fields in ``new`` whose value changed."""
    return {
        name: {"old": plain(old.get(name)), "new": plain(value)}
        for name, value in new.items()
        if plain(old.get(name)) != plain(value)
    }


async def record(
    session: AsyncSession,
    *,
    entity: str,
    entity_id: uuid.UUID,
    kind: RevisionKind,
    actor: str | None,
    reason: str,
    changes: dict[str, Any],
) -> Revision:
    revision = Revision(
        entity=entity,
        entity_id=entity_id,
        number=await repository.next_number(session, entity, entity_id),
        kind=kind,
        actor=actor,
        reason=reason,
        changes=changes,
    )
    session.add(revision)
    await session.flush()
    return revision


async def reads(
    session: AsyncSession, entity: str, entity_id: uuid.UUID, *, show_actor: bool
) -> list[RevisionRead]:
    return [
        RevisionRead(
            number=r.number,
            kind=RevisionKind(r.kind),
            label=REVISION_LABELS[RevisionKind(r.kind)],
            recorded_at=r.recorded_at,
            actor=r.actor if show_actor else None,
            reason=r.reason,
            changes=dict(r.changes),
        )
        for r in await repository.listed(session, entity, entity_id)
    ]


def etag(updated_at: dt.datetime) -> str:
    """The ETag of a record without a version counter: its last change, to the microsecond."""
    return f'"{int(updated_at.timestamp() * 1_000_000)}"'


def check_if_match(current: str, if_match: str | None, what: str) -> None:
    """Optimistic concurrency: 428 without If-Match, 412 when ``current`` is not among them."""
    if if_match is None:
        raise PreconditionRequired(
            f"修改{what}须带 If-Match 请求头（取自读取时的 ETag），以免覆盖他人的修改。"
        )
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(f"{what}已被修改，请重新读取后再提交。", headers={"ETag": current})


async def save_update(
    session: AsyncSession,
    row: Any,
    *,
    entity: str,
    caller_subject: str | None,
    editable: tuple[str, ...] | list[str] | set[str] | frozenset[str],
    old: dict[str, Any],
    changes: dict[str, Any],
    published: bool,
    reason: str | None,
) -> None:
    """Apply an edit of an interpretation or gazette issue: its fields, a version of a published
    one (who, why, what), and the outbox entry the index and the feeds follow."""
    for name in editable:
        if name in changes:
            setattr(row, name, changes[name])
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()
    if published and reason is not None:
        await record(
            session, entity=entity, entity_id=row.id, kind=RevisionKind.UPDATED,
            actor=caller_subject, reason=reason, changes=diff(old, changes),
        )  # fmt: skip
    await outbox.append(
        session, entity=entity, entity_id=row.id, kind="updated",
        payload={"fields": sorted(changes)},
    )  # fmt: skip
