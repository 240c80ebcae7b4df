"""The bulk export of the public document registry (JSONL + CSV + SHA-256 manifest).

Documents, interpretations and gazette issues as an anonymous caller sees them (the
visibility rule: published, 主动公开 documents; published interpretations and issues, with
links to non-public documents left out), whoever asks; no staff names, no disclosure reasons.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import ANONYMOUS
from services.common.bulk import Export, Table, columns_table, id_batches
from services.documents import visibility
from services.documents.clock import today
from services.documents.exports import repository
from services.documents.gazette import service as gazette
from services.documents.gazette.models import GazetteIssue
from services.documents.interpretations import service as interpretations
from services.documents.interpretations.models import Interpretation
from services.documents.records import present
from services.documents.records import repository as records
from services.documents.records.models import Document, PublicationStatus

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


INTERPRETATION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("agency_id", "解读机关编号"),
    ("kind_label", "解读形式"),
    ("title", "标题"),
    ("url", "外部地址"),
    ("published_on", "发布日期"),
    ("document_ids", "所解读的文件编号"),
)
GAZETTE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("agency_name", "编辑机关"),
    ("title", "公报名称"),
    ("year", "年度"),
    ("issue_number", "期号"),
    ("total_number", "总期号"),
    ("issued_on", "出版日期"),
    ("entries", "目录"),
    ("document_ids", "刊登的文件编号"),
    ("pdf", "版式文件"),
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


def flat_document(data: dict[str, Any]) -> dict[str, Any]:
    """The CSV columns: metadata only (an Excel cell holds at most 32,767 characters)."""
    subject = data.get("subject") or {}
    validity = data.get("validity") or {}
    return {
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


async def state(session: AsyncSession) -> str:
    """What the export depends on: every change (outbox), today (validity) and type names."""
    sequence = await repository.last_sequence(session)
    return f"{sequence}:{today().isoformat()}:{await repository.reference_digest(session)}"


async def _documents(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    async for rows in id_batches(session, Document, visibility.public_filter(), size):
        loaded = await present.load(session, rows)
        items = await records.catalog_items(session, [r.id for r in rows])
        yield [record(r, loaded, items.get(r.id, [])) for r in rows]


async def _interpretations(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    visible = visibility.visible_interpretations(ANONYMOUS)
    async for rows in id_batches(session, Interpretation, visible, size):
        reads = await interpretations.to_reads(session, ANONYMOUS, rows)
        yield [r.model_dump(mode="json") for r in reads]


async def _gazette(session: AsyncSession, size: int) -> AsyncIterator[list[dict[str, Any]]]:
    visible = col(GazetteIssue.status) == PublicationStatus.PUBLISHED
    async for rows in id_batches(session, GazetteIssue, visible, size):
        yield [(await gazette.read(session, ANONYMOUS, r)).model_dump(mode="json") for r in rows]


def flat_gazette(data: dict[str, Any]) -> dict[str, Any]:
    entries = data["entries"]
    return {
        **data,
        "entries": [e["title"] for e in entries],
        "document_ids": [e["document_id"] for e in entries if e["document_id"]],
    }


def tables(session: AsyncSession, size: int) -> Sequence[Table]:
    """Documents, their interpretations and the gazette: what the public registry shows."""
    return [
        columns_table("documents", CSV_COLUMNS, lambda: _documents(session, size), flat_document),
        columns_table(
            "interpretations", INTERPRETATION_COLUMNS, lambda: _interpretations(session, size)
        ),
        columns_table("gazette", GAZETTE_COLUMNS, lambda: _gazette(session, size), flat_gazette),
    ]


EXPORT = Export(DATASET, state=state, tables=tables, batch_size=BATCH_SIZE)
