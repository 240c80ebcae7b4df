"""N synthetic documents written straight into a migrated documents database.

The same corpus as ``benchmarks/search.py`` (the five samples' paragraphs reshuffled into
~13 KB documents, 80 agencies, 8% not public), stored as the documents service stores them:
``document`` rows (published, or 依申请公开 for the non-public ones), their issuing agency
and one validity interval each. No outbox rows: a benchmark then runs ``gongkai reindex``
(``rebuild_from_settings``), which is what an administrator does after a bulk import.
"""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.search import CATEGORIES, corpus
from services.common.settings import normalise_database_url
from services.documents.lifecycle.models import Validity, ValidityInterval
from services.documents.records.models import (
    Disclosure,
    Document,
    DocumentAgency,
    PublicationStatus,
)

# The corpus' document types and categories as the reference data's codes (seed.json).
TYPE_CODES = {"normative": "normative", "rule": "rule", "notice": "policy", "plan": "other"}
SUBJECT_CODES = ("0201", "0202", "0203", "0204", "0299", "03", "04", "05", "06", "07")
BATCH = 500


def _rows(docs: Sequence[Any], first: int) -> dict[str, list[dict[str, Any]]]:
    now = dt.datetime.now(dt.UTC)
    documents, agencies, intervals = [], [], []
    for i, doc in enumerate(docs, start=first):
        published = doc.published_on
        until = doc.effective_until
        documents.append(
            {
                "id": doc.id,
                "index_number": f"BENCH-{i:08d}",
                "agency_id": doc.agency_ids[0],
                "agency_name": doc.agency_names[0],
                "title": doc.title[:300],
                "doc_number": doc.doc_number,
                "doc_number_key": None,  # corpus numbers may repeat within an agency
                "doc_number_code": None,
                "doc_number_year": doc.year,
                "doc_number_seq": None,
                "doc_number_is_order": False,
                "type_code": TYPE_CODES[doc.doc_type],
                "subject_code": SUBJECT_CODES[CATEGORIES.index(doc.category) % len(SUBJECT_CODES)],
                "keywords": list(doc.keywords),
                "written_on": published,
                "published_on": published,
                "effective_on": published,
                "expires_on": until,
                "body_text": doc.body,
                "body_html": None,
                "disclosure": Disclosure.PUBLIC if doc.is_public else Disclosure.ON_REQUEST,
                "is_policy": False,
                "status": PublicationStatus.PUBLISHED,
                "deadline_days": 20,
                "publish_due_on": published + dt.timedelta(days=28),
                "version": 1,
                "created_by": "benchmark",
                "created_at": now,
                "updated_at": now,
                "published_at": now,
            }
        )
        agencies.append(
            {
                "document_id": doc.id,
                "agency_id": doc.agency_ids[0],
                "position": 0,
                "name": doc.agency_names[0],
            }
        )
        end = until + dt.timedelta(days=1) if until else None
        intervals.append(
            {
                "id": uuid.uuid5(doc.id, "in-force"),
                "document_id": doc.id,
                "status": Validity.IN_FORCE,
                "starts_on": published,
                "ends_on": end,
                "cause": "发布施行",
                "event_id": None,
            }
        )
        if end is not None:
            intervals.append(
                {
                    "id": uuid.uuid5(doc.id, "expired"),
                    "document_id": doc.id,
                    "status": Validity.EXPIRED,
                    "starts_on": end,
                    "ends_on": None,
                    "cause": "有效期届满",
                    "event_id": None,
                }
            )
    return {"documents": documents, "agencies": agencies, "intervals": intervals}


async def seed_documents(database_url: str, count: int, *, seed: int = 5) -> int:
    """Insert ``count`` corpus documents (ids are stable for a (count, seed) pair)."""
    engine = create_async_engine(normalise_database_url(database_url))
    tables = (
        ("documents", Document.__table__),  # type: ignore[attr-defined]
        ("agencies", DocumentAgency.__table__),  # type: ignore[attr-defined]
        ("intervals", ValidityInterval.__table__),  # type: ignore[attr-defined]
    )
    written = 0
    try:
        batch: list[Any] = []
        for doc in corpus(count, seed):
            batch.append(doc)
            if len(batch) == BATCH or written + len(batch) == count:
                rows = _rows(batch, written)
                async with engine.begin() as connection:
                    for key, table in tables:
                        await connection.execute(sa.insert(table), rows[key])
                written += len(batch)
                batch = []
    finally:
        await engine.dispose()
    return written
