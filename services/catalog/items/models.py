"""The columns of domain.md §3 shared by draft items, published copies and template items."""

import datetime as dt
import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from services.catalog.db import CatalogTable
from services.common.db import UTCDateTime, utcnow


class Channel(StrEnum):
    """公开渠道和载体 (the channel list of domain.md §3, in its order)."""

    WEBSITE = "website"
    GAZETTE = "gazette"
    NEW_MEDIA = "new_media"
    PRESS_CONFERENCE = "press_conference"
    BROADCAST = "broadcast"
    PRINT = "print"
    READING_POINT = "reading_point"
    SERVICE_CENTRE = "service_centre"
    SERVICE_STATION = "service_station"
    DOOR_TO_DOOR = "door_to_door"
    NOTICE_BOARD = "notice_board"
    TARGETED_PUSH = "targeted_push"
    OTHER = "other"


CHANNEL_LABELS: dict[Channel, str] = {
    Channel.WEBSITE: "政府网站",
    Channel.GAZETTE: "政府公报",
    Channel.NEW_MEDIA: "两微一端",
    Channel.PRESS_CONFERENCE: "发布会/听证会",
    Channel.BROADCAST: "广播电视",
    Channel.PRINT: "纸质媒体",
    Channel.READING_POINT: "公开查阅点",
    Channel.SERVICE_CENTRE: "政务服务中心",
    Channel.SERVICE_STATION: "便民服务站",
    Channel.DOOR_TO_DOOR: "入户/现场",
    Channel.NOTICE_BOARD: "社区/企事业单位/村公示栏（电子屏）",
    Channel.TARGETED_PUSH: "精准推送",
    Channel.OTHER: "其他",
}


class Audience(StrEnum):
    """公开对象."""

    EVERYONE = "everyone"
    SPECIFIC_GROUP = "specific_group"


AUDIENCE_LABELS = {Audience.EVERYONE: "全社会", Audience.SPECIFIC_GROUP: "特定群体"}


class DisclosureMode(StrEnum):
    """公开方式."""

    PROACTIVE = "proactive"
    ON_REQUEST = "on_request"


MODE_LABELS = {DisclosureMode.PROACTIVE: "主动", DisclosureMode.ON_REQUEST: "依申请"}


class DisclosureLevel(StrEnum):
    """公开层级: which level of government discloses the item."""

    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"


LEVEL_LABELS = {
    DisclosureLevel.CITY: "市级",
    DisclosureLevel.COUNTY: "县级",
    DisclosureLevel.TOWNSHIP: "乡级",
}


class DeadlineTrigger(StrEnum):
    """What starts the 公开时限 clock."""

    FORMED_OR_CHANGED = "formed_or_changed"
    DECIDED = "decided"
    NOTICE_PERIOD = "notice_period"
    PROMPTLY = "promptly"
    ONGOING = "ongoing"
    OTHER = "other"


TRIGGER_LABELS = {
    DeadlineTrigger.FORMED_OR_CHANGED: "信息形成（或变更）之日起",
    DeadlineTrigger.DECIDED: "作出决定之日起",
    DeadlineTrigger.NOTICE_PERIOD: "公告（公示）期限",
    DeadlineTrigger.PROMPTLY: "及时公开",
    DeadlineTrigger.ONGOING: "长期公开、动态更新",
    DeadlineTrigger.OTHER: "其他",
}


class DeadlineUnit(StrEnum):
    WORKING_DAY = "working_day"
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


UNIT_LABELS = {
    DeadlineUnit.WORKING_DAY: "个工作日",
    DeadlineUnit.DAY: "日",
    DeadlineUnit.MONTH: "个月",
    DeadlineUnit.YEAR: "年",
}


class ItemFields(SQLModel):
    """One catalog row's columns; every table of catalog rows stores exactly these."""

    domain_id: uuid.UUID = Field(foreign_key="domain.id", index=True)
    level1: str = Field(max_length=200)
    level2: str | None = Field(default=None, max_length=200)
    level3: str | None = Field(default=None, max_length=200)
    # [{"name": "...", "required": true}, …]: ● required / 〇 optional elements.
    elements: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    basis: str = Field(default="", sa_type=sa.Text)
    deadline_text: str = Field(default="", max_length=200)
    deadline_trigger: str = Field(default=DeadlineTrigger.OTHER, sa_type=sa.String(32))
    deadline_number: int | None = Field(default=None)
    deadline_unit: str | None = Field(default=None, sa_type=sa.String(32))
    subject: str = Field(default="", max_length=200)
    channels: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    audience: str = Field(default=Audience.EVERYONE, sa_type=sa.String(32))
    audience_note: str | None = Field(default=None, max_length=200)
    mode: str = Field(default=DisclosureMode.PROACTIVE, sa_type=sa.String(32), index=True)
    # 公开层级 as three flags, so a list can filter on one level portably.
    level_city: bool = Field(default=False)
    level_county: bool = Field(default=False)
    level_township: bool = Field(default=False)
    phone: str | None = Field(default=None, max_length=50)
    position: int = Field(default=0)


class CatalogItem(ItemFields, CatalogTable, table=True):
    """A row of an agency's draft catalog; its id stays the same in every published version."""

    __tablename__ = "catalog_item"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    agency_id: uuid.UUID = Field(foreign_key="agency.id", index=True)
    # The template row it was copied from (templates → instances), kept for comparisons.
    template_item_id: uuid.UUID | None = Field(default=None, index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
