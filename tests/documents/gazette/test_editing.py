"""Editing, deleting and withdrawing gazette issues: the compiling agency only, versions kept."""

from typing import Any

from sqlmodel import col, select

from services.common.db import Database
from services.documents.outbox.models import OutboxEntry
from tests.support.documents import DOCS, PROBLEM, World

GAZETTE = f"{DOCS}/gazette"


def issue_body(world: World, *documents: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "agency_id": world.agency["id"],
        "title": "张掖市人民政府公报",
        "year": 2020,
        "issue_number": 10,
        "total_number": 236,
        "issued_on": "2020-10-30",
        "entries": [{"document_id": d["id"], "section": "市政府文件"} for d in documents],
        **fields,
    }


async def outbox_kinds(world: World, entity_id: str) -> list[str]:
    database = Database(world.database_url)
    try:
        async with database.sessions() as session:
            rows = await session.exec(
                select(OutboxEntry)
                .where(col(OutboxEntry.entity) == "gazette_issue")
                .order_by(col(OutboxEntry.sequence))
            )
            return [r.kind for r in rows if str(r.entity_id) == entity_id]
    finally:
        await database.dispose()


async def test_a_draft_issue_is_edited_and_deleted(world: World) -> None:
    first = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    created = await world.docs.post(GAZETTE, json=issue_body(world, first), headers=world.staff())
    assert created.status_code == 201, created.text
    issue, etag = created.json(), created.headers["etag"]
    url = f"{GAZETTE}/{issue['id']}"
    other = await world.docs.post(
        GAZETTE, json=issue_body(world, issue_number=11, issued_on="2020-11-30"),
        headers=world.staff(),
    )  # fmt: skip
    assert other.status_code == 201, other.text

    assert (await world.docs.patch(url, json={}, headers=world.staff())).status_code == 428
    foreign = await world.docs.patch(
        url, json={"total_number": 237}, headers={**world.staff(world.other), "If-Match": "*"}
    )
    assert foreign.status_code == 404
    taken = await world.docs.patch(
        url, json={"issue_number": 11}, headers={**world.staff(), "If-Match": etag}
    )
    assert taken.status_code == 409
    assert taken.headers["content-type"] == PROBLEM
    wrong_year = await world.docs.patch(
        url, json={"issued_on": "2021-01-05"}, headers={**world.staff(), "If-Match": etag}
    )
    assert wrong_year.status_code == 422
    second = await world.create(doc_number="张政办函〔2020〕2号", title="关于秋冬季森林防火的通知")
    edited = await world.docs.patch(
        url,
        json={
            "total_number": 237,
            "entries": [
                {"document_id": second["id"], "section": "市政府文件"},
                {"document_id": first["id"]},
                {"title": "大事记"},
            ],
        },
        headers={**world.staff(), "If-Match": etag},
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["total_number"] == 237
    assert [(e["position"], e["title"]) for e in edited.json()["entries"]] == [
        (1, "关于秋冬季森林防火的通知"),
        (2, first["title"]),
        (3, "大事记"),
    ]
    stale = await world.docs.patch(
        url, json={"total_number": 238}, headers={**world.staff(), "If-Match": etag}
    )
    assert stale.status_code == 412

    deleted = await world.docs.delete(url, headers=world.staff())
    assert deleted.status_code == 204
    assert (await world.docs.get(url, headers=world.staff())).status_code == 404
    assert (await world.docs.get(f"{DOCS}/{first['id']}/gazette")).json()["items"] == []
    assert await outbox_kinds(world, issue["id"]) == ["created", "updated", "deleted"]


async def test_a_published_issue_keeps_versions_and_is_withdrawn(world: World) -> None:
    first = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    draft_doc = await world.create(doc_number="张政办函〔2020〕2号")
    created = await world.docs.post(GAZETTE, json=issue_body(world, first), headers=world.staff())
    url = f"{GAZETTE}/{created.json()['id']}"
    assert (await world.docs.post(f"{url}/publish", headers=world.staff())).status_code == 200

    no_reason = await world.docs.patch(
        url, json={"total_number": 240}, headers={**world.staff(), "If-Match": "*"}
    )
    assert no_reason.status_code == 422
    # A published issue carries only published documents.
    unpublished = await world.docs.patch(
        url,
        json={"entries": [{"document_id": draft_doc["id"]}], "change_reason": "补登"},
        headers={**world.staff(), "If-Match": "*"},
    )
    assert unpublished.status_code == 422
    assert unpublished.json()["type"].endswith("gazette-document-not-published")
    edited = await world.docs.patch(
        url,
        json={"total_number": 240, "change_reason": "总期号更正"},
        headers={**world.staff(), "If-Match": "*"},
    )
    assert edited.status_code == 200, edited.text

    refused = await world.docs.delete(url, headers=world.staff())
    assert refused.status_code == 409
    assert refused.json()["type"].endswith("published-not-deletable")
    foreign = await world.docs.post(
        f"{url}/withdraw", json={"reason": "误发"}, headers=world.staff(world.other)
    )
    assert foreign.status_code == 403
    no_body = await world.docs.post(f"{url}/withdraw", json={}, headers=world.staff())
    assert no_body.status_code == 422
    withdrawn = await world.docs.post(
        f"{url}/withdraw", json={"reason": "期号错误，另行出版"}, headers=world.staff()
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["status"] == "withdrawn"
    # Gone for the public: the list, the issue, the document's back link.
    assert (await world.docs.get(GAZETTE)).json()["items"] == []
    assert (await world.docs.get(url)).status_code == 404
    assert (await world.docs.get(f"{DOCS}/{first['id']}/gazette")).json()["items"] == []
    assert (await world.docs.get(url, headers=world.staff())).json()["status"] == "withdrawn"
    again = await world.docs.post(f"{url}/publish", headers=world.staff())
    assert again.status_code == 409

    versions = (await world.docs.get(f"{url}/versions", headers=world.staff())).json()["items"]
    assert [(v["kind"], v["reason"]) for v in versions] == [
        ("published", "发布"),
        ("updated", "总期号更正"),
        ("withdrawn", "期号错误，另行出版"),
    ]
    assert versions[0]["changes"]["entries"]["new"] == [
        {"document_id": first["id"], "title": first["title"], "section": "市政府文件"}
    ]
    assert versions[1]["changes"] == {"total_number": {"old": 236, "new": 240}}
    assert all(v["actor"] == f"staff-{world.agency['id'][:8]}" for v in versions)
    admin_view = await world.docs.get(f"{url}/versions", headers=world.admin())
    assert [v["kind"] for v in admin_view.json()["items"]] == ["published", "updated", "withdrawn"]
