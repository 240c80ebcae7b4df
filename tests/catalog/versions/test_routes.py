"""Versions (动态调整) and public browsing: every version readable, differences, filters."""

import httpx

from services.catalog.domains.seed import domain_id
from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    catalog_publisher,
    item_body,
    register_agency,
)
from tests.support.tokens import TokenMinter


async def test_publishing_needs_a_fresh_mfa_publisher_of_the_agency(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    other = await register_agency(catalog, tokens, "西街街道办事处")
    url = f"{CATALOG}/agencies/{agency}/versions"
    empty = await catalog.post(url, json={}, headers=catalog_publisher(tokens, agency))
    assert empty.status_code == 422
    assert "为空" in empty.json()["detail"]
    await catalog.post(
        f"{CATALOG}/agencies/{agency}/items",
        json=item_body(),
        headers=catalog_editor(tokens, agency),
    )
    assert (await catalog.post(url, json={})).status_code == 401
    no_mfa = await catalog.post(url, json={}, headers=catalog_publisher(tokens, agency, mfa=False))
    assert no_mfa.status_code == 401
    assert "insufficient_user_authentication" in no_mfa.headers["www-authenticate"]
    editor = await catalog.post(url, json={}, headers=catalog_editor(tokens, agency))
    assert editor.status_code == 403
    stranger = await catalog.post(url, json={}, headers=catalog_publisher(tokens, other))
    assert stranger.status_code == 403
    assert (await catalog.get(f"{CATALOG}/agencies/{agency}/versions")).json()["items"] == []
    stray = await catalog.post(url, json={"number": 7}, headers=catalog_publisher(tokens, agency))
    assert stray.status_code == 422


async def test_versions_stay_readable_and_differ_item_by_item(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    editor = catalog_editor(tokens, agency)
    publisher = catalog_publisher(tokens, agency)
    items_url = f"{CATALOG}/agencies/{agency}/items"
    kept = (await catalog.post(items_url, json=item_body(), headers=editor)).json()
    dropped = (await catalog.post(items_url, json=item_body("征地补偿标准"), headers=editor)).json()
    first = await catalog.post(
        f"{CATALOG}/agencies/{agency}/versions", json={"note": "首次发布"}, headers=publisher
    )
    assert first.status_code == 201, first.text
    assert (first.json()["number"], first.json()["item_count"]) == (1, 2)
    again = await catalog.post(f"{CATALOG}/agencies/{agency}/versions", json={}, headers=publisher)
    assert again.status_code == 409

    # Draft edits stay invisible to the public until published.
    patched = await catalog.patch(
        f"{CATALOG}/items/{kept['id']}",
        json={"deadline": {"text": "信息形成（或变更）之日起10个工作日内"}},
        headers=editor,
    )
    assert patched.status_code == 200
    assert (
        await catalog.delete(f"{CATALOG}/items/{dropped['id']}", headers=editor)
    ).status_code == 204
    added = (
        await catalog.post(items_url, json=item_body("征地听证", mode="on_request"), headers=editor)
    ).json()
    public = (await catalog.get(f"{CATALOG}/items/{kept['id']}")).json()
    assert public["deadline"]["text"] == "信息形成20个工作日内"
    assert (await catalog.get(f"{CATALOG}/items/{added['id']}")).status_code == 404

    pending = await catalog.get(f"{CATALOG}/agencies/{agency}/draft/changes", headers=editor)
    assert pending.status_code == 200
    assert (await catalog.get(f"{CATALOG}/agencies/{agency}/draft/changes")).status_code == 401
    assert {k: pending.json()[k] for k in ("from_version", "to_version", "added", "removed",
                                           "changed")} == {
        "from_version": 1, "to_version": None, "added": 1, "removed": 1, "changed": 1,
    }  # fmt: skip

    second = await catalog.post(f"{CATALOG}/agencies/{agency}/versions", json={}, headers=publisher)
    assert second.status_code == 201
    assert second.json()["number"] == 2

    versions = (await catalog.get(f"{CATALOG}/agencies/{agency}/versions")).json()["items"]
    assert [(v["number"], v["current"]) for v in versions] == [(2, True), (1, False)]
    old = await catalog.get(f"{CATALOG}/agencies/{agency}/versions/1/items")
    assert [i["level1"] for i in old.json()["items"]] == ["征收土地信息", "征地补偿标准"]
    assert old.json()["items"][0]["deadline"]["text"] == "信息形成20个工作日内"
    assert {i["version"] for i in old.json()["items"]} == {1}
    now = (await catalog.get(f"{CATALOG}/items/{kept['id']}")).json()
    assert now["version"] == 2
    assert now["deadline"]["rule"] == {"trigger": "formed_or_changed", "number": 10,
                                       "unit": "working_day"}  # fmt: skip
    assert (await catalog.get(f"{CATALOG}/items/{dropped['id']}")).status_code == 404

    diff = await catalog.get(f"{CATALOG}/agencies/{agency}/diff", params={"from": 1, "to": 2})
    assert diff.status_code == 200, diff.text
    body = diff.json()
    assert (body["added"], body["removed"], body["changed"], body["unchanged"]) == (1, 1, 1, 0)
    by_kind = {c["kind"]: c for c in body["changes"]}
    assert by_kind["added"]["id"] == added["id"]
    assert by_kind["removed"]["title_path"] == ["征地补偿标准", "征收土地信息"]
    assert set(by_kind["changed"]["fields"]) == {"deadline"}
    assert by_kind["changed"]["fields"]["deadline"]["before"]["rule"]["number"] == 20
    back = (await catalog.get(f"{CATALOG}/agencies/{agency}/diff",
                              params={"from": 2, "to": 1})).json()  # fmt: skip
    assert (back["added"], back["removed"]) == (1, 1)
    missing = await catalog.get(f"{CATALOG}/agencies/{agency}/diff", params={"from": 1, "to": 9})
    assert missing.status_code == 404
    assert (await catalog.get(f"{CATALOG}/agencies/{agency}/versions/3")).status_code == 404


async def test_public_browsing_filters_on_mode_and_level(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    county = await register_agency(catalog, tokens, "甘州区自然资源局", division_code="620702")
    for owner, bodies in (
        (agency, [item_body(), item_body("征地听证", mode="on_request", levels=["county"])]),
        (county, [item_body("社会救助", domain_id=str(domain_id("social-assistance")),
                            levels=["county"])]),
    ):  # fmt: skip
        for body in bodies:
            created = await catalog.post(
                f"{CATALOG}/agencies/{owner}/items",
                json=body,
                headers=catalog_editor(tokens, owner),
            )
            assert created.status_code == 201, created.text
        await catalog.post(
            f"{CATALOG}/agencies/{owner}/versions",
            json={},
            headers=catalog_publisher(tokens, owner),
        )
    # A draft that is never published must not show up anywhere public.
    await catalog.post(
        f"{CATALOG}/agencies/{agency}/items", json=item_body("未发布事项"),
        headers=catalog_editor(tokens, agency),
    )  # fmt: skip

    async def titles(**params: str) -> list[str]:
        response = await catalog.get(f"{CATALOG}/items", params=params)
        assert response.status_code == 200, response.text
        return sorted(i["level1"] for i in response.json()["items"])

    assert await titles() == ["征地听证", "征收土地信息", "社会救助"]
    assert await titles(mode="on_request") == ["征地听证"]
    assert await titles(level="county") == ["征地听证", "社会救助"]
    assert await titles(level="township", mode="proactive") == ["征收土地信息"]
    assert await titles(within="620702001") == ["征地听证", "征收土地信息"]
    assert await titles(agency=county) == ["社会救助"]
    assert await titles(domain=str(domain_id("social-assistance"))) == ["社会救助"]
    assert await titles(within="620000", level="city") == []

    page = await catalog.get(f"{CATALOG}/items", params={"limit": 2})
    assert len(page.json()["items"]) == 2
    rest = await catalog.get(page.json()["next"])
    assert len(rest.json()["items"]) == 1

    domains = (await catalog.get(f"{CATALOG}/agencies/{agency}/domains")).json()
    assert [(d["domain_name"], d["item_count"]) for d in domains["items"]] == [("征地补偿", 2)]
    proactive = await catalog.get(
        f"{CATALOG}/agencies/{agency}/domains", params={"mode": "on_request"}
    )
    assert proactive.json()["items"][0]["item_count"] == 1
    # Following links: division → agency → domain → item.
    division = (await catalog.get(f"{CATALOG}/divisions/620702001")).json()
    listed = (await catalog.get(division["links"]["agencies"])).json()["items"]
    assert [a["id"] for a in listed] == [agency]
    domain_list = (await catalog.get(listed[0]["links"]["domains"])).json()["items"]
    followed = await catalog.get(domain_list[0]["links"]["items"] + "&mode=proactive")
    assert [i["level1"] for i in followed.json()["items"]] == ["征收土地信息"]
    county_items = (await catalog.get(f"{CATALOG}/divisions/620702")).json()["links"]["items"]
    assert len((await catalog.get(county_items)).json()["items"]) == 3
    assert (await catalog.get(f"{CATALOG}/items", params={"level": "x"})).status_code == 422
    assert (await catalog.get(f"{CATALOG}/items", params={"within": "999999"})).status_code == 404
