"""The bulk export of the catalog: every agency and every item of the current catalogs.

Everything here is public already (agencies and published catalogs are open to anyone);
drafts are never exported. An agency's contact is its disclosure office's, not a person's.
"""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
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
from services.common.bulk import Manifest, Table, id_batches, snapshot_session, write_snapshot
from services.common.db import Database

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


def agency_row(data: dict[str, Any]) -> list[Any]:
    flat = {**data, **data["contact"]}
    return [flat.get(key) for key, _ in AGENCY_COLUMNS]


def item_row(data: dict[str, Any]) -> list[Any]:
    """Labels a person reads in Excel: ● required / 〇 optional elements, Chinese names."""
    flat = {
        **data,
        "elements": [("●" if e["required"] else "〇") + e["name"] for e in data["elements"]],
        "deadline": data["deadline"]["text"],
        "channels": [CHANNEL_LABELS[Channel(c)] for c in data["channels"]],
        "audience": data["audience_note"] or ("全社会" if data["audience"] == "everyone" else ""),
        "mode": MODE_LABELS[DisclosureMode(data["mode"])],
        "levels": [LEVEL_LABELS[DisclosureLevel(v)] for v in data["levels"]],
    }
    return [flat.get(key) for key, _ in ITEM_COLUMNS]


async def _agencies(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in id_batches(session, Agency, true(), size):
        yield [(await agencies.to_read(session, a)).model_dump(mode="json") for a in rows]


async def _items(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in id_batches(session, PublishedItem, repository.current_items(), size):
        reads = await versions.published_read(session, rows, None)
        yield [r.model_dump(mode="json") for r in reads]


def tables(session: AsyncSession, size: int = BATCH_SIZE) -> Sequence[Table]:
    return [
        Table(
            name="agencies",
            csv_header=[label for _, label in AGENCY_COLUMNS],
            csv_row=agency_row,
            batches=lambda: _agencies(session, size),
        ),
        Table(
            name="items",
            csv_header=[label for _, label in ITEM_COLUMNS],
            csv_row=item_row,
            batches=lambda: _items(session, size),
        ),
    ]


async def write(database: Database, directory: Path, *, batch_size: int = BATCH_SIZE) -> Manifest:
    """Write the export into ``directory`` from one consistent read of the database."""
    async with snapshot_session(database) as session:
        return await write_snapshot(
            directory,
            dataset=DATASET,
            state=await repository.state_digest(session),
            tables=tables(session, batch_size),
        )


async def current_state(database: Database) -> str:
    async with database.sessions() as session:
        return await repository.state_digest(session)
