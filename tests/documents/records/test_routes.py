"""The document record over HTTP: numbers, agencies, dates, HTML, paging and bad input."""

import uuid

from tests.support.documents import DOCS, PROBLEM, World, document_body


async def test_create_read_and_list(world: World) -> None:
    created = await world.create(
        doc_number="张政办函 [2020] 100 号",
        body_html='<p onclick="steal()">正文<script>alert(1)</script></p>',
        joint_agency_ids=[world.other["id"]],
    )
    assert created["index_number"] == "ZYSZFB-2020-0001"
    assert created["doc_number"] == "张政办函 [2020] 100 号"
    assert created["number"] == {
        "original": "张政办函 [2020] 100 号",
        "normalised": "张政办函〔2020〕100号",
        "code": "张政办函",
        "year": 2020,
        "sequence": 100,
        "is_order": False,
    }
    assert created["body_html"] == "<p>正文</p>"
    assert [(a["name"], a["lead"]) for a in created["agencies"]] == [
        ("张掖市人民政府办公室", True),
        ("甘州区人民政府办公室", False),
    ]
    assert created["type"] == {"code": "normative", "name": "行政规范性文件"}
    assert created["subject"] == {"code": "0201", "name": "政务公开"}
    assert created["status"] == "draft"
    assert created["validity"] is None
    # 2020-09-17 is day 0; the 20th working day skips 国庆/中秋 (10-01 … 10-08) and counts
    # the make-up Sunday 09-27 and Saturday 10-10: 10-21, not the naive 10-15.
    assert created["publish_due_on"] == "2020-10-21"

    second = await world.create(doc_number="张政办函〔2020〕101号", written_on="2020-10-01")
    assert second["index_number"] == "ZYSZFB-2020-0002"
    other = await world.create(
        world.other, doc_number="区政办发〔2021〕1号", written_on="2021-01-05"
    )
    # The default gov.cn pattern: {org_code}/{year}-{seq:05d}, org code inside the credit code.
    assert other["index_number"] == f"{world.other['credit_code'][8:17]}/2021-00001"

    staff = world.staff()
    read = await world.docs.get(f"{DOCS}/{created['id']}", headers=staff)
    assert read.status_code == 200
    assert read.json() == created
    assert read.headers["etag"] == '"1"'

    listed = await world.docs.get(DOCS, params={"limit": 1}, headers=staff)
    body = listed.json()
    assert [d["id"] for d in body["items"]] == [second["id"]]
    following = await world.docs.get(
        DOCS, params={"limit": 1, "cursor": body["next_cursor"]}, headers=staff
    )
    assert [d["id"] for d in following.json()["items"]] == [created["id"]]
    assert following.json()["next_cursor"] is None

    # Joint issuance: the co-issuer's staff see the draft too, and agency_id filters by issuer.
    joint = await world.docs.get(
        DOCS, params={"agency_id": world.other["id"]}, headers=world.staff(world.other)
    )
    assert {d["id"] for d in joint.json()["items"]} == {created["id"], other["id"]}
    by_number = await world.docs.get(
        DOCS, params={"doc_number": "张政办函(2020)100号"}, headers=staff
    )
    assert [d["id"] for d in by_number.json()["items"]] == [created["id"]]


async def test_unknown_agency_and_bad_input_are_chinese_problems(world: World) -> None:
    staff = world.staff()
    unknown = str(uuid.uuid4())
    admin = world.admin()
    response = await world.docs.post(DOCS, json=document_body(unknown), headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert "未在目录中登记" in response.json()["detail"]
    assert response.json()["type"].endswith("agency-not-found")

    joint = document_body(world.agency["id"], joint_agency_ids=[unknown])
    response = await world.docs.post(DOCS, json=joint, headers=staff)
    assert response.status_code == 422
    assert "joint_agency_ids[0]" in response.json()["detail"]

    cases = [
        ({"written_on": "2020-02-30"}, "日期"),
        ({"effective_on": "2020-09-01"}, "施行日期不能早于成文日期"),
        ({"expires_on": "2020-09-01"}, "有效期至不能早于"),
        ({"written_on": "2999-01-01"}, "成文日期不能晚于今天"),
        ({"type_code": "nope"}, "文件类型代码 nope 不存在"),
        ({"subject_code": "99"}, "主题分类代码 99 不存在"),
        ({"disclosure": "withheld"}, "理由"),
        ({"title": ""}, "长度不能少于"),
        ({"status": "published"}, "不允许提交此字段"),
    ]
    for fields, message in cases:
        response = await world.docs.post(
            DOCS, json=document_body(world.agency["id"], **fields), headers=staff
        )
        assert response.status_code == 422, (fields, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert message in response.text, (fields, response.text)

    # Nothing of the refused requests was written, and no 索引号 number was used up.
    listed = await world.docs.get(DOCS, headers=admin)
    assert listed.json()["items"] == []
    first = await world.create()
    assert first["index_number"] == "ZYSZFB-2020-0001"


async def test_duplicate_number_for_one_agency_is_a_conflict(world: World) -> None:
    await world.create(doc_number="张政办函〔2020〕100号")
    again = await world.docs.post(
        DOCS,
        json=document_body(world.agency["id"], doc_number="张政办函【2020】100 号"),
        headers=world.staff(),
    )
    assert again.status_code == 409
    assert "张政办函〔2020〕100号" in again.json()["detail"]
    # The same number at another agency is a different document.
    await world.create(world.other, doc_number="张政办函〔2020〕100号")
    count = await world.docs.get(f"{DOCS}/count", headers=world.admin())
    assert count.json() == {"count": 2}


async def test_rules_are_numbered_as_orders(world: World) -> None:
    rule = await world.create(
        type_code="rule", doc_number="张掖市人民政府令 第 12 号", is_policy=False
    )
    assert rule["number"]["is_order"] is True
    assert rule["number"]["normalised"] == "张掖市人民政府令第12号"
    assert rule["type"]["name"] == "规章"


async def test_writers_must_act_for_the_agency(world: World) -> None:
    """AUTHZ-02 for creation: another agency's staff get 403."""
    body = document_body(world.agency["id"])
    assert (await world.docs.post(DOCS, json=body)).status_code == 401
    other_staff = world.staff(world.other)
    refused = await world.docs.post(DOCS, json=body, headers=other_staff)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == PROBLEM
    applicant = world.tokens.headers(roles=["applicant"], scopes=["documents:write"])
    assert (await world.docs.post(DOCS, json=body, headers=applicant)).status_code == 403
