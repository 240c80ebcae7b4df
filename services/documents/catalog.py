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
    catalog: ServiceClient, item_ids: list[uuid.UUID], *, token: str | None = None
) -> dict[uuid.UUID, CatalogItemInfo]:
    """The items among ``item_ids`` that exist (``POST /api/v1/catalog/items/lookup``).

    The caller's token is forwarded, so staff may classify under their own draft items.
    """
    if not item_ids:
        return {}
    response = await catalog.post(
        "/api/v1/catalog/items/lookup", json={"ids": [str(i) for i in item_ids]}, token=token
    )
    if not response.ok or not isinstance(response.body, dict):
        raise _unavailable(response)
    return {info.id: info for info in map(_item, response.body.get("items") or [])}


def _item(row: Any) -> CatalogItemInfo:
    agency_id = row.get("agency_id")
    path = row.get("title_path") or [row.get("level1") or row.get("title") or ""]
    return CatalogItemInfo(
        uuid.UUID(str(row["id"])),
        uuid.UUID(str(agency_id)) if agency_id else None,
        " / ".join(str(p) for p in path if p),
    )


# A catalog has at most a few hundred items; this bounds the pages a gap list reads.
MAX_AGENCY_ITEMS = 5000


async def agency_items(catalog: ServiceClient, agency_id: uuid.UUID) -> list[CatalogItemInfo]:
    """The items of the agency's current published catalog (``GET /api/v1/catalog/items``)."""
    found: list[CatalogItemInfo] = []
    params: dict[str, Any] = {"agency": str(agency_id), "limit": 100}
    while len(found) < MAX_AGENCY_ITEMS:
        response = await catalog.get("/api/v1/catalog/items", params=params)
        if response.status == 404:
            raise Unprocessable(
                f"agency_id：编号为 {agency_id} 的机关未在目录中登记。", code="agency-not-found"
            )
        if not response.ok or not isinstance(response.body, dict):
            raise _unavailable(response)
        found.extend(_item({**row, "title_path": _path(row)}) for row in response.body["items"])
        cursor = response.body.get("next_cursor")
        if not cursor:
            break
        params["cursor"] = cursor
    return found


def _path(row: Any) -> list[str]:
    return [str(row[k]) for k in ("level1", "level2", "level3") if row.get(k)]


async def agency_by_name(catalog: ServiceClient, name: str) -> AgencyInfo | None:
    """The agency whose full name, short name or alias is exactly ``name`` (one match only)."""
    response = await catalog.get("/api/v1/catalog/agencies", params={"q": name[:50], "limit": 20})
    if not response.ok or not isinstance(response.body, dict):
        raise _unavailable(response)
    exact = [
        row
        for row in response.body.get("items") or []
        if name in {row.get("name"), row.get("short_name"), *(row.get("aliases") or [])}
    ]
    if len(exact) != 1:
        return None
    return await agency(catalog, uuid.UUID(str(exact[0]["id"])), field="agency")
