"""Template → instance → template change → comparison → pull, over HTTP."""

import httpx

from services.catalog.domains.seed import domain_id
from services.common.auth import Role
from tests.support.catalog import (
    CATALOG,
    catalog_editor,
    item_body,
    platform_admin,
    register_agency,
)
from tests.support.tokens import TokenMinter


async def test_template_instance_comparison_and_pull(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    other = await register_agency(catalog, tokens, "西街街道办事处")
    admin = platform_admin(tokens)
    editor = catalog_editor(tokens, agency)
    guideline = {
        "domain_id": str(domain_id("land-expropriation-compensation")),
        "name": "征地补偿领域基层政务公开标准指引",
        "issuer": "自然资源部",
        "items": [item_body(), item_body("征地补偿标准")],
    }
    staff = tokens.headers(roles=[Role.AGENCY_ADMIN], scopes=["catalog:manage"])
    assert (
        await catalog.post(f"{CATALOG}/templates", json=guideline, headers=staff)
    ).status_code == 403
    created = await catalog.post(f"{CATALOG}/templates", json=guideline, headers=admin)
    assert created.status_code == 201, created.text
    template = created.json()
    assert (template["revision"], len(template["items"])) == (1, 2)
    first, second = template["items"]
    wrong_domain = item_body("社会救助", domain_id=str(domain_id("social-assistance")))
    refused = await catalog.post(
        f"{CATALOG}/templates/{template['id']}/items", json=wrong_domain, headers=admin
    )
    assert refused.status_code == 422

    # The agency copies the template and localises subject, channels and phone.
    instance_body = {
        "template_id": template["id"],
        "subject": "东街街道办事处",
        "channels": ["website", "notice_board"],
        "phone": "0936-8210001",
    }
    instances = f"{CATALOG}/agencies/{agency}/instances"
    stranger = catalog_editor(tokens, other)
    assert (await catalog.post(instances, json=instance_body, headers=stranger)).status_code == 403
    made = await catalog.post(instances, json=instance_body, headers=editor)
    assert made.status_code == 201, made.text
    instance = made.json()
    assert (instance["up_to_date"], instance["base_revision"]) == (True, 1)
    again = await catalog.post(instances, json=instance_body, headers=editor)
    assert again.status_code == 409
    drafts = (await catalog.get(f"{CATALOG}/agencies/{agency}/draft/items", headers=editor)).json()
    assert [(i["level1"], i["subject"], i["channels"], i["phone"]) for i in drafts["items"]] == [
        ("征收土地信息", "东街街道办事处", ["website", "notice_board"], "0936-8210001"),
        ("征地补偿标准", "东街街道办事处", ["website", "notice_board"], "0936-8210001"),
    ]
    assert drafts["items"][0]["template_item_id"] == first["id"]

    # The template changes: a deadline and channels, one item dropped, one added.
    changed = await catalog.patch(
        f"{CATALOG}/templates/{template['id']}/items/{first['id']}",
        json={
            "deadline": {"text": "信息形成之日起10个工作日内"},
            "channels": ["website", "gazette"],
        },
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    dropped = await catalog.delete(
        f"{CATALOG}/templates/{template['id']}/items/{second['id']}", headers=admin
    )
    assert dropped.status_code == 200
    added = await catalog.post(
        f"{CATALOG}/templates/{template['id']}/items", json=item_body("征地听证"), headers=admin
    )
    assert added.json()["revision"] == 4
    third = added.json()["items"][-1]

    listed = (await catalog.get(instances, headers=editor)).json()["items"]
    assert [(i["up_to_date"], i["template_revision"]) for i in listed] == [(False, 4)]
    comparison_url = f"{instances}/{instance['id']}/comparison"
    assert (await catalog.get(comparison_url)).status_code == 401
    assert (await catalog.get(comparison_url, headers=stranger)).status_code == 403
    comparison = (await catalog.get(comparison_url, headers=editor)).json()
    by_kind = {c["kind"]: c for c in comparison["changes"]}
    assert set(by_kind) == {"changed", "removed", "added"}
    assert by_kind["changed"]["template_item_id"] == first["id"]
    assert set(by_kind["changed"]["fields"]) == {"deadline", "channels"}
    assert by_kind["changed"]["fields"]["channels"] == {
        "template_before": ["website", "new_media", "service_centre"],
        "template_after": ["website", "gazette"],
        "instance": ["website", "notice_board"],
    }
    assert by_kind["removed"]["template_item_id"] == second["id"]
    assert by_kind["removed"]["instance_item_id"] == drafts["items"][1]["id"]
    assert by_kind["added"]["template_item_id"] == third["id"]

    # Pull only the changed item: its deadline follows the template, channels stay local.
    pull_url = f"{instances}/{instance['id']}/pull"
    partial = await catalog.post(
        pull_url, json={"template_item_ids": [first["id"]]}, headers=editor
    )
    assert partial.status_code == 200, partial.text
    assert (partial.json()["changed"], len(partial.json()["comparison"]["changes"])) == (1, 2)
    item = (
        await catalog.get(
            f"{CATALOG}/items/{drafts['items'][0]['id']}", params={"view": "draft"}, headers=editor
        )
    ).json()
    assert item["deadline"]["rule"]["number"] == 10
    assert item["channels"] == ["website", "notice_board"]
    assert (await catalog.get(instances, headers=editor)).json()["items"][0]["up_to_date"] is False
    nothing = await catalog.post(
        pull_url, json={"template_item_ids": [first["id"]]}, headers=editor
    )
    assert nothing.status_code == 422

    everything = await catalog.post(pull_url, json={}, headers=editor)
    assert everything.status_code == 200, everything.text
    assert (everything.json()["added"], everything.json()["removed"]) == (1, 1)
    assert everything.json()["comparison"]["changes"] == []
    drafts = (await catalog.get(f"{CATALOG}/agencies/{agency}/draft/items", headers=editor)).json()
    assert [(i["level1"], i["subject"]) for i in drafts["items"]] == [
        ("征收土地信息", "东街街道办事处"),
        ("征地听证", "东街街道办事处"),
    ]
    assert (await catalog.get(instances, headers=editor)).json()["items"][0]["up_to_date"] is True
    public = await catalog.get(f"{CATALOG}/templates/{template['id']}")
    assert [i["level1"] for i in public.json()["items"]] == ["征收土地信息", "征地听证"]
