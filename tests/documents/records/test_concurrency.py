"""ETag / If-Match on updates, Idempotency-Key on creation, versions, and the outbox."""

from services.common.db import Database
from services.documents.outbox import repository as outbox
from tests.support.documents import DOCS, PROBLEM, World, document_body


async def test_updates_need_a_fresh_if_match(world: World) -> None:
    document = await world.create()
    url = f"{DOCS}/{document['id']}"
    staff = world.staff()
    missing = await world.docs.patch(url, json={"title": "新标题"}, headers=staff)
    assert missing.status_code == 428
    assert missing.headers["content-type"] == PROBLEM
    assert "If-Match" in missing.json()["detail"]
    changed = await world.docs.patch(
        url, json={"title": "新标题"}, headers={**staff, "If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"2"'
    stale = await world.docs.patch(
        url, json={"title": "旧的修改"}, headers={**staff, "If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.headers["etag"] == '"2"'
    read = await world.docs.get(url, headers=staff)
    assert read.json()["title"] == "新标题"
    cached = await world.docs.get(url, headers={**staff, "If-None-Match": '"2"'})
    assert cached.status_code == 304


async def test_published_changes_keep_versions(world: World) -> None:
    document = await world.publish(await world.create())
    url = f"{DOCS}/{document['id']}"
    staff = {**world.staff(), "If-Match": f'"{document["version"]}"'}
    no_reason = await world.docs.patch(url, json={"title": "更正后的标题"}, headers=staff)
    assert no_reason.status_code == 422
    assert "修改原因" in no_reason.json()["detail"]
    dates = await world.docs.patch(
        url, json={"expires_on": "2030-01-01", "change_reason": "延期"}, headers=staff
    )
    assert dates.status_code == 409
    changed = await world.docs.patch(
        url,
        json={
            "title": "更正后的标题",
            "keywords": ["政务公开", "标准化"],
            "change_reason": "更正标题错字",
        },
        headers=staff,
    )
    assert changed.status_code == 200, changed.text
    versions = (await world.docs.get(f"{url}/versions", headers=world.staff())).json()["items"]
    assert [(v["number"], v["reason"]) for v in versions] == [(1, "发布"), (2, "更正标题错字")]
    assert versions[1]["changes"] == {
        "title": {"old": document["title"], "new": "更正后的标题"},
        "keywords": {"old": ["政务公开"], "new": ["政务公开", "标准化"]},
    }
    assert versions[1]["actor"] == f"staff-{world.agency['id'][:8]}"
    public = (await world.docs.get(f"{url}/versions")).json()["items"]
    assert [v["actor"] for v in public] == [None, None]


async def test_idempotency_key_creates_once(world: World) -> None:
    body = document_body(world.agency["id"])
    headers = {**world.staff(), "Idempotency-Key": "create-001"}
    first = await world.docs.post(DOCS, json=body, headers=headers)
    second = await world.docs.post(DOCS, json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers["idempotent-replayed"] == "true"
    assert first.json()["id"] == second.json()["id"]
    different = await world.docs.post(DOCS, json={**body, "title": "另一份文件"}, headers=headers)
    assert different.status_code == 422
    assert "Idempotency-Key" in different.json()["detail"]
    assert (await world.docs.get(f"{DOCS}/count", headers=world.staff())).json() == {"count": 1}


async def test_every_change_enters_the_outbox_in_order(world: World) -> None:
    document = await world.create()
    await world.publish(document)
    refused = await world.docs.post(
        DOCS, json=document_body(world.agency["id"], type_code="nope"), headers=world.staff()
    )
    assert refused.status_code == 422
    database = Database(world.database_url)
    try:
        async with database.sessions() as session:
            entries = await outbox.after(session, 0)
            tail = await outbox.after(session, entries[0].sequence or 0)
    finally:
        await database.dispose()
    assert [(e.entity, e.kind) for e in entries] == [
        ("document", "created"),
        ("document", "published"),
    ]
    assert all(e.entity_id.hex == document["id"].replace("-", "") for e in entries)
    sequences = [e.sequence for e in entries]
    assert sequences == sorted(sequences)
    assert len(set(sequences)) == 2
    assert [e.kind for e in tail] == ["published"]
