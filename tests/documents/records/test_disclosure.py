"""公开属性: reasons and legal grounds, yearly review, reclassification with history."""

from tests.support.documents import DOCS, World

REASONS = {"reason": "涉及内部管理", "legal_basis": "《政府信息公开条例》第十六条"}


async def test_non_public_attributes_need_reason_and_ground(world: World) -> None:
    draft = await world.create(disclosure=None)
    url = f"{DOCS}/{draft['id']}/disclosure"
    for body in (
        {"attribute": "withheld"},
        {"attribute": "on_request", "reason": "涉及内部管理"},
        {"attribute": "withheld", "legal_basis": "第十六条"},
    ):
        response = await world.docs.put(url, json=body, headers=world.staff())
        assert response.status_code == 422, body
        assert "法律依据" in response.json()["detail"]
    history = await world.docs.get(url, headers=world.staff())
    assert history.json()["items"] == []

    set_ = await world.docs.put(
        url, json={"attribute": "withheld", **REASONS}, headers=world.staff()
    )
    assert set_.status_code == 200, set_.text
    detail = set_.json()["disclosure_detail"]
    assert detail["label"] == "不予公开"
    assert detail["legal_basis"] == REASONS["legal_basis"]
    assert detail["review_due_on"] is not None


async def test_review_list_and_reclassification_history(world: World) -> None:
    withheld = await world.publish(
        await world.create(
            disclosure="withheld",
            disclosure_reason="涉及内部管理",
            disclosure_legal_basis="第十六条",
        )
    )
    public = await world.publish(await world.create(doc_number="张政办函〔2020〕8号"))
    reviews = f"{DOCS}/disclosure-reviews"
    next_year = withheld["disclosure_detail"]["review_due_on"]
    due = await world.docs.get(reviews, params={"due_by": next_year}, headers=world.staff())
    assert [d["id"] for d in due.json()["items"]] == [withheld["id"]]
    not_yet = await world.docs.get(reviews, headers=world.staff())
    assert not_yet.json()["items"] == []
    # The review list is for staff; another agency's staff see none of ours.
    assert (await world.docs.get(reviews)).status_code == 401
    theirs = await world.docs.get(
        reviews, params={"due_by": next_year}, headers=world.staff(world.other)
    )
    assert theirs.json()["items"] == []

    url = f"{DOCS}/{withheld['id']}/disclosure"
    changed = await world.docs.put(
        url,
        json={"attribute": "public", "comment": "年度审查：已不涉及内部事务"},
        headers=world.staff(),
    )
    assert changed.status_code == 200
    assert changed.json()["disclosure_detail"]["reason"] is None
    # Now public: the public sees it, with its reclassification event but not the old reasons.
    listed = await world.docs.get(DOCS)
    assert {d["id"] for d in listed.json()["items"]} == {withheld["id"], public["id"]}
    assert (await world.docs.get(url)).json()["items"] == []
    history = (await world.docs.get(url, headers=world.staff())).json()["items"]
    assert [(h["previous"], h["attribute"], h["is_review"]) for h in history] == [
        (None, "withheld", False),
        ("withheld", "public", False),
    ]
    events = (await world.docs.get(f"{DOCS}/{withheld['id']}/events")).json()["items"]
    assert [e["kind"] for e in events] == ["published", "reclassified"]
    versions = (
        await world.docs.get(f"{DOCS}/{withheld['id']}/versions", headers=world.staff())
    ).json()
    assert versions["items"][-1]["changes"] == {"disclosure": {"old": "withheld", "new": "public"}}

    # Back to 不予公开: it vanishes from every public list and count again.
    again = await world.docs.put(
        url, json={"attribute": "withheld", **REASONS}, headers=world.staff()
    )
    assert again.status_code == 200
    assert [d["id"] for d in (await world.docs.get(DOCS)).json()["items"]] == [public["id"]]
    assert (await world.docs.get(f"{DOCS}/count")).json() == {"count": 1}
    assert (await world.docs.get(f"{DOCS}/{withheld['id']}")).status_code == 404
