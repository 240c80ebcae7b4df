"""Versions as the API shows them."""

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.documents.revisions.models import RevisionKind


class RevisionRead(BaseModel):
    number: int
    kind: RevisionKind
    label: str
    recorded_at: dt.datetime
    actor: str | None = Field(description="修改人（仅本机关工作人员可见）")
    reason: str
    changes: dict[str, Any] = Field(description="各字段的原值和新值")


class RevisionList(BaseModel):
    items: list[RevisionRead]


class WithdrawBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000, description="撤回原因")
