"""Delivers feed events to webhook subscriptions, in order, with retries and backoff.

Per subscription the worker takes the oldest pending delivery (creating deliveries from the
feed when none is pending), renders the event as the feed shows it *at this attempt* (so a
record reclassified meanwhile is never sent; its tombstone follows), signs and posts it.
A failure waits base·2^(n-1) seconds (capped); after ``max_failures`` consecutive failures
the subscription is paused until its owner resumes it. No transaction is open during the
HTTP call; a lease keeps two workers from sending the same delivery at once. A delivery's
id is repeated on every retry, so a receiver that saw it already can ignore it.
"""

import asyncio
import contextlib
import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import orjson
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import utcnow
from services.documents.feed import service as feed
from services.documents.feed.models import FeedEvent
from services.documents.webhooks import repository, signing, targets
from services.documents.webhooks.models import (
    DeliveryStatus,
    SubscriptionStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

logger = logging.getLogger("gongkai.webhooks")
SessionFactory = Callable[[], AsyncSession]
ENQUEUE_BATCH = 200
SENDS_PER_TICK = 50


@dataclass(frozen=True)
class WorkerOptions:
    server_secret: str
    allow_private: bool
    max_failures: int
    retry_base: float
    retry_max: float
    timeout: float
    poll: float


@dataclass
class Outgoing:
    delivery_id: uuid.UUID
    url: str
    body: bytes
    headers: dict[str, str]


class WebhookWorker:
    def __init__(
        self,
        sessions: SessionFactory,
        options: WorkerOptions,
        http: httpx.AsyncClient,
        *,
        reads: SessionFactory | None = None,
    ) -> None:
        self._sessions = sessions
        # Looking for work must not take SQLite's write lock every poll.
        self._reads = reads or sessions
        self._options = options
        self._http = http

    async def _enqueue(self, session: AsyncSession, subscription: WebhookSubscription) -> None:
        """Turn the wanted feed events after the subscription's position into deliveries."""
        events = await repository.events_after(session, subscription.position, limit=ENQUEUE_BATCH)
        wanted = set(subscription.event_types)
        for event in events:
            event_type = f"{event.entity}.{event.action}"
            if event_type in wanted:
                session.add(
                    WebhookDelivery(
                        subscription_id=subscription.id, sequence=int(event.sequence or 0),
                        event_type=event_type,
                    )
                )  # fmt: skip
        if events:
            subscription.position = int(events[-1].sequence or 0)
            session.add(subscription)
            await session.flush()

    async def _has_work(self, subscription_id: uuid.UUID) -> bool:
        """A cheap look in a read session, so an idle subscription takes no write lock."""
        async with self._reads() as session:
            subscription = await session.get(WebhookSubscription, subscription_id)
            if subscription is None or subscription.status != SubscriptionStatus.ACTIVE:
                return False
            head = await repository.head_delivery(session, subscription_id)
            if head is None:
                return bool(await repository.events_after(session, subscription.position, limit=1))
            now = utcnow()
            return head.next_attempt_at <= now and (
                head.lease_until is None or head.lease_until < now
            )

    async def _prepare(self, subscription_id: uuid.UUID) -> Outgoing | bool | None:
        """The next request to send; None when nothing is due, True when a step was made."""
        if not await self._has_work(subscription_id):
            return None
        async with self._sessions() as session:
            subscription = await session.get(WebhookSubscription, subscription_id)
            if subscription is None or subscription.status != SubscriptionStatus.ACTIVE:
                return None
            head = await repository.head_delivery(session, subscription.id)
            if head is None:
                before = subscription.position
                await self._enqueue(session, subscription)
                await session.commit()
                return True if subscription.position != before else None
            now = utcnow()
            if head.next_attempt_at > now:
                return None
            until = now + dt.timedelta(seconds=self._options.timeout * 2 + 5)
            if not await repository.lease(session, head.id, now=now, until=until):
                return None
            event = await session.get(FeedEvent, head.sequence)
            items = await feed.render(session, [event] if event else [])
            if not items:
                head.status, head.lease_until = DeliveryStatus.SKIPPED, None
                session.add(head)
                await session.commit()
                return True
            await session.commit()
            secret = signing.unseal(subscription.secret_enc, self._options.server_secret)
            body = orjson.dumps(items[0].model_dump(mode="json"))
            timestamp = int(time.time())
            headers = {
                "content-type": "application/json",
                "webhook-id": str(head.id),
                "webhook-timestamp": str(timestamp),
                "webhook-signature": signing.sign(secret, str(head.id), timestamp, body),
                "user-agent": "Gongkai-Webhooks/1",
            }
            return Outgoing(head.id, subscription.url, body, headers)

    async def _send(self, outgoing: Outgoing) -> tuple[int | None, str | None, int]:
        started = time.monotonic()
        try:
            await targets.check(outgoing.url, allow_private=self._options.allow_private)
            response = await self._http.post(
                outgoing.url, content=outgoing.body, headers=outgoing.headers
            )
            error = None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
            status: int | None = response.status_code
        except targets.TargetRefused as refused:
            status, error = None, str(refused)
        except httpx.HTTPError as exc:
            status, error = None, f"{type(exc).__name__}：连接或读取失败"
        return status, error, int((time.monotonic() - started) * 1000)

    async def _record(
        self, outgoing: Outgoing, status: int | None, error: str | None, ms: int
    ) -> None:
        async with self._sessions() as session:
            delivery = await session.get(WebhookDelivery, outgoing.delivery_id)
            if delivery is None:  # the subscription was deleted meanwhile
                return
            subscription = await session.get(WebhookSubscription, delivery.subscription_id)
            assert subscription is not None
            delivery.attempts += 1
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id, number=delivery.attempts, status_code=status,
                    error=error, duration_ms=ms,
                )
            )  # fmt: skip
            delivery.last_status_code, delivery.last_error = status, error
            delivery.lease_until = None
            if error is None:
                delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, utcnow()
                subscription.failures = 0
            else:
                subscription.failures += 1
                delay = min(
                    self._options.retry_base * 2 ** (delivery.attempts - 1), self._options.retry_max
                )
                delivery.next_attempt_at = utcnow() + dt.timedelta(seconds=delay)
                if subscription.failures >= self._options.max_failures:
                    subscription.status = SubscriptionStatus.PAUSED
                    subscription.paused_reason = (
                        f"连续 {subscription.failures} 次推送失败，已暂停（最后一次：{error}）"
                    )[:500]
                    logger.warning("webhook subscription %s paused", subscription.id)
            subscription.updated_at = utcnow()
            session.add_all([delivery, subscription])
            await session.commit()

    async def _advance(self, subscription_id: uuid.UUID) -> int:
        """Send what is due for one subscription; returns the steps made."""
        steps = 0
        for _ in range(SENDS_PER_TICK):
            prepared = await self._prepare(subscription_id)
            if prepared is None:
                break
            steps += 1
            if isinstance(prepared, Outgoing):
                await self._record(prepared, *await self._send(prepared))
        return steps

    async def tick(self) -> int:
        """One round over every active subscription; returns the steps made."""
        async with self._reads() as session:
            ids = await repository.active_ids(session)
        results = await asyncio.gather(*(self._advance(i) for i in ids), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                logger.warning("webhook delivery failed: %s", type(result).__name__)
        return sum(r for r in results if isinstance(r, int))

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                if await self.tick():
                    continue
            except Exception as exc:  # the database may be briefly away; try again later
                logger.warning("webhook worker failed: %s", type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._options.poll)
