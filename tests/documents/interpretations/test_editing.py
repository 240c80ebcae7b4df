"""Editing, deleting and withdrawing interpretations: staff of their agency, versions kept."""

from typing import Any

from sqlmodel import col, select

from services.common.db import Database
from services.documents.outbox.models import OutboxEntry
from tests.documents.interpretations.test_routes import INTERPRETATIONS, interpretation_body
from tests.support.documents import DOCS, PROBLEM, World


async def create_interpretation(world: World, *documents: dict[str, Any]) -> dict[str, Any]:
    created = await world.docs.post(
        INTERPRETATIONS, json=interpretation_body(world, *documents), headers=world.staff()
    )
    assert created.status_code == 201, created.text
    return dict(created.json()) | {"etag": created.headers["etag"]}


async def outbox_kinds(world: World, entity_id: str) -> list[str]:
    database = Database(world.database_url)
    try:
        async with database.sessions() as session:
            rows = await session.exec(
                select(OutboxEntry)
                .where(col(OutboxEntry.entity) == "interpretation")
                .order_by(col(OutboxEntry.sequence))
            )
            return [r.kind for r in rows if str(r.entity_id) == entity_id]
    finally:
        await database.dispose()


async def test_a_draft_is_edited_freely_and_deleted(world: World) -> None:
    document = await world.create()
    draft = await create_interpretation(world, document)
    url = f"{INTERPRETATIONS}/{draft['id']}"

    missing = await world.docs.patch(url, json={"title": "新标题"}, headers=world.staff())
    assert missing.status_code == 428
    assert missing.headers["content-type"] == PROBLEM
    stale = await world.docs.patch(
        url, json={"title": "新标题"}, headers={**world.staff(), "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    foreign = await world.docs.patch(
        url, json={"title": "新标题"}, headers={**world.staff(world.other), "If-Match": "*"}
    )
    assert foreign.status_code == 404  # a draft of another agency is not even visible
    edited = await world.docs.patch(
        url,
        json={"title": "图解：推进方案", "kind": "graphic"},
        headers={**world.staff(), "If-Match": draft["etag"]},
    )
    assert edited.status_code == 200, edited.text
    assert (edited.json()["title"], edited.json()["kind_label"]) == ("图解：推进方案", "图解")
    assert edited.headers["etag"] != draft["etag"]
    # Drafts keep no versions.
    assert (await world.docs.get(f"{url}/versions", headers=world.staff())).json()["items"] == []
    mass = await world.docs.patch(
        url, json={"status": "published"}, headers={**world.staff(), "If-Match": "*"}
    )
    assert mass.status_code == 422

    assert (await world.docs.delete(url, headers=world.staff(world.other))).status_code == 404
    deleted = await world.docs.delete(url, headers=world.staff())
    assert deleted.status_code == 204
    assert (await world.docs.get(url, headers=world.staff())).status_code == 404
    linked = await world.docs.get(f"{DOCS}/{document['id']}/interpretations", headers=world.staff())
    assert linked.json()["items"] == []
    assert await outbox_kinds(world, draft["id"]) == ["created", "updated", "deleted"]


async def test_published_interpretations_keep_versions_and_are_withdrawn(world: World) -> None:
    policy = await world.create(is_policy=True)
    first = await create_interpretation(world, policy)
    await world.publish(policy)
    url = f"{INTERPRETATIONS}/{first['id']}"
    current = await world.docs.get(url)
    assert current.json()["status"] == "published"

    no_reason = await world.docs.patch(
        url, json={"body_text": "更正"}, headers={**world.staff(), "If-Match": "*"}
    )
    assert no_reason.status_code == 422
    assert no_reason.json()["type"].endswith("change-reason-required")
    edited = await world.docs.patch(
        url,
        json={"body_text": "问：……答：（更正）", "change_reason": "更正错别字"},
        headers={**world.staff(), "If-Match": current.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text

    # Published things are withdrawn, not deleted.
    refused = await world.docs.delete(url, headers=world.staff())
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("published-not-deletable")
    # 三同步 after the fact: the policy document's only interpretation cannot just go.
    alone = await world.docs.post(
        f"{url}/withdraw", json={"reason": "内容有误"}, headers=world.staff()
    )
    assert alone.status_code == 409
    assert alone.json()["type"].endswith("interpretation-required")
    second = await create_interpretation(world, policy)
    published = await world.docs.post(
        f"{INTERPRETATIONS}/{second['id']}/publish", headers=world.staff()
    )
    assert published.status_code == 200, published.text
    other_agency = await world.docs.post(
        f"{url}/withdraw", json={"reason": "内容有误"}, headers=world.staff(world.other)
    )
    assert other_agency.status_code == 403
    withdrawn = await world.docs.post(
        f"{url}/withdraw", json={"reason": "内容有误，已发布更正后的解读"}, headers=world.staff()
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"

    # The public no longer sees it anywhere; its agency still does.
    assert (await world.docs.get(url)).status_code == 404
    listed = (await world.docs.get(f"{DOCS}/{policy['id']}/interpretations")).json()["items"]
    assert [i["id"] for i in listed] == [second["id"]]
    assert first["id"] not in {
        i["id"] for i in (await world.docs.get(INTERPRETATIONS)).json()["items"]
    }
    assert (await world.docs.get(url, headers=world.staff())).json()["status"] == "withdrawn"
    frozen = await world.docs.patch(
        url, json={"title": "再改"}, headers={**world.staff(), "If-Match": "*"}
    )
    assert frozen.status_code == 409

    versions = (await world.docs.get(f"{url}/versions", headers=world.staff())).json()["items"]
    assert [(v["number"], v["kind"], v["reason"]) for v in versions] == [
        (1, "published", "发布"),
        (2, "updated", "更正错别字"),
        (3, "withdrawn", "内容有误，已发布更正后的解读"),
    ]
    assert versions[1]["changes"] == {
        "body_text": {"old": "问：方案的主要任务有哪些？答：……", "new": "问：……答：（更正）"}
    }
    assert versions[1]["actor"] == f"staff-{world.agency['id'][:8]}"
    assert await outbox_kinds(world, first["id"]) == [
        "created", "published", "updated", "withdrawn",
    ]  # fmt: skip
    # A withdrawn interpretation does not satisfy 三同步 for a new document.
    later = await world.create(doc_number="张政办函〔2020〕300号", is_policy=True)
    relinked = await world.docs.patch(
        f"{INTERPRETATIONS}/{second['id']}",
        json={"document_ids": [policy["id"], later["id"]], "change_reason": "同时解读新文件"},
        headers={**world.staff(), "If-Match": "*"},
    )
    assert relinked.status_code == 200, relinked.text
    assert (await world.publish(later))["status"] == "published"
    dropped = await world.docs.patch(
        f"{INTERPRETATIONS}/{second['id']}",
        json={"document_ids": [later["id"]], "change_reason": "只解读新文件"},
        headers={**world.staff(), "If-Match": "*"},
    )
    assert dropped.status_code == 409  # the policy document would be left without one
