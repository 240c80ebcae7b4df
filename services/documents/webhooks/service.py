"""Rules of webhook subscriptions: integrators manage their own; the secret is shown once."""

import uuid

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, NotFound, Unprocessable
from services.documents.feed.models import FeedEvent
from services.documents.webhooks import repository, signing, targets
from services.documents.webhooks.models import (
    SubscriptionStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from services.documents.webhooks.schemas import (
    AttemptRead,
    DeliveryRead,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
)

BASE = "/api/v1/documents/webhooks"
# Each subscription costs a worker round every poll; an integrator needs only a few.
MAX_PER_OWNER = 20


def _owner(caller: Principal) -> str:
    return caller.subject or ""


def to_read(row: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead(
        **row.model_dump(include={"id", "url", "event_types", "failures", "paused_reason",
                                  "position", "created_at"}),
        status=SubscriptionStatus(row.status),
        links={"self": f"{BASE}/{row.id}", "deliveries": f"{BASE}/{row.id}/deliveries"},
    )  # fmt: skip


async def create(
    session: AsyncSession,
    *,
    caller: Principal,
    data: SubscriptionCreate,
    server_secret: str,
    allow_private: bool,
) -> SubscriptionCreated:
    await targets.check_for_caller(data.url, allow_private=allow_private)
    if len(await repository.owned(session, _owner(caller))) >= MAX_PER_OWNER:
        raise Conflict(
            f"每个对接方最多登记 {MAX_PER_OWNER} 个推送订阅，请先删除不用的。",
            code="webhook-limit-reached",
        )
    head = int((await session.exec(select(func.max(FeedEvent.sequence)))).one() or 0)
    if data.after is not None and data.after > head:
        raise Unprocessable(
            f"after：不能大于当前最新的事件序号 {head}。", code="webhook-after-beyond-head"
        )
    position = head if data.after is None else data.after
    secret = signing.new_secret()
    row = WebhookSubscription(
        owner=_owner(caller),
        url=data.url,
        event_types=list(dict.fromkeys(str(t) for t in data.event_types)),
        secret_enc=signing.seal(secret, server_secret),
        position=position,
    )
    session.add(row)
    await session.flush()
    return SubscriptionCreated(**to_read(row).model_dump(), secret=secret)


async def get_own(
    session: AsyncSession, caller: Principal, subscription_id: uuid.UUID
) -> WebhookSubscription:
    row = await session.get(WebhookSubscription, subscription_id)
    # Another integrator's subscription is as unknown as a missing one.
    if row is None or row.owner != _owner(caller):
        raise NotFound(f"未找到编号为 {subscription_id} 的推送订阅。", code="webhook-not-found")
    return row


async def listing(session: AsyncSession, caller: Principal) -> list[WebhookSubscription]:
    return await repository.owned(session, _owner(caller))


async def delete(session: AsyncSession, *, caller: Principal, subscription_id: uuid.UUID) -> None:
    row = await get_own(session, caller, subscription_id)
    await repository.purge(session, row.id)
    await session.delete(row)
    await session.flush()


async def resume(
    session: AsyncSession, *, caller: Principal, subscription_id: uuid.UUID
) -> WebhookSubscription:
    """A paused subscription starts again with its oldest undelivered event, at once."""
    row = await get_own(session, caller, subscription_id)
    if row.status == SubscriptionStatus.ACTIVE:
        raise Conflict("该推送订阅正在运行，无需恢复。", code="webhook-active")
    row.status, row.failures, row.paused_reason = SubscriptionStatus.ACTIVE, 0, None
    row.updated_at = utcnow()
    session.add(row)
    head = await repository.head_delivery(session, row.id)
    if head is not None:
        head.next_attempt_at, head.lease_until = utcnow(), None
        session.add(head)
    await session.flush()
    return row


async def delivery_log(
    session: AsyncSession,
    *,
    caller: Principal,
    subscription_id: uuid.UUID,
    before: int | None,
    limit: int,
) -> tuple[list[DeliveryRead], int | None]:
    """Newest deliveries first, each with its attempts; the cursor is a sequence."""
    row = await get_own(session, caller, subscription_id)
    rows: list[WebhookDelivery] = await repository.deliveries(
        session, row.id, before=before, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    logs = await repository.attempts(session, [r.id for r in rows])
    reads = [
        DeliveryRead(
            **r.model_dump(exclude={"subscription_id", "lease_until", "next_attempt_at"}),
            next_attempt_at=r.next_attempt_at if r.status == "pending" else None,
            attempt_log=[
                AttemptRead.model_validate(a, from_attributes=True) for a in logs.get(r.id, [])
            ],
        )
        for r in rows
    ]
    return reads, (rows[-1].sequence if more else None)
