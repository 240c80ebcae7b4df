"""What the report needs from other services: the agency (catalog) and document counts.

The documents service's counts route is expected as ``GET /api/v1/documents/counts?agency=
&year=`` answering ``{"rows": {"rule": {"issued": n, "repealed": n, "in_force": n},
"normative": {...}}}`` (row keys are its ``ReportRow`` values). When it is missing or down the
report is still produced: the cells read 未取得 and the report lists the problem.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from services.common.client import ServiceClient
from services.common.errors import GongkaiError, NotFound, ServiceUnavailable
from services.requests.reports.table2 import DOCUMENT_COUNTS

COUNTS_PATH = "/api/v1/documents/counts"


@dataclass(frozen=True)
class Agency:
    id: uuid.UUID
    name: str
    division_code: str | None


@dataclass(frozen=True)
class Peers:
    catalog: ServiceClient | None
    documents: ServiceClient | None


async def agency(peers: Peers, agency_id: uuid.UUID) -> Agency:
    if peers.catalog is None:
        raise ServiceUnavailable("目录服务未配置，无法确认机关。")
    response = await peers.catalog.get(f"/api/v1/catalog/agencies/{agency_id}")
    if response.status == 404:
        raise NotFound(f"机关 {agency_id} 不存在，请从机关目录中选择。", code="agency-not-found")
    if not response.ok or not isinstance(response.body, dict):
        raise ServiceUnavailable("目录服务暂时无法确认机关，请稍后重试。")
    body = response.body
    division = body.get("division_code")
    return Agency(
        agency_id, str(body.get("name") or agency_id), str(division) if division else None
    )


def _parse_counts(body: Any) -> dict[str, dict[str, int]]:
    rows: Any = body.get("rows", body) if isinstance(body, dict) else body
    if isinstance(rows, list):
        rows = {str(r.get("report_row") or r.get("row")): r for r in rows if isinstance(r, dict)}
    if not isinstance(rows, Mapping):
        return {}
    parsed: dict[str, dict[str, int]] = {}
    for row, counts in rows.items():
        if isinstance(counts, Mapping):
            parsed[str(row)] = {
                name: counts[name]
                for name in DOCUMENT_COUNTS
                if isinstance(counts.get(name), int) and not isinstance(counts.get(name), bool)
            }
    return parsed


async def document_counts(
    peers: Peers, agency_id: uuid.UUID, year: int, token: str | None
) -> tuple[dict[str, dict[str, int]] | None, list[str]]:
    """Counts of 规章 and 行政规范性文件 for the year, or None with the reason."""
    what = "表二第二十条第（一）项（规章、规范性文件）"
    if peers.documents is None:
        return None, [f"文件服务未配置，{what}显示为“未取得”。"]
    try:
        response = await peers.documents.get(
            COUNTS_PATH, params={"agency": str(agency_id), "year": year}, token=token
        )
    except GongkaiError:
        return None, [f"文件服务暂时不可用，{what}显示为“未取得”，请稍后重新生成。"]
    if response.status == 404:
        return None, [
            f"文件服务未提供文件统计（{COUNTS_PATH} 返回 404），{what}显示为“未取得”，"
            "请在文件服务提供统计后重新生成，或在报告说明中补充。"
        ]
    if not response.ok:
        return None, [
            f"文件服务返回错误（HTTP {response.status}），{what}显示为“未取得”，请稍后重新生成。"
        ]
    counts = _parse_counts(response.body)
    if not counts:
        return None, [f"文件服务的统计无法识别，{what}显示为“未取得”。"]
    return counts, []
