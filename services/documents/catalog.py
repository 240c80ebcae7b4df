"""What documents ask the catalog service (agencies, catalog items), over its public API."""

import uuid
from dataclasses import dataclass
from typing import Any

from services.common.client import PeerResponse, ServiceClient
from services.common.errors import ServiceUnavailable, Unprocessable

DEFAULT_DEADLINE_DAYS = 20


@dataclass(frozen=True)
class AgencyInfo:
    """The parts of the catalog's AgencyRead a document needs."""

    id: uuid.UUID
    name: str
    credit_code: str
    index_number_pattern: str
    publication_deadline_days: int


@dataclass(frozen=True)
class CatalogItemInfo:
    id: uuid.UUID
    agency_id: uuid.UUID | None
    title: str


def _unavailable(response: PeerResponse) -> ServiceUnavailable:
    return ServiceUnavailable(
        f"目录服务返回了意外的结果（HTTP {response.status}），本次操作未保存，请稍后重试。",
        headers={"Retry-After": "5"},
    )


async def agency(catalog: ServiceClient, agency_id: uuid.UUID, *, field: str) -> AgencyInfo:
    """The agency, or a 422 naming ``field`` when the catalog does not know it."""
    response = await catalog.get(f"/api/v1/catalog/agencies/{agency_id}")
    if response.status == 404:
        raise Unprocessable(
            f"{field}：编号为 {agency_id} 的机关未在目录中登记，请先登记该机关或核对编号。",
            code="agency-not-found",
        )
    if not response.ok or not isinstance(response.body, dict):
        raise _unavailable(response)
    body = response.body
    return AgencyInfo(
        id=uuid.UUID(str(body["id"])),
        name=str(body["name"]),
        credit_code=str(body["credit_code"]),
        index_number_pattern=str(body.get("index_number_pattern") or ""),
        publication_deadline_days=int(
            body.get("publication_deadline_days") or DEFAULT_DEADLINE_DAYS
        ),
    )


async def catalog_items(
    catalog: ServiceClient, item_ids: list[uuid.UUID]
) -> dict[uuid.UUID, CatalogItemInfo]:
    """The items among ``item_ids`` that exist (``POST /api/v1/catalog/items/lookup``)."""
    if not item_ids:
        return {}
    response = await catalog.post(
        "/api/v1/catalog/items/lookup", json={"ids": [str(i) for i in item_ids]}
    )
    if response.status in {404, 405}:
        raise ServiceUnavailable(
            "目录服务尚不支持事项查询，暂时无法按目录事项归类，请稍后重试。",
            code="catalog-items-unavailable",
        )
    if not response.ok:
        raise _unavailable(response)
    body: Any = response.body
    rows = body.get("items", []) if isinstance(body, dict) else body
    found: dict[uuid.UUID, CatalogItemInfo] = {}
    for row in rows or []:
        item_id = uuid.UUID(str(row["id"]))
        agency_id = row.get("agency_id")
        title = row.get("title") or row.get("name") or ""
        if isinstance(title, list):
            title = " / ".join(str(t) for t in title)
        found[item_id] = CatalogItemInfo(
            item_id, uuid.UUID(str(agency_id)) if agency_id else None, str(title)
        )
    return found
