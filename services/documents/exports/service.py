"""The bulk export of the public document registry (JSONL + CSV + SHA-256 manifest).

Only public documents (published, 主动公开) are exported, whoever asks, and of them only
what the public API shows: no staff names, no disclosure reasons of withheld records.
"""

from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.bulk import Manifest, Table, snapshot_session, write_snapshot
from services.common.db import Database
from services.documents.clock import today
from services.documents.exports import repository
from services.documents.records import present
from services.documents.records import repository as records
from services.documents.records.models import Document

DATASET = "documents"
BATCH_SIZE = 500
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("index_number", "索引号"),
    ("title", "标题"),
    ("doc_number", "发文字号"),
    ("type_code", "文件类型代码"),
    ("type_name", "文件类型"),
    ("subject_code", "主题分类代码"),
    ("subject_name", "主题分类"),
    ("agencies", "发文机关"),
    ("agency_ids", "发文机关编号"),
    ("keywords", "主题词"),
    ("written_on", "成文日期"),
    ("published_on", "发布日期"),
    ("effective_on", "施行日期"),
    ("expires_on", "有效期至"),
    ("validity", "有效性"),
    ("validity_status", "有效性代码"),
    ("is_policy", "政策性文件"),
    ("catalog_item_ids", "公开事项编号"),
    ("updated_at", "更新时间"),
    ("url", "地址"),
)


def record(document: Document, loaded: present.Loaded, items: list[Any]) -> dict[str, Any]:
    """One document as the export writes it: the public summary, full text and classification."""
    data = present.summary(document, loaded).model_dump(mode="json")
    data.update(
        is_policy=document.is_policy,
        catalog_item_ids=[str(i) for i in items],
        published_at=document.published_at.isoformat() if document.published_at else None,
        body_text=document.body_text,
        body_html=document.body_html,
        url=f"{present.BASE}/{document.id}",
    )
    return data


def csv_row(data: dict[str, Any]) -> list[Any]:
    """The CSV columns: metadata only (an Excel cell holds at most 32,767 characters)."""
    subject = data.get("subject") or {}
    validity = data.get("validity") or {}
    flat = {
        **data,
        "type_code": data["type"]["code"],
        "type_name": data["type"]["name"],
        "subject_code": subject.get("code"),
        "subject_name": subject.get("name"),
        "agencies": [a["name"] for a in data["agencies"]],
        "agency_ids": [a["id"] for a in data["agencies"]],
        "validity": validity.get("label"),
        "validity_status": validity.get("status"),
    }
    return [flat.get(key) for key, _ in CSV_COLUMNS]


async def state(session: AsyncSession) -> str:
    """What the export depends on: every change (outbox), today (validity) and type names."""
    sequence = await repository.last_sequence(session)
    return f"{sequence}:{today().isoformat()}:{await repository.reference_digest(session)}"


async def _batches(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in repository.public_batches(session, size):
        loaded = await present.load(session, rows)
        items = await records.catalog_items(session, [r.id for r in rows])
        yield [record(r, loaded, items.get(r.id, [])) for r in rows]


def tables(session: AsyncSession, size: int = BATCH_SIZE) -> Sequence[Table]:
    return [
        Table(
            name="documents",
            csv_header=[label for _, label in CSV_COLUMNS],
            csv_row=csv_row,
            batches=lambda: _batches(session, size),
        )
    ]


async def write(database: Database, directory: Path, *, batch_size: int = BATCH_SIZE) -> Manifest:
    """Write the export into ``directory`` from one consistent read of the database."""
    async with snapshot_session(database) as session:
        return await write_snapshot(
            directory,
            dataset=DATASET,
            state=await state(session),
            tables=tables(session, batch_size),
        )


async def current_state(database: Database) -> str:
    async with database.sessions() as session:
        return await state(session)
