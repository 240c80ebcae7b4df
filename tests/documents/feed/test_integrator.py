"""An integrator syncs through the change feed, dies halfway, resumes, and ends exact."""

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.documents import DOCS, World

FEED = "/feeds/documents"
WITHHOLD = {"attribute": "withheld", "reason": "涉及内部管理", "legal_basis": "第十六条"}


class Integrator:
    """A third party's sync job; its whole state (records, position) lives in one file."""

    def __init__(self, world: World, store: Path) -> None:
        self.world = world
        self.store = store
        self.received: list[str] = []  # every response body, to check what it was ever sent

    def load(self) -> dict[str, Any]:
        if not self.store.exists():
            return {"position": 0, "records": {}}
        return dict(json.loads(self.store.read_text("utf-8")))

    async def sync(self, *, die_after: int | None = None) -> None:
        state = self.load()
        applied = 0
        url: str | None = f"{FEED}?after={state['position']}&limit=3"
        while url:
            response = await self.world.docs.get(url)
            assert response.status_code == 200, response.text
            self.received.append(response.text)
            page = response.json()
            for event in page["items"]:
                if event["action"] == "withdraw":
                    state["records"].pop(event["id"], None)
                else:
                    state["records"][event["id"]] = event["data"]
                state["position"] = event["sequence"]
                # Persisted after every event: a crash loses at most the one in hand.
                self.store.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
                applied += 1
                if die_after is not None and applied == die_after:
                    task = asyncio.current_task()
                    assert task is not None
                    task.cancel()
                    await asyncio.sleep(0)
            state["position"] = max(state["position"], page["last_sequence"])
            self.store.write_text(json.dumps(state, ensure_ascii=False), "utf-8")
            url = page["next"]


async def public_ids(world: World) -> set[str]:
    found: set[str] = set()
    url: str | None = f"{DOCS}?limit=100"
    while url:
        page = (await world.docs.get(url)).json()
        found |= {d["id"] for d in page["items"]}
        url = page["next"]
    return found


async def test_sync_dies_halfway_resumes_and_ends_with_exactly_the_public_records(
    world: World, tmp_path: Path
) -> None:
    public = []
    for number in range(1, 9):
        created = await world.create(
            doc_number=f"张政办函〔2021〕{number}号", title=f"通知{number}"
        )
        public.append(await world.publish(created))
    for number in (20, 21):
        await world.publish(
            await world.create(
                doc_number=f"张政办函〔2021〕{number}号", title=f"内部通知{number}",
                disclosure="withheld", disclosure_reason="内部事务",
                disclosure_legal_basis="第十六条",
            )
        )  # fmt: skip
    await world.create(doc_number="张政办函〔2021〕30号", title="草稿通知")

    integrator = Integrator(world, tmp_path / "integrator.json")
    run = asyncio.create_task(integrator.sync(die_after=5))
    with pytest.raises(asyncio.CancelledError):
        await run
    halfway = integrator.load()
    assert len(halfway["records"]) == 5
    assert halfway["records"].keys() < {d["id"] for d in public}

    # While it is down: more documents, a change, and a withdrawal of one it already holds.
    for number in (9, 10):
        created = await world.create(
            doc_number=f"张政办函〔2021〕{number}号", title=f"通知{number}"
        )
        public.append(await world.publish(created))
    changed = public[1]
    patched = await world.docs.patch(
        f"{DOCS}/{changed['id']}",
        json={"title": "通知2（修订）", "change_reason": "更正标题"},
        headers={**world.staff(), "If-Match": f'"{changed["version"]}"'},
    )
    assert patched.status_code == 200, patched.text
    withdrawn = public[0]
    assert withdrawn["id"] in halfway["records"]
    await world.docs.put(
        f"{DOCS}/{withdrawn['id']}/disclosure", json=WITHHOLD, headers=world.staff()
    )

    await integrator.sync()
    final = integrator.load()
    assert set(final["records"]) == await public_ids(world)
    assert len(final["records"]) == 9
    for document_id, data in final["records"].items():
        current = (await world.docs.get(f"{DOCS}/{document_id}")).json()
        assert data["title"] == current["title"]
        assert data["version"] == current["version"]
    assert final["records"][changed["id"]]["title"] == "通知2（修订）"

    # A document is reclassified to 不予公开: the integrator gets a tombstone, nothing else.
    target = public[5]
    seen_before = len(integrator.received)
    reclassified = await world.docs.put(
        f"{DOCS}/{target['id']}/disclosure", json=WITHHOLD, headers=world.staff()
    )
    assert reclassified.status_code == 200, reclassified.text
    position = final["position"]
    await integrator.sync()
    after = integrator.load()
    assert target["id"] not in after["records"]
    assert set(after["records"]) == await public_ids(world)
    sent = "".join(integrator.received[seen_before:])
    events = [json.loads(body)["items"] for body in integrator.received[seen_before:]]
    flat = [e for page in events for e in page]
    assert [(e["id"], e["action"]) for e in flat] == [(target["id"], "withdraw")]
    assert flat[0]["sequence"] > position
    assert set(flat[0]) == {"sequence", "type", "action", "id", "time"}
    for content in (
        target["title"],
        target["doc_number"],
        target["body_text"],
        target["index_number"],
    ):
        assert content not in sent
