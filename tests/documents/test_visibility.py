"""Non-public records leave no trace for the public or for other agencies' staff."""

from tests.support.documents import DOCS, World

REASONS = {
    "disclosure_reason": "涉及内部管理事务",
    "disclosure_legal_basis": "《政府信息公开条例》第十六条",
}


async def test_only_published_public_documents_are_public(world: World) -> None:
    public = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    on_request = await world.publish(
        await world.create(doc_number="张政办函〔2020〕2号", disclosure="on_request", **REASONS)
    )
    withheld = await world.publish(
        await world.create(doc_number="张政办函〔2020〕3号", disclosure="withheld", **REASONS)
    )
    draft = await world.create(doc_number="张政办函〔2020〕4号")
    hidden = [on_request, withheld, draft]

    everyone = {
        "public": {},
        "other agency staff": world.staff(world.other),
        "applicant": world.tokens.headers(roles=["applicant"]),
    }
    for who, headers in everyone.items():
        listed = await world.docs.get(DOCS, headers=headers)
        assert [d["id"] for d in listed.json()["items"]] == [public["id"]], who
        count = await world.docs.get(f"{DOCS}/count", headers=headers)
        assert count.json() == {"count": 1}, who
        for params in (
            {"disclosure": "withheld"},
            {"disclosure": "on_request"},
            {"status": "draft"},
            {"in_force_on": "2020-12-31"},
            {"agency_id": world.agency["id"]},
            {"q": "张掖"},
            {"doc_number": "张政办函〔2020〕2号"},
        ):
            listed = await world.docs.get(DOCS, params=params, headers=headers)
            assert {d["id"] for d in listed.json()["items"]} <= {public["id"]}, (who, params)
            count = await world.docs.get(f"{DOCS}/count", params=params, headers=headers)
            assert count.json()["count"] <= 1, (who, params)
        for document in hidden:
            for suffix in ("", "/events", "/versions", "/validity", "/disclosure"):
                response = await world.docs.get(f"{DOCS}/{document['id']}{suffix}", headers=headers)
                assert response.status_code == 404, (who, suffix)
                assert document["title"] not in response.text

    own = world.staff()
    listed = await world.docs.get(DOCS, headers=own)
    assert {d["id"] for d in listed.json()["items"]} == {d["id"] for d in [public, *hidden]}
    count = await world.docs.get(f"{DOCS}/count", params={"disclosure": "withheld"}, headers=own)
    assert count.json() == {"count": 1}


async def test_other_agencies_cannot_change_records(world: World) -> None:
    public = await world.publish(await world.create())
    draft = await world.create(doc_number="张政办函〔2020〕9号")
    other = world.staff(world.other)
    # Visible to them (public) → 403; invisible (draft) → 404; and nothing changes.
    patch = await world.docs.patch(
        f"{DOCS}/{public['id']}", json={"title": "篡改", "change_reason": "x"},
        headers={**other, "If-Match": '"2"'},
    )  # fmt: skip
    assert patch.status_code == 403
    hidden = await world.docs.patch(
        f"{DOCS}/{draft['id']}", json={"title": "篡改"}, headers={**other, "If-Match": '"1"'}
    )
    assert hidden.status_code == 404
    publish = await world.docs.post(f"{DOCS}/{draft['id']}/publish", headers=other)
    assert publish.status_code == 404
    attribute = await world.docs.put(
        f"{DOCS}/{public['id']}/disclosure", json={"attribute": "public"}, headers=other
    )
    assert attribute.status_code == 403
    for document in (public, draft):
        read = await world.docs.get(f"{DOCS}/{document['id']}", headers=world.admin())
        assert read.json()["title"] == document["title"]
        assert read.json()["version"] == document["version"]
