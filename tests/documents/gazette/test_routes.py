"""政府公报: issues with ordered contents, linked both ways with the documents they carry."""

from tests.support.documents import DOCS, World

GAZETTE = f"{DOCS}/gazette"


async def test_issue_carries_documents_both_ways(world: World) -> None:
    first = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    second = await world.create(
        doc_number="张政办函〔2020〕2号", title="关于做好秋冬季森林防火工作的通知"
    )
    body = {
        "agency_id": world.agency["id"],
        "title": "张掖市人民政府公报",
        "year": 2020,
        "issue_number": 10,
        "total_number": 236,
        "issued_on": "2020-10-30",
        "entries": [
            {"document_id": first["id"], "section": "市政府办公室文件"},
            {"document_id": second["id"], "section": "市政府办公室文件"},
            {"title": "2020 年 9 月大事记", "section": "政务信息"},
        ],
    }
    created = await world.docs.post(GAZETTE, json=body, headers=world.staff())
    assert created.status_code == 201, created.text
    issue = created.json()
    assert [(e["position"], e["title"]) for e in issue["entries"]] == [
        (1, first["title"]),
        (2, "关于做好秋冬季森林防火工作的通知"),
        (3, "2020 年 9 月大事记"),
    ]
    assert (await world.docs.get(GAZETTE)).json()["items"] == []  # a draft issue is not public
    duplicate = await world.docs.post(GAZETTE, json=body, headers=world.staff())
    assert duplicate.status_code == 409

    publish = f"{GAZETTE}/{issue['id']}/publish"
    early = await world.docs.post(publish, headers=world.staff())
    assert early.status_code == 409
    assert "尚未作为主动公开文件发布" in early.json()["detail"]
    await world.publish(second)
    published = await world.docs.post(publish, headers=world.staff())
    assert published.status_code == 200, published.text

    public = await world.docs.get(GAZETTE, params={"year": 2020})
    assert [(i["issue_number"], i["total_number"]) for i in public.json()["items"]] == [(10, 236)]
    carried = await world.docs.get(f"{DOCS}/{first['id']}/gazette")
    assert [i["id"] for i in carried.json()["items"]] == [issue["id"]]
    read = await world.docs.get(f"{GAZETTE}/{issue['id']}")
    assert [e["document_id"] for e in read.json()["entries"]] == [first["id"], second["id"], None]


async def test_gazette_input_is_checked(world: World) -> None:
    withheld = await world.create(
        disclosure="withheld", disclosure_reason="内部事务", disclosure_legal_basis="第十六条"
    )
    base = {
        "agency_id": world.agency["id"],
        "year": 2020,
        "issue_number": 1,
        "issued_on": "2020-01-15",
    }
    cases = [
        ({**base, "entries": [{"document_id": withheld["id"]}]}, 422, "主动公开"),
        ({**base, "entries": [{"section": "空条目"}]}, 422, "document_id"),
        ({**base, "issued_on": "2021-01-15"}, 422, "年度"),
        ({**base, "agency_id": world.other["id"]}, 403, "本机关"),
        ({**base, "issue_number": 0}, 422, "issue_number"),
    ]
    for body, status, text in cases:
        response = await world.docs.post(GAZETTE, json=body, headers=world.staff())
        assert response.status_code == status, (body, response.text)
        assert text in response.text
    assert (await world.docs.get(GAZETTE, headers=world.staff())).json()["items"] == []
