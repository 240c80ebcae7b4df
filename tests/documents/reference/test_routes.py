"""Document types and 主题分类 are reference data: seeded, and edited by platform admins."""

from tests.support.documents import DOCS, PROBLEM, World, document_body


async def test_seeded_types_and_the_gov_cn_subject_classes(world: World) -> None:
    types = {t["code"]: t for t in (await world.docs.get(f"{DOCS}/types")).json()["items"]}
    assert {c: t["name"] for c, t in types.items()} == {
        "rule": "规章",
        "normative": "行政规范性文件",
        "policy": "其他政策文件",
        "other": "其他文件",
    }
    assert types["rule"]["numbered_as_order"] is True
    subjects = (await world.docs.get(f"{DOCS}/subjects")).json()["items"]
    top = [s["name"] for s in subjects if s["parent_code"] is None]
    assert len(top) == 22
    assert "综合政务" in top


async def test_admins_add_and_rename_entries_others_may_not(world: World) -> None:
    body = {"name": "会议纪要", "sort_order": 50}
    assert (await world.docs.put(f"{DOCS}/types/minutes", json=body)).status_code == 401
    editor = await world.docs.put(f"{DOCS}/types/minutes", json=body, headers=world.staff())
    assert editor.status_code == 403
    added = await world.docs.put(f"{DOCS}/types/minutes", json=body, headers=world.admin())
    assert added.status_code == 200, added.text
    # A new type is usable at once: reference data, not code.
    document = await world.create(type_code="minutes")
    assert document["type"] == {"code": "minutes", "name": "会议纪要"}
    renamed = await world.docs.put(
        f"{DOCS}/types/minutes", json={"name": "纪要", "sort_order": 50}, headers=world.admin()
    )
    assert renamed.json()["name"] == "纪要"

    subject = await world.docs.put(
        f"{DOCS}/subjects/0299", json={"name": "政务督查", "parent_code": "02"},
        headers=world.admin(),
    )  # fmt: skip
    assert subject.status_code == 200, subject.text
    listed = await world.docs.post(
        DOCS, json=document_body(world.agency["id"], doc_number="张政办函〔2020〕7号",
                                 subject_code="0299"),
        headers=world.staff(),
    )  # fmt: skip
    assert listed.json()["subject"] == {"code": "0299", "name": "政务督查"}


async def test_bad_reference_data_is_refused_in_chinese(world: World) -> None:
    admin = world.admin()
    cases = [
        (f"{DOCS}/types/Bad-Code", {"name": "x"}, "小写字母"),
        (f"{DOCS}/subjects/02", {"name": "综合政务", "parent_code": "02"}, "自身"),
        (f"{DOCS}/subjects/0298", {"name": "x", "parent_code": "77"}, "主题分类代码 77 不存在"),
        # 0201's parent is 02: 02 under 0201 would make a loop.
        (f"{DOCS}/subjects/02", {"name": "综合政务", "parent_code": "0201"}, "下级"),
        (f"{DOCS}/types/minutes", {"name": ""}, "长度"),
    ]
    for url, body, message in cases:
        response = await world.docs.put(url, json=body, headers=admin)
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert message in response.text, (url, response.text)
    subjects = {s["code"]: s for s in (await world.docs.get(f"{DOCS}/subjects")).json()["items"]}
    assert subjects["02"]["parent_code"] is None
