"""The open-data bulk export of documents at scale: time and peak memory of a full export.

Creates a fresh SQLite documents database (by the migrations), bulk-inserts N synthetic
documents straight into its tables (default 100,000: ~90% public, the rest drafts or
不予公开, each with one or two issuing agencies, a validity interval and a body of about
``--body-bytes``), then runs the export the API and ``gongkai export`` run
(``services.documents.exports.service.EXPORT.write``: JSONL + CSV + SHA-256 manifest) in a child
process, so the peak memory printed is the export's own. With ``--tracemalloc`` a second
export run reports the peak of Python allocations as well (tracemalloc slows it down).

    .venv/bin/python benchmarks/export.py [--docs 100000] [--body-bytes 6000] [--tracemalloc]

Memory should not grow with N: compare a run at --docs 10000 with one at 100000.
"""

import argparse
import asyncio
import datetime as dt
import multiprocessing
import platform
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from services.common.db import Database
from services.common.migrations import upgrade
from services.documents.exports import service as export
from services.documents.lifecycle.models import ValidityInterval
from services.documents.records.models import Document, DocumentAgency

NAMESPACE = uuid.UUID("b5e4c0de-0000-4000-8000-000000000008")
CITIES = ["张掖市", "交城县", "博山区", "石家庄市", "资阳市", "酒泉市", "临汾市", "保定市"]
OFFICES = ["人民政府办公室", "发展和改革委员会", "教育局", "财政局", "自然资源局", "卫生健康委员会"]
PARAGRAPH = (
    "为深入贯彻落实《中华人民共和国政府信息公开条例》，进一步提升政务公开标准化规范化水平，"
    "结合本地实际，现就有关事项通知如下。各地各部门要高度重视，明确责任分工，确保各项任务落实到位。"
)
INSERT_BATCH = 2_000


def _rows(size: int, body_bytes: int, seed: int) -> Any:
    """Batches of (documents, issuers, validity intervals) rows, the same for the same seed."""
    rng = random.Random(seed)
    agencies = [(uuid.uuid5(NAMESPACE, c + o), c + o) for c in CITIES for o in OFFICES]
    body = (PARAGRAPH * (body_bytes // len(PARAGRAPH.encode()) + 1))[: body_bytes // 3]
    now = dt.datetime.now(dt.UTC)
    documents: list[dict[str, Any]] = []
    issuers: list[dict[str, Any]] = []
    validity: list[dict[str, Any]] = []
    for i in range(size):
        lead, name = rng.choice(agencies)
        year = rng.randint(2010, 2025)
        written = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(360))
        roll = rng.random()
        status = "draft" if roll < 0.04 else "published"
        disclosure = "withheld" if 0.04 <= roll < 0.10 else "public"
        document_id = uuid.uuid5(NAMESPACE, f"doc{i}")
        documents.append({
            "id": document_id, "index_number": f"BENCH-{year}-{i:07d}", "agency_id": lead,
            "agency_name": name, "title": f"{name}关于做好第 {i} 项政务公开工作的通知",
            "doc_number": f"{name[:2]}政发〔{year}〕{i}号",
            "doc_number_key": f"{name[:2]}政发〔{year}〕{i}号", "doc_number_year": year,
            "doc_number_seq": i, "doc_number_is_order": False, "type_code": "normative",
            "subject_code": "0201", "keywords": ["政务公开", f"{year}年"],
            "written_on": written, "published_on": written if status == "published" else None,
            "body_text": body, "disclosure": disclosure,
            "disclosure_reason": "涉及内部事务" if disclosure == "withheld" else None,
            "is_policy": False, "status": status, "deadline_days": 20,
            "publish_due_on": written + dt.timedelta(days=28), "version": 1,
            "created_by": "benchmark", "created_at": now, "updated_at": now,
            "published_at": now if status == "published" else None,
        })  # fmt: skip
        issuers.append({"document_id": document_id, "agency_id": lead, "position": 0, "name": name})
        if rng.random() < 0.1:
            joint, joint_name = rng.choice([a for a in agencies if a[0] != lead])
            issuers.append(
                {"document_id": document_id, "agency_id": joint, "position": 1, "name": joint_name}
            )
        if status == "published":
            validity.append({
                "id": uuid.uuid4(), "document_id": document_id, "status": "in_force",
                "starts_on": written, "ends_on": None, "cause": "自发布之日起施行",
            })  # fmt: skip
        if len(documents) >= INSERT_BATCH:
            yield documents, issuers, validity
            documents, issuers, validity = [], [], []
    if documents:
        yield documents, issuers, validity


async def populate(url: str, size: int, body_bytes: int) -> float:
    await upgrade("documents", url)
    database = Database(url)
    began = time.perf_counter()
    try:
        async with database.write_sessions() as session:
            connection = await session.connection()
            for documents, issuers, validity in _rows(size, body_bytes, seed=8):
                await connection.execute(insert(Document), documents)
                await connection.execute(insert(DocumentAgency), issuers)
                if validity:
                    await connection.execute(insert(ValidityInterval), validity)
            await session.commit()
    finally:
        await database.dispose()
    return time.perf_counter() - began


def _export(url: str, out: str, batch: int, trace: bool, results: Any) -> None:
    """One full export in this (child) process: wall and CPU time, peak memory."""

    async def run() -> Any:
        database = Database(url)
        try:
            return await export.EXPORT.write(database, Path(out), batch_size=batch)
        finally:
            await database.dispose()

    if trace:
        tracemalloc.start()
    before = resource.getrusage(resource.RUSAGE_SELF)
    began = time.perf_counter()
    manifest = asyncio.run(run())
    elapsed = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_SELF)
    results.put({
        "seconds": elapsed,
        "cpu_seconds": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime,
        "max_rss_mb": after.ru_maxrss / 1024,
        "python_peak_mb": tracemalloc.get_traced_memory()[1] / 2**20 if trace else None,
        "files": [(f.name, f.records, f.bytes) for f in manifest.files],
    })  # fmt: skip


def _child(url: str, out: str, batch: int, trace: bool) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=_export, args=(url, out, batch, trace, results))
    process.start()
    found: dict[str, Any] = results.get()
    process.join()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="synthetic documents")
    parser.add_argument("--body-bytes", type=int, default=6_000, help="body size per document")
    parser.add_argument("--batch", type=int, default=export.BATCH_SIZE, help="export batch size")
    parser.add_argument("--tracemalloc", action="store_true", help="also a traced export run")
    args = parser.parse_args()
    now = dt.datetime.now(dt.UTC)
    print(f"{platform.machine()} Python {platform.python_version()} {now:%Y-%m-%d %H:%M} UTC")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/documents.db"
        seconds = asyncio.run(populate(url, args.docs, args.body_bytes))
        size_mb = Path(f"{tmp}/documents.db").stat().st_size / 2**20
        print(f"inserted {args.docs:,} documents in {seconds:.1f} s (database {size_mb:.0f} MB)")
        runs = [("export", False)] + ([("export, traced", True)] if args.tracemalloc else [])
        for label, trace in runs:
            found = _child(url, f"{tmp}/out-{int(trace)}", args.batch, trace)
            files = ", ".join(f"{n} {r:,} records {b / 2**20:.0f} MB" for n, r, b in found["files"])
            rate = found["files"][0][1] / found["seconds"]
            peak = found["python_peak_mb"]
            print(
                f"{label}: {found['seconds']:.1f} s wall, {found['cpu_seconds']:.1f} s CPU, "
                f"{rate:,.0f} records/s, max RSS {found['max_rss_mb']:.0f} MB"
                + (f", Python heap peak {peak:.1f} MB" if peak is not None else "")
            )
            print(f"  {files}")


if __name__ == "__main__":
    main()
