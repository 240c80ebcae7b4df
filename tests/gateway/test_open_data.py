"""Open data through the gateway: the export and DCAT prefixes reach their services."""

import hashlib

import httpx

from services.common.auth import Role
from tests.support.documents import document_body, register_agencies
from tests.support.requests import officer
from tests.support.tokens import TokenMinter


async def test_open_data_paths_reach_their_services(client: httpx.AsyncClient) -> None:
    documents = await client.get("/api/v1/open/exports/documents")
    assert documents.status_code == 200, documents.text
    assert documents.json()["dataset"] == "documents"
    catalog = await client.get("/api/v1/open/exports/catalog")
    assert catalog.status_code == 200, catalog.text
    assert catalog.json()["dataset"] == "catalog"

    for manifest in (documents.json(), catalog.json()):
        for entry in manifest["files"]:
            response = await client.get(manifest["links"][entry["name"]])
            assert response.status_code == 200
            assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
            assert response.headers["etag"] == f'"{entry["sha256"]}"'
            if entry["name"].endswith(".csv"):
                assert response.content.startswith(b"\xef\xbb\xbf")
                assert response.headers["content-type"].startswith("text/csv")

    dcat = await client.get("/api/v1/open/dcat")
    assert dcat.status_code == 200
    assert dcat.headers["content-type"].startswith("application/ld+json")
    assert dcat.json()["@type"] == "dcat:Catalog"
    too_many = await client.get("/api/v1/documents", params={"limit": 10_000})
    assert too_many.status_code == 422
    assert "100" in too_many.json()["detail"]


async def test_every_link_of_an_agency_leads_to_its_own_records(
    client: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    """The 政府信息公开 column's links name routes and parameters that exist, and filter."""
    agency, other = await register_agencies(client, tokens)
    links = (await client.get(f"/api/v1/catalog/agencies/{agency['id']}")).json()["links"]
    staff = officer(tokens, agency["id"])
    for name, link in links.items():
        # (httpx's params= would replace the link's own query string)
        url = f"{link}&year=2024" if name == "annual_reports" else link
        response = await client.get(url, headers=staff)
        assert response.status_code == 200, (name, link, response.text)
    # The statutory content is this agency's documents only.
    for agency_id in (agency["id"], other["id"]):
        made = await client.post(
            "/api/v1/documents",
            json=document_body(agency_id, doc_number=f"张政办发〔2024〕{agency_id[:4]}号"),
            headers=tokens.headers(
                roles=[Role.EDITOR],
                scopes=["documents:write", "documents:read"],
                agencies=[agency_id],
            ),
        )
        assert made.status_code == 201, made.text
    listed = await client.get(
        links["statutory_content"],
        headers=tokens.headers(roles=[Role.PLATFORM_ADMIN], scopes=["documents:read"]),
    )
    assert listed.status_code == 200, listed.text
    assert {a["id"] for d in listed.json()["items"] for a in d["agencies"]} == {agency["id"]}
