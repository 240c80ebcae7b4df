"""The public lists of agencies and catalog items share the list rules: an opaque cursor,
updated_since, a 4xx naming any limit, fields= and ETag / If-None-Match."""

import datetime as dt

import httpx

from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    catalog_publisher,
    item_body,
    register_agency,
)
from tests.support.documents import PROBLEM
from tests.support.tokens import TokenMinter


async def _walk(catalog: httpx.AsyncClient, url: str) -> list[str]:
    walked: list[str] = []
    page = (await catalog.get(url, params={"limit": 1})).json()
    while True:
        walked += [item["id"] for item in page["items"]]
        if page["next"] is None:
            return walked
        page = (await catalog.get(page["next"])).json()


async def _ids(catalog: httpx.AsyncClient, url: str, **params: str) -> list[str]:
    response = await catalog.get(url, params={"limit": "100", **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


async def _common_rules(catalog: httpx.AsyncClient, url: str, field: str) -> str:
    """The rules every list shares; returns the list's ETag."""
    assert await _walk(catalog, url) == await _ids(catalog, url)
    too_many = await catalog.get(url, params={"limit": 500})
    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == PROBLEM
    assert "查询参数.limit：应不大于 100" in too_many.json()["detail"]
    narrow = (await catalog.get(url, params={"fields": field})).json()
    assert narrow["items"]
    assert all(set(item) == {"id", field} for item in narrow["items"])
    unknown = await catalog.get(url, params={"fields": "nonsense"})
    assert unknown.status_code == 422
    assert field in unknown.json()["allowed_fields"]
    assert unknown.json()["errors"][0]["field"] == "查询参数.fields"
    naive = await catalog.get(url, params={"updated_since": "2024-01-01T00:00:00"})
    assert naive.status_code == 422
    tag = (await catalog.get(url)).headers["etag"]
    assert (await catalog.get(url, headers={"If-None-Match": tag})).status_code == 304
    return tag


async def test_agency_list_conventions(catalog: httpx.AsyncClient, tokens: TokenMinter) -> None:
    url = f"{CATALOG}/agencies"
    first = await register_agency(catalog, tokens)
    second = await register_agency(catalog, tokens, "西街街道办事处")
    between = dt.datetime.now(dt.UTC)
    third = await register_agency(catalog, tokens, "南街街道办事处")
    assert set(await _ids(catalog, url)) == {first, second, third}
    assert await _ids(catalog, url, updated_since=between.isoformat()) == [third]
    tag = await _common_rules(catalog, url, "name")

    renamed = await catalog.patch(
        f"{url}/{first}",
        json={"short_name": "东街办"},
        headers=tokens.headers(roles=["platform_admin"], scopes=["catalog:manage"]),
    )
    assert renamed.status_code == 200, renamed.text
    assert set(await _ids(catalog, url, updated_since=between.isoformat())) == {first, third}
    assert (await catalog.get(url, headers={"If-None-Match": tag})).status_code == 200


async def test_catalog_item_list_conventions(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    url = f"{CATALOG}/items"
    early = await register_agency(catalog, tokens)
    late = await register_agency(catalog, tokens, "西街街道办事处")

    async def publish(agency: str, *titles: str) -> list[str]:
        items = f"{CATALOG}/agencies/{agency}/items"
        editor = catalog_editor(tokens, agency)
        ids = [
            (await catalog.post(items, json=item_body(t), headers=editor)).json()["id"]
            for t in titles
        ]
        published = await catalog.post(
            f"{CATALOG}/agencies/{agency}/versions",
            json={},
            headers=catalog_publisher(tokens, agency),
        )
        assert published.status_code == 201, published.text
        return ids

    before = await publish(early, "征收土地信息", "征地补偿标准")
    between = dt.datetime.now(dt.UTC)
    after = await publish(late, "征地听证")
    assert set(await _ids(catalog, url)) == {*before, *after}
    # An item changes only by being published: updated_since follows its version.
    assert await _ids(catalog, url, updated_since=between.isoformat()) == after
    tag = await _common_rules(catalog, url, "level1")
    version_items = f"{CATALOG}/agencies/{early}/versions/1/items"
    await _common_rules(catalog, version_items, "level1")

    # A draft item is not listed; publishing it changes the list and its ETag.
    draft = (
        await catalog.post(
            f"{CATALOG}/agencies/{early}/items",
            json=item_body("草稿事项"),
            headers=catalog_editor(tokens, early),
        )
    ).json()
    assert draft["id"] not in await _ids(catalog, url)
    assert (await catalog.get(url, headers={"If-None-Match": tag})).status_code == 304
    await catalog.post(
        f"{CATALOG}/agencies/{early}/versions", json={}, headers=catalog_publisher(tokens, early)
    )
    assert draft["id"] in await _ids(catalog, url)
    assert (await catalog.get(url, headers={"If-None-Match": tag})).status_code == 200
