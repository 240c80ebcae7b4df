"""Catalog items over HTTP: every column, drafts for the agency's own staff only."""

import uuid

import httpx

from services.catalog.domains.seed import domain_id
from services.common.auth import Role
from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    catalog_publisher,
    item_body,
    platform_admin,
    register_agency,
)
from tests.support.tokens import TokenMinter


async def test_an_item_holds_every_column(catalog: httpx.AsyncClient, tokens: TokenMinter) -> None:
    agency = await register_agency(catalog, tokens)
    body = item_body(
        level3="征地补偿安置方案",
        channels=["service_centre", "website", "new_media", "website"],
        levels=["township", "county"],
        elements=[
            {"name": "征地告知书", "required": True},
            {"name": "听证材料", "required": False},
        ],
        audience="specific_group",
        audience_note="被征地农村集体经济组织及其成员",
        phone="0936-8210000",
    )
    created = await catalog.post(
        f"{CATALOG}/agencies/{agency}/items", json=body, headers=catalog_editor(tokens, agency)
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "draft"
    assert item["version"] is None
    assert item["domain_name"] == "征地补偿"
    assert [item["level1"], item["level2"], item["level3"]] == [
        "征收土地信息", "征收土地信息", "征地补偿安置方案",
    ]  # fmt: skip
    assert item["elements"] == body["elements"]
    assert item["deadline"] == {
        "text": "信息形成20个工作日内",
        "rule": {"trigger": "formed_or_changed", "number": 20, "unit": "working_day"},
    }
    assert item["channels"] == ["website", "new_media", "service_centre"]
    assert item["levels"] == ["county", "township"]
    assert (item["audience"], item["audience_note"]) == (
        "specific_group",
        "被征地农村集体经济组织及其成员",
    )
    assert (item["mode"], item["phone"], item["subject"]) == (
        "proactive",
        "0936-8210000",
        "乡镇政府/街道",
    )
    assert item["links"]["documents"] == f"/api/v1/documents?catalog_item={item['id']}"

    ruled = item_body(
        "行政处罚信息",
        deadline={
            "text": "作出决定之日起7个工作日内",
            "rule": {"trigger": "decided", "number": 7, "unit": "working_day"},
        },
    )
    second = await catalog.post(
        f"{CATALOG}/agencies/{agency}/items", json=ruled, headers=catalog_editor(tokens, agency)
    )
    assert second.status_code == 201, second.text
    assert second.json()["deadline"]["rule"]["trigger"] == "decided"


async def test_bad_items_are_refused_with_reasons(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    url = f"{CATALOG}/agencies/{agency}/items"
    headers = catalog_editor(tokens, agency)
    cases = [
        (item_body(level2=None, level3="x"), "二级事项"),
        (item_body(channels=["fax"]), "channels"),
        (item_body(levels=[]), "levels"),
        (item_body(elements=[]), "elements"),
        (item_body(deadline={"text": "x", "rule": {"trigger": "decided", "number": 7}}), "同时"),
        (
            item_body(
                deadline={
                    "text": "及时",
                    "rule": {"trigger": "promptly", "number": 1, "unit": "day"},
                }
            ),
            "不带天数",
        ),
        (item_body(domain_id=str(uuid.uuid4())), "领域"),
        (item_body(agency_id=agency), "agency_id"),
        (item_body(status="published"), "status"),
    ]
    for body, reason in cases:
        response = await catalog.post(url, json=body, headers=headers)
        assert response.status_code == 422, (reason, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert reason in response.text, response.text

    assert (await catalog.post(url, json=item_body(), headers=headers)).status_code == 201
    duplicate = await catalog.post(url, json=item_body(), headers=headers)
    assert duplicate.status_code == 409
    assert "同名事项" in duplicate.json()["detail"]

    housing = str(domain_id("housing-expropriation-compensation"))
    merged = await catalog.post(
        f"{CATALOG}/domains/{housing}/merge",
        json={"into": str(domain_id("land-expropriation-compensation"))},
        headers=platform_admin(tokens),
    )
    assert merged.status_code == 200
    into_merged = await catalog.post(url, json=item_body(domain_id=housing), headers=headers)
    assert into_merged.status_code == 422
    assert "已并入「征地补偿」" in into_merged.json()["detail"]


async def test_drafts_are_for_the_agencys_own_staff(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    other = await register_agency(catalog, tokens, "西街街道办事处")
    own = catalog_editor(tokens, agency)
    stranger = catalog_editor(tokens, other)
    url = f"{CATALOG}/agencies/{agency}/items"

    assert (await catalog.post(url, json=item_body())).status_code == 401
    assert (await catalog.post(url, json=item_body(), headers=stranger)).status_code == 403
    applicant = tokens.headers(roles=[Role.APPLICANT], scopes=["catalog:write"], agencies=[agency])
    assert (await catalog.post(url, json=item_body(), headers=applicant)).status_code == 403
    read_only = tokens.headers(roles=[Role.EDITOR], scopes=["catalog:read"], agencies=[agency])
    assert (await catalog.post(url, json=item_body(), headers=read_only)).status_code == 403

    item = (await catalog.post(url, json=item_body(), headers=own)).json()
    item_url = f"{CATALOG}/items/{item['id']}"
    # The public, and other agencies' staff, cannot tell a draft from an unknown id.
    for headers in ({}, stranger):
        for view in ("published", "draft"):
            hidden = await catalog.get(item_url, params={"view": view}, headers=headers)
            assert hidden.status_code == 404
            assert "征收土地信息" not in hidden.text
    assert (await catalog.get(item_url, params={"view": "draft"}, headers=own)).status_code == 200
    assert (await catalog.get(item_url, headers=own)).status_code == 404  # not published yet

    drafts = f"{CATALOG}/agencies/{agency}/draft/items"
    assert (await catalog.get(drafts)).status_code == 401
    assert (await catalog.get(drafts, headers=stranger)).status_code == 403
    listed = await catalog.get(drafts, headers=own)
    assert [i["id"] for i in listed.json()["items"]] == [item["id"]]
    assert (await catalog.get(f"{CATALOG}/items")).json()["items"] == []

    # Someone else's draft can be neither changed nor deleted, nor seen through lookup.
    assert (await catalog.patch(item_url, json={"phone": "1"}, headers=stranger)).status_code == 404
    assert (await catalog.delete(item_url, headers=stranger)).status_code == 404
    lookup = await catalog.post(f"{CATALOG}/items/lookup", json={"ids": [item["id"]]})
    assert lookup.json() == {"items": [], "missing": [item["id"]]}
    mine = await catalog.post(f"{CATALOG}/items/lookup", json={"ids": [item["id"]]}, headers=own)
    assert mine.json()["items"][0]["published"] is False

    changed = await catalog.patch(
        item_url, json={"phone": "0936-1234567", "levels": ["county"]}, headers=own
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["phone"], changed.json()["levels"]) == ("0936-1234567", ["county"])
    emptied = await catalog.patch(item_url, json={"elements": []}, headers=own)
    assert emptied.status_code == 422
    assert (
        await catalog.patch(item_url, json={"agency_id": other}, headers=own)
    ).status_code == 422
    assert (await catalog.delete(item_url, headers=own)).status_code == 204
    assert (await catalog.get(item_url, params={"view": "draft"}, headers=own)).status_code == 404


async def test_lookup_reports_published_items_and_missing_ids(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    item = (
        await catalog.post(
            f"{CATALOG}/agencies/{agency}/items",
            json=item_body(),
            headers=catalog_editor(tokens, agency),
        )
    ).json()
    published = await catalog.post(
        f"{CATALOG}/agencies/{agency}/versions", json={}, headers=catalog_publisher(tokens, agency)
    )
    assert published.status_code == 201, published.text
    unknown = str(uuid.uuid4())
    found = await catalog.post(f"{CATALOG}/items/lookup", json={"ids": [item["id"], unknown]})
    assert found.status_code == 200
    assert found.json() == {
        "items": [
            {
                "id": item["id"],
                "agency_id": agency,
                "title_path": ["征收土地信息", "征收土地信息"],
                "title": "征收土地信息 / 征收土地信息",
                "domain_id": str(domain_id("land-expropriation-compensation")),
                "domain_name": "征地补偿",
                "published": True,
            }
        ],
        "missing": [unknown],
    }
    assert (await catalog.post(f"{CATALOG}/items/lookup", json={"ids": []})).status_code == 422
    bad = await catalog.post(f"{CATALOG}/items/lookup", json={"ids": ["x"]})
    assert bad.status_code == 422
    public = await catalog.get(f"{CATALOG}/items/{item['id']}")
    assert (public.json()["status"], public.json()["version"]) == ("published", 1)
