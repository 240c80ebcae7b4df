"""Webhook subscriptions of integrators, and the deliveries of feed events to them."""

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from services.common.db import UTCDateTime, utcnow
from services.documents.db import DocumentsTable


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # The record stopped being public before the event was delivered; nothing is sent.
    SKIPPED = "skipped"


class WebhookSubscription(DocumentsTable, table=True):
    __tablename__ = "webhook_subscription"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    # The integrator (token subject) who registered it; only it sees the subscription.
    owner: str = Field(max_length=200, index=True)
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # The signing secret, AES-GCM encrypted with a key derived from the server secret.
    secret_enc: str = Field(max_length=200)
    status: str = Field(default=SubscriptionStatus.ACTIVE, sa_type=sa.String(16), index=True)
    failures: int = Field(default=0, description="consecutive failed attempts")
    paused_reason: str | None = Field(default=None, max_length=500)
    # The last feed sequence turned into deliveries (or skipped as not wanted).
    position: int = Field(default=0, sa_type=sa.BigInteger)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(DocumentsTable, table=True):
    """One event for one subscription; its id is the ``webhook-id`` every retry repeats."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "sequence"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id", index=True)
    sequence: int = Field(sa_type=sa.BigInteger)
    event_type: str = Field(sa_type=sa.String(40))
    status: str = Field(default=DeliveryStatus.PENDING, sa_type=sa.String(16), index=True)
    attempts: int = Field(default=0)
    next_attempt_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set while a worker is sending, so two workers never send the same delivery at once.
    lease_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_status_code: int | None = Field(default=None)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookAttempt(DocumentsTable, table=True):
    """One HTTP attempt of a delivery (the delivery log)."""

    __tablename__ = "webhook_attempt"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    delivery_id: uuid.UUID = Field(foreign_key="webhook_delivery.id", index=True)
    number: int
    attempted_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status_code: int | None = Field(default=None)
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int = Field(default=0)
