"""All SQL of webhooks."""

import datetime as dt
import uuid

from sqlalchemy import delete, or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.documents.feed.models import FeedEvent
from services.documents.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)


async def owned(session: AsyncSession, owner: str | None) -> list[WebhookSubscription]:
    query = select(WebhookSubscription).order_by(col(WebhookSubscription.created_at))
    if owner is not None:
        query = query.where(col(WebhookSubscription.owner) == owner)
    return list(await session.exec(query))


async def active_ids(session: AsyncSession) -> list[uuid.UUID]:
    rows = await session.exec(
        select(WebhookSubscription.id).where(
            col(WebhookSubscription.status) == SubscriptionStatus.ACTIVE
        )
    )
    return list(rows)


async def head_delivery(
    session: AsyncSession, subscription_id: uuid.UUID
) -> WebhookDelivery | None:
    """The oldest undelivered event of a subscription (deliveries go out in order)."""
    rows = await session.exec(
        select(WebhookDelivery)
        .where(
            col(WebhookDelivery.subscription_id) == subscription_id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
        )
        .order_by(col(WebhookDelivery.sequence))
        .limit(1)
    )
    return rows.first()


async def events_after(session: AsyncSession, sequence: int, *, limit: int) -> list[FeedEvent]:
    rows = await session.exec(
        select(FeedEvent)
        .where(col(FeedEvent.sequence) > sequence)
        .order_by(col(FeedEvent.sequence))
        .limit(limit)
    )
    return list(rows)


async def lease(
    session: AsyncSession, delivery_id: uuid.UUID, *, now: dt.datetime, until: dt.datetime
) -> bool:
    """Claim a delivery for one send; False when another worker holds it."""
    result = await session.exec(
        update(WebhookDelivery)
        .where(
            col(WebhookDelivery.id) == delivery_id,
            col(WebhookDelivery.status) == DeliveryStatus.PENDING,
            or_(col(WebhookDelivery.lease_until).is_(None), col(WebhookDelivery.lease_until) < now),
        )
        .values(lease_until=until)
    )
    return bool(result.rowcount == 1)


async def deliveries(
    session: AsyncSession, subscription_id: uuid.UUID, *, before: int | None, limit: int
) -> list[WebhookDelivery]:
    query = select(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == subscription_id)
    if before is not None:
        query = query.where(col(WebhookDelivery.sequence) < before)
    query = query.order_by(col(WebhookDelivery.sequence).desc()).limit(limit)
    return list(await session.exec(query))


async def attempts(
    session: AsyncSession, delivery_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    rows = await session.exec(
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(WebhookAttempt.number))
    )
    found: dict[uuid.UUID, list[WebhookAttempt]] = {}
    for row in rows:
        found.setdefault(row.delivery_id, []).append(row)
    return found


async def purge(session: AsyncSession, subscription_id: uuid.UUID) -> None:
    """Remove a subscription's delivery log (before the subscription itself)."""
    ids = select(WebhookDelivery.id).where(col(WebhookDelivery.subscription_id) == subscription_id)
    await session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.delivery_id).in_(ids)))
    await session.exec(
        delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == subscription_id)
    )
