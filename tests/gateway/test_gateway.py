"""The all-in-one gateway: routing to in-process services, health, one OpenAPI, request ids."""

import httpx

from gateway.services import SERVICES


async def test_health_and_readiness(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    checks = ready.json()["checks"]
    assert set(checks) == {e.name for e in SERVICES}
    assert all(c["checks"]["database"]["status"] == "ok" for c in checks.values())


async def test_each_prefix_reaches_its_service(client: httpx.AsyncClient) -> None:
    for entry in SERVICES:
        response = await client.get(f"/api/v1/{entry.name}")
        assert response.status_code == 200
        assert reached(entry.name, response.json())


async def test_one_openapi_covers_every_service(client: httpx.AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    assert document["info"]["title"] == "Gongkai 公开"
    for entry in SERVICES:
        assert f"/api/v1/{entry.name}" in document["paths"]
    operation = document["paths"]["/api/v1/catalog"]["get"]
    assert operation["x-gongkai-access"]["public"] is True
    docs = await client.get("/docs")
    assert docs.status_code == 200
    assert "/openapi.json" in docs.text


async def test_request_id_reaches_the_service_and_comes_back(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/documents", headers={"x-request-id": "req-0123456789"})
    assert response.headers["x-request-id"] == "req-0123456789"
    missing = await client.get("/api/v1/documents/nope")
    assert missing.status_code == 404
    assert missing.json()["request_id"] == missing.headers["x-request-id"]


async def test_unknown_paths_are_problems(client: httpx.AsyncClient) -> None:
    for path in ("/nowhere", "/api/v1/unknown", "/api/v1/catalog/unknown"):
        response = await client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "未找到"


def reached(service: str, body: dict[str, object]) -> bool:
    """``/api/v1/<service>`` is the service index, except documents, where it is the list."""
    if service == "documents":
        return isinstance(body.get("items"), list)
    return body.get("service") == service
