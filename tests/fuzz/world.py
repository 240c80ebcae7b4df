"""The data the fuzzer runs against: agencies A and B, their records, two applicants' requests.

Every non-public record carries a marker (a unique string in its title); who may see which
marker is written to a JSON file that ``tests/fuzz/checks.py`` reads in the schemathesis process.
"""

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.common.auth import Role
from tests.support.catalog import ZHANGYE_DIVISIONS, agency_body
from tests.support.documents import document_body
from tests.support.requests import id_card, person, request_body
from tests.support.tokens import TokenMinter

ROLES = ["anonymous", "applicant", "staff_a", "staff_b", "integrator", "admin"]
# Long enough for `make fuzz`; the step-up check looks at auth_time, refreshed per run.
LIFETIME = 3 * 3600
ALL_SCOPES = [
    "catalog:read", "catalog:write", "catalog:publish", "catalog:manage",
    "documents:read", "documents:write", "documents:publish", "documents:manage",
    "requests:read", "requests:write", "requests:publish", "requests:manage",
    "opendata:read", "pii:reveal",
]  # fmt: skip
STAFF_ROLES = [
    Role.EDITOR, Role.PUBLISHER, Role.REQUEST_OFFICER, Role.AGENCY_ADMIN,
]  # fmt: skip


@dataclass
class Marker:
    """A string that only ``allowed`` roles may ever receive while the record is not public."""

    text: str
    allowed: list[str]
    public_url: str | None = None  # where an anonymous caller would see it once it is public


@dataclass
class World:
    agency_a: str
    agency_b: str
    markers: list[Marker] = field(default_factory=list)

    def headers(self, tokens: TokenMinter, role: str) -> dict[str, str]:
        """The Authorization header of ``role`` (none for anonymous)."""
        fresh = {"acr": "mfa", "auth_time": int(time.time()), "lifetime": LIFETIME}
        if role == "anonymous":
            return {}
        if role == "applicant":
            return tokens.headers(
                subject="fuzz-applicant-1",
                roles=[Role.APPLICANT],
                scopes=["requests:read", "requests:write"],
                lifetime=LIFETIME,
            )
        if role in {"staff_a", "staff_b"}:
            agency = self.agency_a if role == "staff_a" else self.agency_b
            return tokens.headers(
                subject=f"fuzz-{role}",
                roles=STAFF_ROLES,
                scopes=ALL_SCOPES,
                agencies=[agency],
                **fresh,
            )
        if role == "integrator":
            return tokens.headers(
                subject="fuzz-integrator",
                roles=[Role.INTEGRATOR],
                scopes=["opendata:read", "catalog:read", "documents:read"],
                lifetime=LIFETIME,
            )
        assert role == "admin", role
        return tokens.headers(
            subject="fuzz-admin", roles=[Role.PLATFORM_ADMIN], scopes=ALL_SCOPES, **fresh
        )

    def forbidden(self, role: str) -> list[dict[str, Any]]:
        return [
            {"text": m.text, "public_url": m.public_url}
            for m in self.markers
            if role not in m.allowed
        ]


def _marker(kind: str) -> str:
    return f"FUZZ{kind}{uuid.uuid4().hex[:12].upper()}"


async def _ok(response: httpx.Response, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, (response.request.url, response.text)
    return dict(response.json())


async def build(http: httpx.AsyncClient, tokens: TokenMinter) -> World:
    """Agencies A and B, each with a published and a draft document and requests."""
    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=ALL_SCOPES)
    divisions = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
    imported = await http.post("/api/v1/catalog/divisions/import", json=divisions, headers=admin)
    await _ok(imported, 200)
    a = await _ok(await http.post("/api/v1/catalog/agencies", json=agency_body(), headers=admin))
    b = await _ok(
        await http.post(
            "/api/v1/catalog/agencies",
            json=agency_body("甘州区人民政府办公室", division_code="620702"),
            headers=admin,
        )
    )
    world = World(agency_a=a["id"], agency_b=b["id"])
    for role, agency in (("staff_a", a["id"]), ("staff_b", b["id"])):
        staff = world.headers(tokens, role)
        published = await _ok(
            await http.post(
                "/api/v1/documents",
                json=document_body(agency, doc_number=None, title=f"公开文件{role}"),
                headers=staff,
            )
        )
        await _ok(
            await http.post(f"/api/v1/documents/{published['id']}/publish", json={}, headers=staff),
            200,
        )
        secret = _marker("DRAFT")
        draft = await _ok(
            await http.post(
                "/api/v1/documents",
                json=document_body(agency, doc_number=None, title=f"草稿{secret}"),
                headers=staff,
            )
        )
        world.markers.append(
            Marker(secret, [role, "admin"], public_url=f"/api/v1/documents/{draft['id']}")
        )
    # Two applicants: the fuzzer's applicant (subject fuzz-applicant-1) writes to A, someone
    # else to B; a request is never public, and an applicant's token opens none of them.
    other = tokens.headers(
        subject="fuzz-applicant-2",
        roles=[Role.APPLICANT],
        scopes=["requests:read", "requests:write"],
    )
    applicants = [
        ("staff_a", a["id"], world.headers(tokens, "applicant"), "19800101"),
        ("staff_b", b["id"], other, "19850505"),
    ]
    for role, agency, headers, birth in applicants:
        secret = _marker("REQUEST")
        body = request_body(
            agency,
            title=f"申请{secret}",
            applicant=person(id_number=id_card(birth), name="李申请"),
        )
        await _ok(await http.post("/api/v1/requests", json=body, headers=headers))
        world.markers.append(Marker(secret, [role, "admin"]))
    return world
