"""Annual-report counts (both formats) and classification under catalog items, with gaps."""

import uuid

from tests.support.catalog import catalog_editor, catalog_publisher, item_body
from tests.support.documents import CATALOG, DOCS, World, document_body

WITHHELD = {
    "disclosure": "withheld",
    "disclosure_reason": "内部管理事务",
    "disclosure_legal_basis": "《政府信息公开条例》第十六条",
}


def values(report: dict[str, object], row: str) -> dict[str, int]:
    rows = {r["key"]: r for r in report["rows"]}  # type: ignore[attr-defined]
    return dict(rows[row]["values"])


async def test_counts_for_the_annual_report(world: World) -> None:
    rule = await world.create(type_code="rule", doc_number="第3号令", written_on="2021-02-01")
    await world.publish(rule, "2021-02-05")
    old = await world.publish(
        await world.create(doc_number="张政办发〔2020〕3号", written_on="2020-03-01"), "2020-03-03"
    )
    new = await world.publish(
        await world.create(doc_number="张政办发〔2021〕8号", written_on="2021-04-01"), "2021-04-02"
    )
    repeal = await world.docs.post(
        f"{DOCS}/{old['id']}/repeal",
        json={"repealed_on": "2021-04-02", "repealing_document_id": new["id"], "reason": "被替代"},
        headers=world.staff(),
    )
    assert repeal.status_code == 200, repeal.text
    await world.publish(
        await world.create(doc_number="张政办发〔2021〕9号", written_on="2021-05-01", **WITHHELD),
        "2021-05-06",
    )
    await world.create(doc_number="张政办发〔2021〕10号", written_on="2021-06-01")  # draft
    await world.publish(
        await world.create(world.other, doc_number="区政办发〔2021〕1号", written_on="2021-03-01"),
        "2021-03-02",
    )  # another agency's
    url = f"{DOCS}/report-counts"
    params = {"year": 2021, "agency_id": world.agency["id"]}

    public = (await world.docs.get(url, params=params)).json()
    assert public["format"] == "2021"
    assert public["public_only"] is True
    assert [c["label"] for c in public["columns"]] == [
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    assert values(public, "rule") == {"issued": 1, "repealed": 0, "in_force": 1}
    assert values(public, "normative") == {"issued": 1, "repealed": 1, "in_force": 1}

    staff = (await world.docs.get(url, params=params, headers=world.staff())).json()
    assert values(staff, "normative") == {"issued": 2, "repealed": 1, "in_force": 2}
    everyone = (await world.docs.get(url, params={"year": 2021})).json()
    assert values(everyone, "normative")["issued"] == 2  # both agencies' public ones

    older = (await world.docs.get(url, params={**params, "year": 2020})).json()
    assert older["format"] == "2019"
    assert [r["label"] for r in older["rows"]] == ["规章", "规范性文件"]
    assert values(older, "normative") == {"made": 1, "published": 1, "total_public": 1}
    bad = await world.docs.get(url, params={"year": "二〇二一"})
    assert bad.status_code == 422


async def test_classification_under_catalog_items_and_gaps(world: World) -> None:
    agency = world.agency["id"]
    editor = catalog_editor(world.tokens, agency)
    items = []
    for level1 in ("征收土地信息", "农用地转用信息"):
        created = await world.catalog.post(
            f"{CATALOG}/agencies/{agency}/items", json=item_body(level1), headers=editor
        )
        assert created.status_code == 201, created.text
        items.append(created.json()["id"])
    published = await world.catalog.post(
        f"{CATALOG}/agencies/{agency}/versions",
        json={"note": "首次发布"},
        headers=catalog_publisher(world.tokens, agency),
    )
    assert published.status_code == 201, published.text

    unknown = str(uuid.uuid4())
    refused = await world.docs.post(
        DOCS,
        json={**document_body(agency), "catalog_item_ids": [items[0], unknown]},
        headers=world.staff(),
    )
    assert refused.status_code == 422
    assert unknown in refused.json()["detail"]

    document = await world.create(catalog_item_ids=[items[0]], written_on="2021-03-01")
    assert document["catalog_item_ids"] == [items[0]]
    hidden = await world.create(
        doc_number="张政办发〔2021〕2号",
        catalog_item_ids=[items[1]],
        written_on="2021-03-02",
        **WITHHELD,
    )
    await world.publish(document)
    await world.publish(hidden)

    # The catalog item's documents link lists its public documents only.
    for item, expected in ((items[0], [document["id"]]), (items[1], [])):
        listed = await world.docs.get(DOCS, params={"catalog_item": item})
        assert [d["id"] for d in listed.json()["items"]] == expected

    gaps = f"{DOCS}/classification-gaps"
    public = await world.docs.get(gaps, params={"agency_id": agency, "written_from": "2021-01-01"})
    assert public.status_code == 200, public.text
    assert [i["item_id"] for i in public.json()["items"]] == [items[1]]
    assert public.json()["items"][0]["title"].startswith("农用地转用信息")
    own = await world.docs.get(gaps, params={"agency_id": agency}, headers=world.staff())
    assert own.json()["items"] == []
    later = await world.docs.get(gaps, params={"agency_id": agency, "written_from": "2022-01-01"})
    assert len(later.json()["items"]) == 2
