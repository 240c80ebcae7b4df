"""The 26 pilot domains as data: seeded, renamed, merged, and extended by a locality."""

import httpx

from services.catalog.domains.seed import PILOT_DOMAINS, domain_id
from services.common.auth import Role
from tests.support.catalog import (
    EXAMPLE_ROW,
    agency_body,
    catalog_editor,
    catalog_publisher,
    catalog_workbook,
    item_body,
    register_agency,
)
from tests.support.tokens import TokenMinter

BASE = "/api/v1/catalog"


def admin(tokens: TokenMinter) -> dict[str, str]:
    return tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])


async def load_divisions(catalog: httpx.AsyncClient, tokens: TokenMinter) -> None:
    body = {
        "divisions": [
            {"code": "620000", "name": "甘肃省"},
            {"code": "620700", "name": "张掖市"},
            {"code": "620702", "name": "甘州区"},
            {"code": "140000", "name": "山西省"},
            {"code": "141100", "name": "吕梁市"},
        ]
    }
    response = await catalog.post(f"{BASE}/divisions/import", json=body, headers=admin(tokens))
    assert response.status_code == 200, response.text


async def test_the_26_pilot_domains_are_seeded(catalog: httpx.AsyncClient) -> None:
    listed = (await catalog.get(f"{BASE}/domains")).json()["items"]
    assert [d["name"] for d in listed] == [name for _, name, _ in PILOT_DOMAINS]
    assert len(listed) == 26
    assert {d["name"] for d in listed if d["unverified"]} == {"税收管理", "城市综合执法"}
    assert all(d["national"] and d["division_code"] is None for d in listed)
    land = await catalog.get(f"{BASE}/domains/{domain_id('land-expropriation-compensation')}")
    assert land.json()["name"] == "征地补偿"


async def test_rename_keeps_the_former_name(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    url = f"{BASE}/domains/{domain_id('poverty-alleviation')}"
    body = {"name": "乡村振兴"}
    assert (await catalog.patch(url, json=body)).status_code == 401
    staff = tokens.headers(roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"])
    denied = await catalog.patch(url, json=body, headers=staff)
    assert denied.status_code == 403
    assert "平台管理员" in denied.json()["detail"]
    renamed = await catalog.patch(url, json=body, headers=admin(tokens))
    assert renamed.status_code == 200, renamed.text
    assert (renamed.json()["name"], renamed.json()["former_names"]) == ("乡村振兴", ["扶贫"])
    taken = await catalog.patch(url.replace(
        str(domain_id("poverty-alleviation")), str(domain_id("disaster-relief"))
    ), json={"name": "乡村振兴"}, headers=admin(tokens))  # fmt: skip
    assert taken.status_code == 409
    blank = await catalog.patch(url, json={"name": "  "}, headers=admin(tokens))
    assert blank.status_code == 422


async def test_merge_and_locality_extensions(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    await load_divisions(catalog, tokens)
    agency = await catalog.post(f"{BASE}/agencies", json=agency_body(), headers=admin(tokens))
    own_admin = tokens.headers(
        roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"], agencies=[agency.json()["id"]]
    )
    # An agency admin of 张掖市 may add a domain for 张掖市, not for 吕梁市.
    elsewhere = await catalog.post(
        f"{BASE}/domains", json={"name": "自然资源", "division_code": "141100"}, headers=own_admin
    )
    assert elsewhere.status_code == 403
    created = await catalog.post(
        f"{BASE}/domains", json={"name": "自然资源", "division_code": "620700"}, headers=own_admin
    )
    assert created.status_code == 201, created.text
    local = created.json()
    assert (local["national"], local["division_code"]) == (False, "620700")

    in_zhangye = (await catalog.get(f"{BASE}/domains", params={"division": "620702"})).json()
    assert "自然资源" in [d["name"] for d in in_zhangye["items"]]
    in_lvliang = (await catalog.get(f"{BASE}/domains", params={"division": "141100"})).json()
    assert "自然资源" not in [d["name"] for d in in_lvliang["items"]]

    # A national domain may not be folded into a local one, nor merged by an agency admin.
    land = str(domain_id("land-expropriation-compensation"))
    into_local = await catalog.post(
        f"{BASE}/domains/{land}/merge", json={"into": local["id"]}, headers=admin(tokens)
    )
    assert into_local.status_code == 422
    housing = str(domain_id("housing-expropriation-compensation"))
    by_staff = await catalog.post(
        f"{BASE}/domains/{housing}/merge", json={"into": land}, headers=own_admin
    )
    assert by_staff.status_code == 403
    merged = await catalog.post(
        f"{BASE}/domains/{housing}/merge", json={"into": land}, headers=admin(tokens)
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["merged_into_id"] == land
    names = [d["name"] for d in (await catalog.get(f"{BASE}/domains")).json()["items"]]
    assert "国有土地上房屋征收与补偿" not in names
    assert len(names) == 25 + 1
    everything = await catalog.get(f"{BASE}/domains", params={"include_merged": "true"})
    assert len(everything.json()["items"]) == 27
    again = await catalog.post(
        f"{BASE}/domains/{housing}/merge", json={"into": land}, headers=admin(tokens)
    )
    assert again.status_code == 409
    self_merge = await catalog.post(
        f"{BASE}/domains/{land}/merge", json={"into": land}, headers=admin(tokens)
    )
    assert self_merge.status_code == 422
    # The local domain merges into a national one by its own locality's admin.
    folded = await catalog.post(
        f"{BASE}/domains/{local['id']}/merge", json={"into": land}, headers=own_admin
    )
    assert folded.status_code == 200, folded.text
    assert (await catalog.get(f"{BASE}/domains/not-an-id")).status_code == 422


async def test_items_follow_merges_and_renames(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    editor = catalog_editor(tokens, agency)
    housing = str(domain_id("housing-expropriation-compensation"))
    land = str(domain_id("land-expropriation-compensation"))
    item = await catalog.post(
        f"{BASE}/agencies/{agency}/items",
        json=item_body("房屋征收决定", domain_id=housing),
        headers=editor,
    )
    assert item.status_code == 201, item.text
    published = await catalog.post(
        f"{BASE}/agencies/{agency}/versions", json={}, headers=catalog_publisher(tokens, agency)
    )
    assert published.status_code == 201
    merged = await catalog.post(
        f"{BASE}/domains/{housing}/merge", json={"into": land}, headers=admin(tokens)
    )
    assert merged.status_code == 200

    # The draft moves to the surviving domain; the published version keeps its history,
    # and browsing the surviving domain still finds it.
    draft = await catalog.get(
        f"{BASE}/items/{item.json()['id']}", params={"view": "draft"}, headers=editor
    )
    assert draft.json()["domain_name"] == "征地补偿"
    public = (await catalog.get(f"{BASE}/items/{item.json()['id']}")).json()
    assert public["domain_name"] == "国有土地上房屋征收与补偿"
    browsed = (await catalog.get(f"{BASE}/items", params={"domain": land})).json()["items"]
    assert [i["level1"] for i in browsed] == ["房屋征收决定"]

    # A sheet named after a domain's former name still imports into it.
    poverty = str(domain_id("poverty-alleviation"))
    await catalog.patch(
        f"{BASE}/domains/{poverty}", json={"name": "乡村振兴"}, headers=admin(tokens)
    )
    workbook = catalog_workbook({"扶贫": [{**EXAMPLE_ROW, "level1": "扶贫项目"}]})
    imported = await catalog.post(
        f"{BASE}/agencies/{agency}/catalog.xlsx",
        files={"file": ("x.xlsx", workbook, "application/octet-stream")},
        headers=editor,
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["sheets"] == ["乡村振兴"]
