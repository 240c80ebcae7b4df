"""schema.org Legislation (JSON-LD) of a public document, by sub-resource and by Accept."""

import json

from services.documents.records.jsonld import wants_jsonld
from tests.support.documents import DOCS, World

LD = "application/ld+json"


async def test_legislation_carries_number_dates_agencies_and_force(world: World) -> None:
    document = await world.publish(
        await world.create(
            joint_agency_ids=[world.other["id"]], keywords=["政务公开", "标准化"],
            expires_on="2030-12-31",
        ),
        "2020-09-20",
    )  # fmt: skip
    response = await world.docs.get(f"{DOCS}/{document['id']}/jsonld")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(LD)
    data = json.loads(response.content)
    url = f"http://testserver{DOCS}/{document['id']}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Legislation"
    assert data["@id"] == url
    assert data["name"] == document["title"]
    assert data["legislationIdentifier"] == "张政办函〔2020〕100号"
    assert data["legislationDate"] == "2020-09-17"
    assert data["datePublished"] == "2020-09-20"
    assert data["expires"] == "2030-12-31"
    assert data["inLanguage"] == "zh-CN"
    assert data["legislationLegalForce"] == "https://schema.org/InForce"
    assert data["legislationType"] == "行政规范性文件"
    assert data["keywords"] == "政务公开，标准化"
    assert data["identifier"]["value"] == document["index_number"]
    assert [(a["@type"], a["name"]) for a in data["legislationPassedBy"]] == [
        ("GovernmentOrganization", "张掖市人民政府办公室"),
        ("GovernmentOrganization", "甘州区人民政府办公室"),
    ]
    assert data["legislationPassedBy"][1]["@id"].endswith(
        f"/api/v1/catalog/agencies/{world.other['id']}"
    )

    # The same through content negotiation on the document's own address.
    negotiated = await world.docs.get(f"{DOCS}/{document['id']}", headers={"Accept": LD})
    assert negotiated.headers["content-type"].startswith(LD)
    assert json.loads(negotiated.content) == data
    assert "Accept" in negotiated.headers["vary"]
    plain = await world.docs.get(f"{DOCS}/{document['id']}")
    assert plain.json()["id"] == document["id"]
    assert plain.headers["etag"] != negotiated.headers["etag"]
    tag = negotiated.headers["etag"]
    cached = await world.docs.get(
        f"{DOCS}/{document['id']}", headers={"Accept": LD, "If-None-Match": tag}
    )
    assert cached.status_code == 304


async def test_repealed_document_is_not_in_force_and_hidden_ones_404(world: World) -> None:
    original = await world.publish(
        await world.create(doc_number="张政办发〔2020〕1号", written_on="2020-01-10"), "2020-01-20"
    )
    repealing = await world.publish(
        await world.create(doc_number="张政办发〔2023〕2号", written_on="2023-01-03"), "2023-01-04"
    )
    repealed = await world.docs.post(
        f"{DOCS}/{original['id']}/repeal",
        json={"repealed_on": "2023-02-01", "repealing_document_id": repealing["id"],
              "reason": "已被新规定替代"},
        headers=world.staff(),
    )  # fmt: skip
    assert repealed.status_code == 200, repealed.text
    data = (await world.docs.get(f"{DOCS}/{original['id']}/jsonld")).json()
    assert data["legislationLegalForce"] == "https://schema.org/NotInForce"

    draft = await world.create(doc_number="张政办发〔2024〕9号", title="内部草稿")
    hidden = await world.docs.get(f"{DOCS}/{draft['id']}/jsonld")
    assert hidden.status_code == 404
    assert "内部草稿" not in hidden.text
    negotiated = await world.docs.get(f"{DOCS}/{draft['id']}", headers={"Accept": LD})
    assert negotiated.status_code == 404


def test_accept_negotiation_prefers_the_highest_quality() -> None:
    assert wants_jsonld("application/ld+json")
    assert wants_jsonld("application/ld+json, application/json;q=0.9")
    assert not wants_jsonld("application/json, application/ld+json;q=0.5")
    assert not wants_jsonld("*/*")
    assert not wants_jsonld(None)
    assert not wants_jsonld("application/ld+json;q=0")
