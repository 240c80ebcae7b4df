"""Request and response bodies of webhook subscriptions and their delivery log."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from services.documents.webhooks.models import DeliveryStatus, SubscriptionStatus


class EventType(StrEnum):
    """``<feed type>.<action>``: what a subscription may ask for."""

    DOCUMENT_CREATE = "document.create"
    DOCUMENT_UPDATE = "document.update"
    DOCUMENT_WITHDRAW = "document.withdraw"
    INTERPRETATION_CREATE = "interpretation.create"
    INTERPRETATION_UPDATE = "interpretation.update"
    INTERPRETATION_WITHDRAW = "interpretation.withdraw"
    GAZETTE_ISSUE_CREATE = "gazette_issue.create"
    GAZETTE_ISSUE_UPDATE = "gazette_issue.update"
    GAZETTE_ISSUE_WITHDRAW = "gazette_issue.withdraw"


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=8, max_length=2000, description="接收推送的 http(s) 地址")
    event_types: list[EventType] = Field(
        min_length=1, max_length=len(EventType),
        description="订阅的事件类型，如 document.create、document.withdraw",
    )  # fmt: skip
    after: int | None = Field(
        None, ge=0, description="从此序号之后的事件开始推送；默认为登记时的最新序号"
    )


class SubscriptionRead(BaseModel):
    id: uuid.UUID
    url: str
    event_types: list[str]
    status: SubscriptionStatus
    failures: int = Field(description="连续失败次数")
    paused_reason: str | None
    position: int = Field(description="已排入推送的最后事件序号")
    created_at: dt.datetime
    links: dict[str, str]


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(description="签名密钥，只在登记时返回一次，请妥善保存")


class SubscriptionList(BaseModel):
    items: list[SubscriptionRead]


class AttemptRead(BaseModel):
    number: int
    attempted_at: dt.datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryRead(BaseModel):
    id: uuid.UUID = Field(description="投递编号，即 webhook-id 请求头（重试时不变，可用于去重）")
    sequence: int
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    attempt_log: list[AttemptRead]


class DeliveryList(BaseModel):
    items: list[DeliveryRead]
    next_cursor: str | None = None
    next: str | None = None
