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
