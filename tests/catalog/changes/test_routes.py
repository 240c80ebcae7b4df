"""The catalog's change feed: agencies, and items as catalog versions publish them."""

from typing import Any

import httpx
import orjson

from services.common.auth import Role
from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    catalog_publisher,
    item_body,
    register_agency,
)
from tests.support.tokens import TokenMinter

FEEDS = f"{CATALOG}/feeds"


async def events(catalog: httpx.AsyncClient, path: str, **params: Any) -> list[dict[str, Any]]:
    response = await catalog.get(f"{FEEDS}/{path}", params={"limit": 2, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    found = list(page["items"])
    while page["next"]:
        page = (await catalog.get(page["next"])).json()
        found += page["items"]
    return found


async def test_items_appear_change_and_are_withdrawn_with_published_versions(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    other = await register_agency(catalog, tokens, "西街街道办事处")
    editor, publisher = catalog_editor(tokens, agency), catalog_publisher(tokens, agency)
    items_url = f"{CATALOG}/agencies/{agency}/items"
    kept = (await catalog.post(items_url, json=item_body(), headers=editor)).json()
    dropped = (await catalog.post(items_url, json=item_body("征地补偿标准"), headers=editor)).json()
    assert await events(catalog, "items") == []  # drafts are not public
    versions = f"{CATALOG}/agencies/{agency}/versions"
    assert (await catalog.post(versions, json={}, headers=publisher)).status_code == 201
    first = await events(catalog, "items")
    assert [(e["id"], e["action"]) for e in first] == [
        (kept["id"], "create"), (dropped["id"], "create")
    ]  # fmt: skip
    assert first[0]["data"]["level1"] == "征收土地信息"
    position = first[-1]["sequence"]

    await catalog.patch(
        f"{CATALOG}/items/{kept['id']}",
        json={"deadline": {"text": "信息形成（或变更）之日起10个工作日内"}},
        headers=editor,
    )
    await catalog.delete(f"{CATALOG}/items/{dropped['id']}", headers=editor)
    added = (await catalog.post(items_url, json=item_body("征地听证"), headers=editor)).json()
    assert await events(catalog, "items", after=position) == []
    assert (await catalog.post(versions, json={}, headers=publisher)).status_code == 201

    later = await events(catalog, "items", after=position)
    assert sorted((e["id"], e["action"]) for e in later) == sorted(
        [(kept["id"], "update"), (added["id"], "create"), (dropped["id"], "withdraw")]
    )
    tombstone = next(e for e in later if e["action"] == "withdraw")
    assert set(tombstone) == {"sequence", "type", "action", "id", "time"}
    # From 0, the withdrawn item's old create is left out: only its tombstone remains.
    replay = await catalog.get(f"{FEEDS}/items", params={"limit": 100})
    assert "征地补偿标准" not in replay.text
    assert sorted(e["sequence"] for e in later) == [e["sequence"] for e in later]

    stream = await catalog.get(f"{FEEDS}/items.ndjson")
    assert stream.headers["content-type"].startswith("application/x-ndjson")
    lines = [orjson.loads(line) for line in stream.text.splitlines() if line]
    assert [e["sequence"] for e in lines] == [e["sequence"] for e in replay.json()["items"]]
    assert await events(catalog, "items", agency=other) == []

    admin = tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["catalog:manage"])
    renamed = await catalog.patch(
        f"{CATALOG}/agencies/{agency}", json={"short_name": "东街办"}, headers=admin
    )
    assert renamed.status_code == 200, renamed.text
    agencies = await events(catalog, "agencies")
    assert [(e["id"], e["action"]) for e in agencies] == [
        (agency, "create"), (other, "create"), (agency, "update")
    ]  # fmt: skip
    assert agencies[-1]["data"]["short_name"] == "东街办"
    bad = await catalog.get(f"{FEEDS}/items", params={"after": -1})
    assert bad.status_code == 422
