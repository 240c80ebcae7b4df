"""The bulk export of the catalog: every agency and every item of the current catalogs.

Everything here is public already (agencies and published catalogs are open to anyone);
drafts are never exported. An agency's contact is its disclosure office's, not a person's.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import true
from sqlmodel.ext.asyncio.session import AsyncSession

from services.catalog.agencies import service as agencies
from services.catalog.agencies.models import Agency
from services.catalog.exports import repository
from services.catalog.items.models import (
    CHANNEL_LABELS,
    LEVEL_LABELS,
    MODE_LABELS,
    Channel,
    DisclosureLevel,
    DisclosureMode,
)
from services.catalog.versions import service as versions
from services.catalog.versions.models import PublishedItem
from services.common.bulk import Export, Table, columns_table, id_batches

DATASET = "catalog"
BATCH_SIZE = 500
AGENCY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("name", "名称"),
    ("short_name", "简称"),
    ("aliases", "别称"),
    ("credit_code", "统一社会信用代码"),
    ("division_code", "区划代码"),
    ("kind_label", "机关类别"),
    ("parent_id", "上级机关编号"),
    ("address", "办公地址"),
    ("phone", "咨询电话"),
    ("hours", "办公时间"),
    ("email", "电子邮箱"),
    ("publication_deadline_days", "主动公开期限（工作日）"),
)
ITEM_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("agency_id", "机关编号"),
    ("version", "目录版本"),
    ("domain_name", "领域"),
    ("level1", "一级事项"),
    ("level2", "二级事项"),
    ("level3", "三级事项"),
    ("elements", "公开内容（要素）"),
    ("basis", "公开依据"),
    ("deadline", "公开时限"),
    ("subject", "公开主体"),
    ("channels", "公开渠道和载体"),
    ("audience", "公开对象"),
    ("mode", "公开方式"),
    ("levels", "公开层级"),
    ("phone", "咨询电话"),
)


def flat_agency(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, **data["contact"]}


def flat_item(data: dict[str, Any]) -> dict[str, Any]:
    """Labels a person reads in Excel: ● required / 〇 optional elements, Chinese names."""
    return {
        **data,
        "elements": [("●" if e["required"] else "〇") + e["name"] for e in data["elements"]],
        "deadline": data["deadline"]["text"],
        "channels": [CHANNEL_LABELS[Channel(c)] for c in data["channels"]],
        "audience": data["audience_note"] or ("全社会" if data["audience"] == "everyone" else ""),
        "mode": MODE_LABELS[DisclosureMode(data["mode"])],
        "levels": [LEVEL_LABELS[DisclosureLevel(v)] for v in data["levels"]],
    }


async def _agencies(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in id_batches(session, Agency, true(), size):
        yield [(await agencies.to_read(session, a)).model_dump(mode="json") for a in rows]


async def _items(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in id_batches(session, PublishedItem, repository.current_items(), size):
        reads = await versions.published_read(session, rows, None)
        yield [r.model_dump(mode="json") for r in reads]


def tables(session: AsyncSession, size: int) -> Sequence[Table]:
    return [
        columns_table("agencies", AGENCY_COLUMNS, lambda: _agencies(session, size), flat_agency),
        columns_table("items", ITEM_COLUMNS, lambda: _items(session, size), flat_item),
    ]


EXPORT = Export(DATASET, state=repository.state_digest, tables=tables, batch_size=BATCH_SIZE)
