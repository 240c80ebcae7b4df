"""Settings of webhook delivery (mixed into the documents settings)."""

from pydantic import BaseModel, Field


class WebhookOptions(BaseModel):
    webhook_worker: bool = Field(
        True, description="Run the webhook delivery worker in this process."
    )
    webhook_allow_private_targets: bool | None = Field(
        None,
        description="Allow webhook URLs on loopback or private addresses "
        "(default: yes outside production, no in production).",
    )
    webhook_max_failures: int = Field(
        8, ge=1, description="Consecutive failed attempts after which a subscription is paused."
    )
    webhook_retry_base_seconds: float = Field(
        10.0, gt=0, description="Delay before the first retry; doubles with each failure."
    )
    webhook_retry_max_seconds: float = Field(
        3600.0, gt=0, description="Longest delay between two attempts."
    )
    webhook_timeout_seconds: float = Field(
        10.0, gt=0, description="Seconds to wait for a receiver's answer."
    )
    webhook_poll_seconds: float = Field(
        1.0, gt=0, description="How often the worker looks for new events."
    )
