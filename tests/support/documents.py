"""Builders of documents test data, and a running documents service with its catalog peer."""

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from services.common.auth import Role
from tests.support.catalog import ZHANGYE_DIVISIONS, agency_body
from tests.support.tokens import TokenMinter

DOCS = "/api/v1/documents"
CATALOG = "/api/v1/catalog"
PROBLEM = "application/problem+json"
# The issuing agencies of the sample documents besides 张掖市人民政府办公室.
SAMPLE_OFFICES = [
    "博山区人民政府办公室",
    "交城县人民政府办公室",
    "石家庄市人民政府办公室",
    "资阳市人民政府办公室",
]


def document_body(agency_id: object, **fields: Any) -> dict[str, Any]:
    """The JSON body of ``POST /api/v1/documents`` (a 行政规范性文件, 主动公开)."""
    body: dict[str, Any] = {
        "title": "张掖市人民政府办公室关于印发张掖市落实政务公开重点工作推进方案的通知",
        "agency_id": str(agency_id),
        "doc_number": "张政办函〔2020〕100号",
        "type_code": "normative",
        "subject_code": "0201",
        "keywords": ["政务公开"],
        "written_on": "2020-09-17",
        "body_text": "经市政府同意，现将《张掖市落实政务公开重点工作推进方案》印发你们。",
        "disclosure": "public",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


@dataclass
class World:
    """The documents service and its catalog, with two agencies and tokens for their staff."""

    docs: httpx.AsyncClient
    catalog: httpx.AsyncClient
    tokens: TokenMinter
    database_url: str = ""
    attachments_root: Path = Path()
    catalog_database_url: str = ""
    data_dir: Path = Path()
    agency: dict[str, Any] = field(default_factory=dict)
    other: dict[str, Any] = field(default_factory=dict)

    def staff(self, agency: dict[str, Any] | None = None, **claims: Any) -> dict[str, str]:
        """An editor and publisher of ``agency`` (default: the first), MFA fresh."""
        target = agency if agency is not None else self.agency
        values: dict[str, Any] = {
            "subject": f"staff-{target['id'][:8]}",
            "roles": [Role.EDITOR, Role.PUBLISHER],
            "scopes": ["documents:write", "documents:publish", "documents:read"],
            "agencies": [target["id"]],
            "acr": "mfa",
            "auth_time": int(time.time()),
        }
        return self.tokens.headers(**{**values, **claims})

    def admin(self) -> dict[str, str]:
        return self.tokens.headers(
            subject="platform-admin",
            roles=[Role.PLATFORM_ADMIN],
            scopes=["documents:write", "documents:publish", "documents:manage", "documents:read"],
            acr="mfa",
            auth_time=int(time.time()),
        )

    async def create(self, agency: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
        target = agency if agency is not None else self.agency
        response = await self.docs.post(
            DOCS, json=document_body(target["id"], **fields), headers=self.staff(target)
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def publish(
        self, document: dict[str, Any], published_on: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        agency = kwargs.get("agency") or self._owner(document)
        body = {"published_on": published_on} if published_on else {}
        response = await self.docs.post(
            f"{DOCS}/{document['id']}/publish", json=body, headers=self.staff(agency)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def _owner(self, document: dict[str, Any]) -> dict[str, Any]:
        lead = next(a for a in document["agencies"] if a["lead"])
        return self.agency if lead["id"] == self.agency["id"] else self.other


async def register_agencies(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Zhangye divisions and two agencies: 市政府办公室 (own pattern) and 甘州区政府办."""
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])
    divisions = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
    response = await catalog.post(f"{CATALOG}/divisions/import", json=divisions, headers=admin)
    assert response.status_code == 200, response.text
    first = await catalog.post(
        f"{CATALOG}/agencies",
        json=agency_body(index_number_pattern="ZYSZFB-{year}-{seq:04d}"),
        headers=admin,
    )
    assert first.status_code == 201, first.text
    second = await catalog.post(
        f"{CATALOG}/agencies",
        json=agency_body("甘州区人民政府办公室", division_code="620702"),
        headers=admin,
    )
    assert second.status_code == 201, second.text
    return first.json(), second.json()


def new_id() -> str:
    return str(uuid.uuid4())
