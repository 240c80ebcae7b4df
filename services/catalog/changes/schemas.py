"""What the catalog's change feed serves (the same shape as the documents feed)."""

import datetime as dt
import uuid
from enum import StrEnum

from pydantic import BaseModel, Field

from services.catalog.agencies.schemas import AgencyRead
from services.catalog.changes.models import Action, Stream
from services.catalog.items.schemas import ItemRead


class CatalogFeed(StrEnum):
    """A stream as its address names it: /api/v1/catalog/feeds/{stream}[.ndjson]."""

    AGENCIES = "agencies"
    ITEMS = "items"


STREAMS = {CatalogFeed.AGENCIES: Stream.AGENCY, CatalogFeed.ITEMS: Stream.CATALOG_ITEM}


class ChangeItem(BaseModel):
    """One event; a tombstone (``withdraw``) carries only sequence, type, action, id and time."""

    sequence: int = Field(description="单调递增的序号；从最后处理的序号继续即可续传")
    type: Stream
    action: Action = Field(description="create 新公开 / update 更新 / withdraw 撤回（墓碑）")
    id: uuid.UUID
    time: dt.datetime
    data: AgencyRead | ItemRead | None = Field(
        None, description="当前公开内容；撤回事件没有", exclude_if=lambda value: value is None
    )


class ChangePage(BaseModel):
    items: list[ChangeItem]
    last_sequence: int = Field(description="本页读到的位置；下次以 after=此值 继续")
    next: str | None = Field(None, description="下一页地址；为空表示已读到最新")
