"""The agency contract other services rely on, and who may write, over HTTP."""

import uuid

import httpx

from services.common.auth import Role
from tests.support.catalog import ZHANGYE_DIVISIONS, agency_body, credit_code
from tests.support.tokens import TokenMinter

BASE = "/api/v1/catalog"
PROBLEM = "application/problem+json"


def admin(tokens: TokenMinter) -> dict[str, str]:
    return tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])


async def load_divisions(catalog: httpx.AsyncClient, tokens: TokenMinter) -> None:
    body = {"divisions": [d.model_dump(mode="json") for d in ZHANGYE_DIVISIONS]}
    response = await catalog.post(f"{BASE}/divisions/import", json=body, headers=admin(tokens))
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 4, "updated": 0}


async def test_agency_contract(catalog: httpx.AsyncClient, tokens: TokenMinter) -> None:
    await load_divisions(catalog, tokens)
    body = agency_body(
        short_name="市政府办",
        aliases=["市府办"],
        contact={"address": "张掖市甘州区县府街 1 号", "phone": "0936-8212345"},
        index_number_pattern="ZYSZFB-{year}-{seq:05d}",
    )
    created = await catalog.post(f"{BASE}/agencies", json=body, headers=admin(tokens))
    assert created.status_code == 201, created.text
    agency = created.json()
    assert set(agency) >= {
        "id", "name", "short_name", "aliases", "credit_code", "division_code", "kind",
        "parent_id", "contact", "index_number_pattern", "publication_deadline_days",
    }  # fmt: skip
    assert agency["contact"] == {
        "address": "张掖市甘州区县府街 1 号",
        "phone": "0936-8212345",
        "hours": None,
        "email": None,
    }
    assert agency["publication_deadline_days"] == 20

    by_id = await catalog.get(f"{BASE}/agencies/{agency['id']}")
    by_code = await catalog.get(f"{BASE}/agencies/by-code/{body['credit_code']}")
    assert by_id.json() == by_code.json() == agency

    found = await catalog.get(f"{BASE}/agencies", params={"q": "市人民政府办公室"})
    assert [a["id"] for a in found.json()["items"]] == [agency["id"]]
    found = await catalog.get(f"{BASE}/agencies", params={"q": "市府办", "within": "620000"})
    assert [a["id"] for a in found.json()["items"]] == [agency["id"]]
    found = await catalog.get(f"{BASE}/agencies", params={"q": "市府办", "division": "620702"})
    assert found.json()["items"] == []

    division = await catalog.get(f"{BASE}/divisions/620702001")
    assert division.json() == {
        "code": "620702001",
        "name": "东街街道",
        "level": "township",
        "level_label": "乡级",
        "parent_code": "620702",
        "publication_deadline_days": None,
        "links": {
            "children": "/api/v1/catalog/divisions?parent=620702001",
            "agencies": "/api/v1/catalog/agencies?division=620702001",
            "items": "/api/v1/catalog/items?within=620702001",
        },
    }


async def test_unknown_and_malformed_lookups_are_problems(catalog: httpx.AsyncClient) -> None:
    unknown = await catalog.get(f"{BASE}/agencies/by-code/{credit_code('无此机关')}")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == PROBLEM
    assert "未找到统一社会信用代码" in unknown.json()["detail"]
    good = credit_code("无此机关")
    bad = await catalog.get(f"{BASE}/agencies/by-code/{good[:17]}{'0' if good[17] != '0' else '1'}")
    assert bad.status_code == 422
    assert bad.json()["detail"] == "统一社会信用代码校验位不正确，请核对后重新输入。"
    missing = await catalog.get(f"{BASE}/agencies/{uuid.uuid4()}")
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    assert (await catalog.get(f"{BASE}/agencies/not-a-uuid")).status_code == 422
    assert (await catalog.get(f"{BASE}/divisions/999999")).status_code == 404
    assert (await catalog.get(f"{BASE}/agencies", params={"cursor": "zzz"})).status_code == 400


async def test_writes_need_the_right_caller(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    await load_divisions(catalog, tokens)
    body = agency_body()
    assert (await catalog.post(f"{BASE}/agencies", json=body)).status_code == 401
    editor = tokens.headers(roles=[Role.EDITOR], scopes=["catalog:manage"])
    assert (await catalog.post(f"{BASE}/agencies", json=body, headers=editor)).status_code == 403
    no_scope = tokens.headers(roles=[Role.PLATFORM_ADMIN])
    assert (await catalog.post(f"{BASE}/agencies", json=body, headers=no_scope)).status_code == 403
    stray = {**body, "id": str(uuid.uuid4())}
    rejected = await catalog.post(f"{BASE}/agencies", json=stray, headers=admin(tokens))
    assert rejected.status_code == 422
    assert rejected.json()["errors"][0]["field"].endswith("id")

    agency = (await catalog.post(f"{BASE}/agencies", json=body, headers=admin(tokens))).json()
    again = await catalog.post(f"{BASE}/agencies", json=body, headers=admin(tokens))
    assert again.status_code == 409

    own = tokens.headers(
        roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"], agencies=[agency["id"]]
    )
    other = tokens.headers(
        roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"], agencies=[str(uuid.uuid4())]
    )
    patch = {"contact": {"email": "gkb@zhangye.gov.cn"}, "publication_deadline_days": 10}
    url = f"{BASE}/agencies/{agency['id']}"
    assert (await catalog.patch(url, json=patch, headers=other)).status_code == 403
    changed = await catalog.patch(url, json=patch, headers=own)
    assert changed.status_code == 200, changed.text
    assert changed.json()["contact"]["email"] == "gkb@zhangye.gov.cn"
    assert (await catalog.get(url)).json()["publication_deadline_days"] == 10
    bad_email = await catalog.patch(url, json={"contact": {"email": "nope"}}, headers=own)
    assert bad_email.status_code == 422


async def test_divisions_are_written_by_platform_admins(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    body = {"code": "370304", "name": "博山区"}
    staff = tokens.headers(roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"])
    assert (await catalog.post(f"{BASE}/divisions", json=body, headers=staff)).status_code == 403
    created = await catalog.post(f"{BASE}/divisions", json=body, headers=admin(tokens))
    assert created.status_code == 201
    assert created.json()["level"] == "county"
    wrong = await catalog.post(
        f"{BASE}/divisions", json={"code": "37030", "name": "x"}, headers=admin(tokens)
    )
    assert wrong.status_code == 422
    assert "6 位、9 位或 12 位" in wrong.json()["detail"]
    listed = await catalog.get(f"{BASE}/divisions", params={"level": "county"})
    assert [d["code"] for d in listed.json()["items"]] == ["370304"]


async def test_the_disclosure_column_is_reachable_from_the_agency(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    await load_divisions(catalog, tokens)
    agency = (
        await catalog.post(f"{BASE}/agencies", json=agency_body(), headers=admin(tokens))
    ).json()
    patch = {
        "guide": "一、主动公开……二、依申请公开：申请人可通过当面、邮寄、网络提出申请。",
        "regulations": [{"title": "张掖市人民政府办公室政府信息主动公开制度", "url": None}],
        "contact": {"address": "张掖市甘州区县府街 1 号", "hours": "工作日 9:00-17:00"},
    }
    patched = await catalog.patch(
        f"{BASE}/agencies/{agency['id']}", json=patch, headers=admin(tokens)
    )
    assert patched.status_code == 200, patched.text
    links = patched.json()["links"]
    assert set(links) == {
        "self", "guide", "regulations", "statutory_content", "annual_reports", "on_request",
        "catalog", "domains", "versions",
    }  # fmt: skip
    assert links["statutory_content"] == f"/api/v1/documents?agency_id={agency['id']}"
    guide = (await catalog.get(links["guide"])).json()
    assert guide["guide"].startswith("一、主动公开")
    assert guide["contact"]["hours"] == "工作日 9:00-17:00"
    assert guide["regulations"] == patch["regulations"]
    regulations = (await catalog.get(links["regulations"])).json()
    assert regulations["items"] == patch["regulations"]
    for name in ("self", "catalog", "domains", "versions"):
        assert (await catalog.get(links[name])).status_code == 200, name
    missing = await catalog.get(f"{BASE}/agencies/{uuid.uuid4()}/guide")
    assert missing.status_code == 404
