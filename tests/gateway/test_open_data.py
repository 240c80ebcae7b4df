"""Open data through the gateway: the export and DCAT prefixes reach their services."""

import hashlib

import httpx


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
