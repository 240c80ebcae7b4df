"""The feeds through the all-in-one gateway: routed, public, and rate-limited per client."""

import xml.etree.ElementTree as ET

import httpx


async def test_feeds_are_public_and_rate_limited_at_the_gateway(client: httpx.AsyncClient) -> None:
    for path in (
        "/feeds/documents", "/feeds/interpretations", "/feeds/gazette",
        "/api/v1/catalog/feeds/agencies", "/api/v1/catalog/feeds/items",
    ):  # fmt: skip
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["items"] == []
        assert "ratelimit-remaining" in response.headers, path
    atom = await client.get("/feeds/documents.atom")
    assert atom.status_code == 200
    assert ET.fromstring(atom.content).tag == "{http://www.w3.org/2005/Atom}feed"
    stream = await client.get("/feeds/documents.ndjson")
    assert stream.status_code == 200
    assert stream.text == ""
    hooks = await client.get("/api/v1/documents/webhooks")
    assert hooks.status_code == 401


async def test_a_feed_names_its_streams_and_refuses_others(client: httpx.AsyncClient) -> None:
    openapi = (await client.get("/openapi.json")).json()
    paths, schemas = openapi["paths"], openapi["components"]["schemas"]
    for path, streams in (
        ("/feeds/{stream}", ["documents", "interpretations", "gazette"]),
        ("/feeds/{stream}.ndjson", ["documents", "interpretations", "gazette"]),
        ("/api/v1/catalog/feeds/{stream}", ["agencies", "items"]),
        ("/api/v1/catalog/feeds/{stream}.ndjson", ["agencies", "items"]),
    ):
        (parameter,) = [p for p in paths[path]["get"]["parameters"] if p["name"] == "stream"]
        assert parameter["in"] == "path"
        schema = schemas[parameter["schema"]["$ref"].rsplit("/", 1)[1]]
        assert schema["enum"] == streams, path
    unknown = [
        "/feeds/drafts", "/feeds/drafts.ndjson", "/feeds/gazette.atom",
        "/api/v1/catalog/feeds/divisions", "/api/v1/catalog/feeds/divisions.ndjson",
    ]  # fmt: skip
    answers = {path: await client.get(path) for path in unknown}
    assert {p: r.status_code for p, r in answers.items()} == dict.fromkeys(unknown, 422)
    for answer in answers.values():
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "stream：应为以下取值之一" in answer.json()["detail"], answer.text
    assert (await client.get("/api/v1/catalog/feeds/items.ndjson")).status_code == 200
