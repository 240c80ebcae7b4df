"""The change feed: public create / update / withdraw events, tombstones without content."""

import xml.etree.ElementTree as ET
from typing import Any

import orjson

from tests.support.documents import DOCS, World

FEED = "/feeds/documents"
ATOM_NS = {"a": "http://www.w3.org/2005/Atom", "at": "http://purl.org/atompub/tombstones/1.0"}
WITHHOLD = {"attribute": "withheld", "reason": "涉及内部管理", "legal_basis": "第十六条"}


async def all_events(world: World, path: str = FEED, **params: Any) -> list[dict[str, Any]]:
    response = await world.docs.get(path, params={"limit": 2, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    items = list(page["items"])
    while page["next"]:
        page = (await world.docs.get(page["next"])).json()
        items += page["items"]
    return items


async def test_events_follow_what_the_public_may_see(world: World) -> None:
    shown = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    withheld = await world.publish(
        await world.create(
            doc_number="张政办函〔2020〕2号", title="关于内部人事安排的通知",
            disclosure="withheld", disclosure_reason="内部事务", disclosure_legal_basis="第十六条",
        )
    )  # fmt: skip
    draft = await world.create(doc_number="张政办函〔2020〕3号", title="尚未发布的草稿通知")
    patched = await world.docs.patch(
        f"{DOCS}/{shown['id']}",
        json={"keywords": ["政务公开", "重点工作"], "change_reason": "补充主题词"},
        headers={**world.staff(), "If-Match": f'"{shown["version"]}"'},
    )
    assert patched.status_code == 200, patched.text

    events = await all_events(world)
    assert [(e["id"], e["action"]) for e in events] == [
        (shown["id"], "create"),
        (shown["id"], "update"),
    ]
    sequences = [e["sequence"] for e in events]
    # Dense: the non-public changes in between leave no gap that would betray them.
    assert sequences == [1, 2]
    assert events[-1]["data"]["keywords"] == ["政务公开", "重点工作"]

    reclassified = await world.docs.put(
        f"{DOCS}/{shown['id']}/disclosure", json=WITHHOLD, headers=world.staff()
    )
    assert reclassified.status_code == 200, reclassified.text
    after = await world.docs.get(FEED, params={"after": sequences[-1]})
    tombstone = after.json()["items"]
    assert tombstone[0]["sequence"] == 3
    assert tombstone == [
        {
            "sequence": tombstone[0]["sequence"], "type": "document", "action": "withdraw",
            "id": shown["id"], "time": tombstone[0]["time"],
        }
    ]  # fmt: skip
    # Replayed from 0, the earlier events of the now withheld document carry nothing of it.
    replay = await world.docs.get(FEED, params={"limit": 100})
    assert [e["action"] for e in replay.json()["items"]] == ["withdraw"]
    for record in (shown, withheld, draft):
        assert record["title"] not in replay.text
    # A record that was never public leaves no trace at all, not even a tombstone.
    assert withheld["id"] not in replay.text
    assert draft["id"] not in replay.text


async def test_interpretations_and_gazette_follow_their_documents(world: World) -> None:
    document = await world.create(is_policy=True)
    created = await world.docs.post(
        f"{DOCS}/interpretations",
        json={
            "agency_id": world.agency["id"], "kind": "qa", "title": "政策问答",
            "body_text": "问：……答：……", "document_ids": [document["id"]],
        },
        headers=world.staff(),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    interpretation = created.json()
    assert await all_events(world, "/feeds/interpretations") == []
    await world.publish(document)
    events = await all_events(world, "/feeds/interpretations")
    assert [(e["id"], e["action"]) for e in events] == [(interpretation["id"], "create")]
    assert events[0]["data"]["document_ids"] == [document["id"]]

    await world.docs.put(
        f"{DOCS}/{document['id']}/disclosure", json=WITHHOLD, headers=world.staff()
    )
    events = await all_events(world, "/feeds/interpretations")
    assert [(e["id"], e["action"]) for e in events] == [(interpretation["id"], "withdraw")]
    assert "data" not in events[0]


async def test_ndjson_streams_every_event_up_to_the_head(world: World) -> None:
    ids = []
    for number in range(1, 6):
        published = await world.publish(
            await world.create(doc_number=f"张政办函〔2020〕{number}号")
        )
        ids.append(published["id"])
    response = await world.docs.get(f"{FEED}.ndjson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [line for line in response.text.split("\n") if line]
    events = [orjson.loads(line) for line in lines]
    assert [e["id"] for e in events] == ids
    resumed = await world.docs.get(f"{FEED}.ndjson", params={"after": events[2]["sequence"]})
    assert [orjson.loads(x)["id"] for x in resumed.text.split("\n") if x] == ids[3:]


async def test_atom_feed_parses_and_filters(world: World) -> None:
    first = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    second = await world.publish(
        await world.create(world.other, doc_number="甘州政办发〔2020〕2号", title="甘州区通知",
                           type_code="rule", subject_code=None)
    )  # fmt: skip
    gone = await world.publish(
        await world.create(doc_number="张政办函〔2020〕3号", title="后来撤回的通知")
    )
    await world.docs.put(f"{DOCS}/{gone['id']}/disclosure", json=WITHHOLD, headers=world.staff())

    response = await world.docs.get(f"{FEED}.atom")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"a:{required}", ATOM_NS) is not None
    titles = [e.findtext("a:title", namespaces=ATOM_NS) for e in root.findall("a:entry", ATOM_NS)]
    assert titles == [second["title"], first["title"]]
    deleted = root.findall("at:deleted-entry", ATOM_NS)
    assert [d.get("ref") for d in deleted] == [f"urn:uuid:{gone['id']}"]
    assert "后来撤回" not in response.text

    by_agency = ET.fromstring(
        (await world.docs.get(f"{FEED}.atom", params={"agency": world.other["id"]})).content
    )
    assert [
        e.findtext("a:id", namespaces=ATOM_NS) for e in by_agency.findall("a:entry", ATOM_NS)
    ] == [f"urn:uuid:{second['id']}"]
    by_type = ET.fromstring(
        (await world.docs.get(f"{FEED}.atom", params={"type": "normative"})).content
    )
    assert len(by_type.findall("a:entry", ATOM_NS)) == 1
    assert len(by_type.findall("at:deleted-entry", ATOM_NS)) == 1
    by_category = ET.fromstring(
        (await world.docs.get(f"{FEED}.atom", params={"category": "0201"})).content
    )
    assert len(by_category.findall("a:entry", ATOM_NS)) == 1
    bad = await world.docs.get(f"{FEED}.atom", params={"agency": "不是编号"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
