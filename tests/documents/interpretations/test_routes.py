"""政策解读 linked both ways, and 三同步: a policy document is published with its interpretation."""

from typing import Any

from tests.support.documents import DOCS, World

INTERPRETATIONS = f"{DOCS}/interpretations"


def interpretation_body(world: World, *documents: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "agency_id": world.agency["id"],
        "kind": "qa",
        "title": "《张掖市落实政务公开重点工作推进方案》政策问答",
        "body_text": "问：方案的主要任务有哪些？答：……",
        "document_ids": [d["id"] for d in documents],
        **fields,
    }


async def test_policy_documents_need_an_interpretation_or_a_reason(world: World) -> None:
    policy = await world.create(is_policy=True)
    refused = await world.docs.post(f"{DOCS}/{policy['id']}/publish", headers=world.staff())
    assert refused.status_code == 422
    assert refused.json()["type"].endswith("interpretation-required")
    assert "三同步" in refused.json()["detail"]
    assert (await world.docs.get(f"{DOCS}/{policy['id']}", headers=world.staff())).json()[
        "status"
    ] == "draft"

    created = await world.docs.post(
        INTERPRETATIONS, json=interpretation_body(world, policy), headers=world.staff()
    )
    assert created.status_code == 201, created.text
    interpretation = created.json()
    assert interpretation["status"] == "draft"
    assert interpretation["kind_label"] == "问答"
    # A draft interpretation is not public, and cannot be published before its document.
    assert (await world.docs.get(INTERPRETATIONS)).json()["items"] == []
    early = await world.docs.post(
        f"{INTERPRETATIONS}/{interpretation['id']}/publish", headers=world.staff()
    )
    assert early.status_code == 409

    published = await world.publish(policy)
    assert published["status"] == "published"
    # Published together, and linked both ways.
    listed = (await world.docs.get(f"{DOCS}/{policy['id']}/interpretations")).json()["items"]
    assert [(i["id"], i["status"]) for i in listed] == [(interpretation["id"], "published")]
    read = await world.docs.get(f"{INTERPRETATIONS}/{interpretation['id']}")
    assert read.json()["document_ids"] == [policy["id"]]

    exempt = await world.create(
        doc_number="张政办函〔2020〕200号",
        is_policy=True,
        interpretation_exemption="属于内部工作安排，无需解读",
    )
    assert (await world.publish(exempt))["status"] == "published"


async def test_interpretations_of_non_public_documents_stay_hidden(world: World) -> None:
    withheld = await world.create(
        is_policy=True,
        disclosure="withheld",
        disclosure_reason="涉及内部管理",
        disclosure_legal_basis="第十六条",
    )
    created = await world.docs.post(
        INTERPRETATIONS, json=interpretation_body(world, withheld), headers=world.staff()
    )
    interpretation = created.json()
    await world.publish(withheld)
    for headers in ({}, world.staff(world.other)):
        assert (await world.docs.get(INTERPRETATIONS, headers=headers)).json()["items"] == []
        hidden = await world.docs.get(f"{INTERPRETATIONS}/{interpretation['id']}", headers=headers)
        assert hidden.status_code == 404
    own = await world.docs.get(f"{INTERPRETATIONS}/{interpretation['id']}", headers=world.staff())
    assert own.json()["status"] == "published"


async def test_interpretation_input_is_checked(world: World) -> None:
    draft = await world.create()
    other_draft = await world.create(world.other, doc_number="区政办发〔2021〕1号")
    cases = [
        (interpretation_body(world), 422),
        (interpretation_body(world, draft, kind="poem"), 422),
        (interpretation_body(world, other_draft), 422),  # invisible to us: as if missing
        (interpretation_body(world, draft, agency_id=world.other["id"]), 403),
        (interpretation_body(world, draft, url="javascript:alert(1)"), 422),
    ]
    for body, status in cases:
        response = await world.docs.post(INTERPRETATIONS, json=body, headers=world.staff())
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert (await world.docs.get(INTERPRETATIONS, headers=world.staff())).json()["items"] == []
