"""Validity over time: publication, amendment, repeal and expiry, and what was in force when."""

import datetime as dt
import time

from services.documents.clock import today
from tests.support.documents import DOCS, PROBLEM, World


async def in_force(world: World, day: str) -> set[str]:
    listed = await world.docs.get(DOCS, params={"in_force_on": day, "limit": 100})
    return {d["id"] for d in listed.json()["items"]}


async def test_in_force_on_follows_publication_amendment_and_repeal(world: World) -> None:
    original = await world.create(
        doc_number="张政办发〔2020〕1号", written_on="2020-01-10", effective_on="2020-03-01"
    )
    original = await world.publish(original, "2020-01-20")
    assert original["validity"]["status"] == "in_force"
    assert original["published_on"] == "2020-01-20"
    amending = await world.publish(
        await world.create(doc_number="张政办发〔2021〕5号", written_on="2021-06-01"), "2021-06-02"
    )
    amended = await world.docs.post(
        f"{DOCS}/{original['id']}/amend",
        json={
            "amending_document_id": amending["id"],
            "amended_on": "2021-07-01",
            "reason": "调整适用范围",
        },
        headers=world.staff(),
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["validity"]["status"] == "amended"
    repealing = await world.publish(
        await world.create(doc_number="张政办发〔2023〕2号", written_on="2023-01-03"), "2023-01-04"
    )
    repealed = await world.docs.post(
        f"{DOCS}/{original['id']}/repeal",
        json={
            "repealed_on": "2023-02-01",
            "repealing_document_id": repealing["id"],
            "reason": "已被新规定替代",
        },
        headers=world.staff(),
    )
    assert repealed.status_code == 200, repealed.text
    assert repealed.json()["validity"]["status"] == "repealed"

    assert original["id"] not in await in_force(world, "2020-02-15")  # 尚未生效
    assert original["id"] in await in_force(world, "2020-03-01")
    assert original["id"] in await in_force(world, "2022-06-01")  # 已修改 is still in force
    assert original["id"] in await in_force(world, "2023-01-31")
    assert original["id"] not in await in_force(world, "2023-02-01")
    assert amending["id"] in await in_force(world, "2023-06-01")

    validity = (await world.docs.get(f"{DOCS}/{original['id']}/validity")).json()["items"]
    assert [(v["status"], v["starts_on"], v["ends_on"]) for v in validity] == [
        ("not_yet_effective", "2020-01-20", "2020-03-01"),
        ("in_force", "2020-03-01", "2021-07-01"),
        ("amended", "2021-07-01", "2023-02-01"),
        ("repealed", "2023-02-01", None),
    ]
    assert "已被新规定替代" in validity[-1]["cause"]

    events = (await world.docs.get(f"{DOCS}/{original['id']}/events")).json()["items"]
    assert [(e["kind"], e["related_document_id"]) for e in events] == [
        ("published", None),
        ("amended", amending["id"]),
        ("repealed", repealing["id"]),
    ]
    # Every change to the published document kept a version: who, when, why, what.
    versions = (
        await world.docs.get(f"{DOCS}/{original['id']}/versions", headers=world.staff())
    ).json()["items"]
    assert [(v["number"], v["reason"]) for v in versions] == [
        (1, "发布"),
        (2, "调整适用范围"),
        (3, "已被新规定替代"),
    ]
    assert versions[1]["changes"] == {
        "validity": {"old": "in_force", "new": "amended"},
        "amended_by": {"old": None, "new": amending["id"]},
    }
    assert versions[2]["changes"]["validity"] == {"old": "amended", "new": "repealed"}
    assert all(v["actor"] == f"staff-{world.agency['id'][:8]}" and v["recorded_at"]
               for v in versions)  # fmt: skip
    # Each event is a resource of its own.
    one = await world.docs.get(f"{DOCS}/{original['id']}/events/{events[2]['id']}")
    assert one.status_code == 200
    assert one.json() == events[2]
    elsewhere = await world.docs.get(f"{DOCS}/{amending['id']}/events/{events[0]['id']}")
    assert elsewhere.status_code == 404
    assert elsewhere.headers["content-type"] == PROBLEM
    # Linked both ways: the amending document's events show what it amended.
    theirs = (await world.docs.get(f"{DOCS}/{amending['id']}/events")).json()["items"]
    assert [(e["kind"], e["document_id"]) for e in theirs] == [
        ("published", amending["id"]),
        ("amended", original["id"]),
    ]

    again = await world.docs.post(
        f"{DOCS}/{original['id']}/repeal",
        json={"repealed_on": "2023-03-01", "decision": "市政府常务会议决定", "reason": "再次废止"},
        headers=world.staff(),
    )
    assert again.status_code == 409
    assert again.headers["content-type"] == PROBLEM
    late_amend = await world.docs.post(
        f"{DOCS}/{original['id']}/amend",
        json={"amending_document_id": amending["id"], "amended_on": "2023-05-01"},
        headers=world.staff(),
    )
    assert late_amend.status_code == 409
    assert "已废止" in late_amend.json()["detail"]


async def test_expiry_and_partial_invalidity(world: World) -> None:
    short = await world.create(
        doc_number="张政办发〔2020〕7号", written_on="2020-05-01", expires_on="2021-04-30"
    )
    short = await world.publish(short, "2020-05-06")
    assert short["id"] in await in_force(world, "2021-04-30")
    assert short["id"] not in await in_force(world, "2021-05-01")
    assert short["validity"]["status"] == "expired"

    recorded = await world.docs.post(f"{DOCS}/expiries", headers=world.admin())
    assert recorded.json() == {"expired": 1}
    assert (await world.docs.post(f"{DOCS}/expiries", headers=world.admin())).json() == {
        "expired": 0
    }
    events = (await world.docs.get(f"{DOCS}/{short['id']}/events")).json()["items"]
    assert [(e["kind"], e["occurred_on"]) for e in events][-1] == ("expired", "2021-05-01")
    versions = (await world.docs.get(f"{DOCS}/{short['id']}/versions")).json()["items"]
    assert (versions[-1]["reason"], versions[-1]["changes"]) == (
        "有效期至 2021-04-30 届满",
        {"validity": {"old": "in_force", "new": "expired"}},
    )

    base = await world.publish(
        await world.create(doc_number="张政办发〔2020〕8号", written_on="2020-05-01"), "2020-05-02"
    )
    amending = await world.publish(
        await world.create(doc_number="张政办发〔2020〕9号", written_on="2020-08-01"), "2020-08-02"
    )
    partial = await world.docs.post(
        f"{DOCS}/{base['id']}/amend",
        json={
            "amending_document_id": amending["id"],
            "amended_on": "2020-08-02",
            "partial_invalidity": True,
        },
        headers=world.staff(),
    )
    assert partial.json()["validity"]["status"] == "partially_invalid"
    assert base["id"] in await in_force(world, "2020-09-01")
    listed = await world.docs.get(DOCS, params={"validity": "partially_invalid"})
    assert [d["id"] for d in listed.json()["items"]] == [base["id"]]


async def test_publication_rules(world: World) -> None:
    """AUTHZ-05 on the publish route: a stale multi-factor login gives 401."""
    no_attribute = await world.create(disclosure=None)
    refused = await world.docs.post(f"{DOCS}/{no_attribute['id']}/publish", headers=world.staff())
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("disclosure-missing")
    assert "公开属性" in refused.json()["detail"]
    still = await world.docs.get(f"{DOCS}/{no_attribute['id']}", headers=world.staff())
    assert still.json()["status"] == "draft"
    assert (
        await world.docs.get(f"{DOCS}/{no_attribute['id']}/events", headers=world.staff())
    ).json()["items"] == []

    document = await world.create(doc_number="张政办函〔2020〕55号")
    url = f"{DOCS}/{document['id']}/publish"
    future = (today() + dt.timedelta(days=3)).isoformat()
    for body, code in (
        ({"published_on": future}, 422),
        ({"published_on": "2020-09-01"}, 422),  # before 成文日期
        ({"published_at": "2020-09-20"}, 422),
    ):
        response = await world.docs.post(url, json=body, headers=world.staff())
        assert response.status_code == code, body
    stale_mfa = world.staff(auth_time=int(time.time()) - 3600)
    assert (await world.docs.post(url, headers=stale_mfa)).status_code == 401
    editor_only = world.tokens.headers(
        roles=["editor"], scopes=["documents:write"], agencies=[world.agency["id"]]
    )
    assert (await world.docs.post(url, headers=editor_only)).status_code == 403
    await world.publish(document)
    twice = await world.docs.post(url, headers=world.staff())
    assert twice.status_code == 409


async def test_global_event_feed_hides_non_public_documents(world: World) -> None:
    public = await world.publish(await world.create(doc_number="张政办发〔2020〕21号"))
    withheld = await world.publish(
        await world.create(
            doc_number="张政办发〔2020〕22号",
            disclosure="withheld",
            disclosure_reason="内部事务",
            disclosure_legal_basis="第十六条",
        )
    )
    repeal = await world.docs.post(
        f"{DOCS}/{withheld['id']}/repeal",
        json={
            "repealed_on": today().isoformat(),  # China date, as publishing uses
            "repealing_document_id": public["id"],
            "reason": "合并",
        },
        headers=world.staff(),
    )
    assert repeal.status_code == 200, repeal.text
    feed = (await world.docs.get(f"{DOCS}/events")).json()
    assert [(e["document_id"], e["kind"]) for e in feed["items"]] == [(public["id"], "published")]
    own = (
        await world.docs.get(f"{DOCS}/events", params={"limit": 1}, headers=world.staff())
    ).json()
    assert len(own["items"]) == 1
    rest = await world.docs.get(
        f"{DOCS}/events", params={"cursor": own["next_cursor"]}, headers=world.staff()
    )
    kinds = [e["kind"] for e in own["items"] + rest.json()["items"]]
    assert kinds == ["published", "published", "repealed"]
    # The public list of what the repealing document did shows nothing of the withheld one.
    theirs = (await world.docs.get(f"{DOCS}/{public['id']}/events")).json()["items"]
    assert [e["kind"] for e in theirs] == ["published"]


async def test_amend_and_repeal_need_a_later_act(world: World) -> None:
    earlier = await world.publish(
        await world.create(doc_number="张政办发〔2019〕1号", written_on="2019-03-01"), "2019-03-02"
    )
    target = await world.publish(
        await world.create(doc_number="张政办发〔2020〕1号", written_on="2020-03-01"), "2020-03-02"
    )
    later = await world.publish(
        await world.create(doc_number="张政办发〔2021〕1号", written_on="2021-03-01"), "2021-03-02"
    )
    url = f"{DOCS}/{target['id']}"
    cases = [
        ("amend", {"amending_document_id": earlier["id"], "amended_on": "2021-04-01"},
         "acting-document-earlier"),
        ("amend", {"amending_document_id": later["id"], "amended_on": "2020-06-01"},
         "takes-effect-before-act"),
        ("repeal", {"repealing_document_id": earlier["id"], "repealed_on": "2021-04-01",
                    "reason": "x"}, "acting-document-earlier"),
        ("repeal", {"repealing_document_id": later["id"], "repealed_on": "2020-06-01",
                    "reason": "x"}, "takes-effect-before-act"),
        ("amend", {"amending_document_id": target["id"], "amended_on": "2021-04-01"}, None),
        ("repeal", {"repealed_on": "2021-04-01", "reason": "x"}, None),  # no act named
    ]  # fmt: skip
    for action, body, code in cases:
        response = await world.docs.post(f"{url}/{action}", json=body, headers=world.staff())
        assert response.status_code == 422, (action, body, response.text)
        assert response.headers["content-type"] == PROBLEM
        if code:
            assert response.json()["type"].endswith(code), response.text
    # Nothing happened to the target.
    events = (await world.docs.get(f"{url}/events")).json()["items"]
    assert [e["kind"] for e in events] == ["published"]
    assert target["id"] in await in_force(world, "2022-01-01")
