"""The catalog's bulk export (published items only, manifest matching files) and DCAT-AP."""

import csv
import hashlib
import io
import json
from typing import Any

import httpx

from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    catalog_publisher,
    item_body,
    register_agency,
)
from tests.support.tokens import TokenMinter

EXPORTS = "/api/v1/open/exports/catalog"
DCAT = "/api/v1/open/dcat"


async def _published_catalog(catalog: httpx.AsyncClient, tokens: TokenMinter) -> dict[str, Any]:
    """One agency with a published item and a draft-only item; one agency with no catalog."""
    agency = await register_agency(catalog, tokens)
    bare = await register_agency(catalog, tokens, "西街街道办事处")
    items_url = f"{CATALOG}/agencies/{agency}/items"
    editor = catalog_editor(tokens, agency)
    published = (await catalog.post(items_url, json=item_body(), headers=editor)).json()
    first = await catalog.post(
        f"{CATALOG}/agencies/{agency}/versions",
        json={"note": "首次发布"},
        headers=catalog_publisher(tokens, agency),
    )
    assert first.status_code == 201, first.text
    draft = (await catalog.post(items_url, json=item_body("草稿事项"), headers=editor)).json()
    return {"agency": agency, "bare": bare, "published": published, "draft": draft}


async def _file(catalog: httpx.AsyncClient, name: str) -> bytes:
    response = await catalog.get(f"{EXPORTS}/{name}")
    assert response.status_code == 200, response.text
    return response.content


async def test_catalog_export_holds_agencies_and_published_items_only(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    made = await _published_catalog(catalog, tokens)
    manifest = (await catalog.get(EXPORTS)).json()
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == {"agencies.jsonl", "agencies.csv", "items.jsonl", "items.csv"}
    for name, entry in files.items():
        content = await _file(catalog, name)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        if name.endswith(".csv"):
            assert content.startswith(b"\xef\xbb\xbf")
            lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
            assert len(lines) - 1 == entry["records"]
        else:
            assert len(content.decode().splitlines()) == entry["records"]
    assert files["agencies.jsonl"]["records"] == 2
    assert files["items.jsonl"]["records"] == 1

    items = [json.loads(line) for line in (await _file(catalog, "items.jsonl")).splitlines()]
    assert [i["id"] for i in items] == [made["published"]["id"]]
    assert items[0]["status"] == "published"
    assert items[0]["version"] == 1
    assert "草稿事项" not in (await _file(catalog, "items.csv")).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO((await _file(catalog, "items.csv")).decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["一级事项"] == "征收土地信息"
    assert row["公开内容（要素）"].startswith("●征地告知书及报批前程序材料；●征收土地方案")
    assert row["公开渠道和载体"] == "政府网站；两微一端；政务服务中心"
    assert row["公开方式"] == "主动"
    assert row["公开层级"] == "乡级"

    # A new version changes the export; an unchanged catalog keeps the snapshot.
    again = (await catalog.get(EXPORTS)).json()
    assert again["generated_at"] == manifest["generated_at"]
    second = await catalog.post(
        f"{CATALOG}/agencies/{made['agency']}/versions",
        json={},
        headers=catalog_publisher(tokens, made["agency"]),
    )
    assert second.status_code == 201, second.text
    after = (await catalog.get(EXPORTS)).json()
    assert after["state"] != manifest["state"]
    assert {f["name"]: f["records"] for f in after["files"]}["items.csv"] == 2


async def test_dcat_catalog_lists_datasets_per_agency(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    made = await _published_catalog(catalog, tokens)
    response = await catalog.get(DCAT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    document = json.loads(response.content)
    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert document["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert document["@type"] == "dcat:Catalog"
    assert document["dct:title"]["@language"] == "zh-CN"
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    agency, bare = made["agency"], made["bare"]
    assert set(datasets) == {
        "gongkai:documents",
        "gongkai:catalog",
        f"gongkai:documents:{agency}",
        f"gongkai:catalog:{agency}",
        f"gongkai:documents:{bare}",
    }
    for dataset in datasets.values():
        assert dataset["@type"] == "dcat:Dataset"
        assert dataset["dct:title"]["@value"]
        assert dataset["dct:description"]["@value"]
        assert dataset["dct:publisher"]["@type"] == "foaf:Agent"
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution"
            assert distribution["dcat:accessURL"]["@id"].startswith("http")

    whole = datasets["gongkai:documents"]
    downloads = {d["dcat:downloadURL"]["@id"] for d in whole["dcat:distribution"]
                 if "dcat:downloadURL" in d}  # fmt: skip
    assert downloads == {
        f"http://testserver/api/v1/open/exports/documents/{name}.{kind}"
        for name in ("documents", "interpretations", "gazette")
        for kind in ("jsonl", "csv")
    }
    own = datasets[f"gongkai:catalog:{agency}"]
    assert own["dct:title"]["@value"] == "东街街道办事处政务公开事项标准目录"
    assert own["dcat:version"] == "1"
    assert [k["@value"] for k in own["dcat:keyword"]] == ["征地补偿"]
    assert own["dct:publisher"]["foaf:name"]["@value"] == "东街街道办事处"
    assert own["dct:modified"]["@type"] == "xsd:dateTime"
    # Only published catalogs are datasets: the draft item appears nowhere.
    assert "草稿事项" not in response.text
