"""Resource consumption of queries (security.md SIZE-02): page sizes, query lengths and
pathological search strings, on every list route of the OpenAPI."""

import re
import time
import uuid
from typing import Any

import httpx

from gateway.app import Gateway
from services.common.auth import Role
from tests.support.oauth import bearer, user_tokens

PAGE_PARAMS = ("limit", "page_size", "per_page", "size")
TEXT_PARAMS = ("q",)
PATHOLOGICAL = [
    ".*" * 30,
    "(a+)+$" * 10,
    "*" * 60,
    "?" * 60,
    "%" * 60,
    "_" * 60,
    "\\" * 60,
    '"' * 60,
    "a* OR b* AND c* NOT " * 3,
    "[" * 30 + "]" * 30,
    "~" * 60,
    "张" * 60,
]


async def _admin(client: httpx.AsyncClient, gateway: Gateway) -> dict[str, str]:
    scopes = (
        "catalog:read catalog:manage documents:read documents:manage requests:read requests:manage"
    )
    issued = await user_tokens(client, gateway, roles=[Role.PLATFORM_ADMIN], scope=scopes)
    return bearer(issued["access_token"])


def _concrete(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        return "2025" if name in {"year", "number", "sequence"} else str(uuid.uuid4())

    return re.sub(r"\{(\w+)\}", value, path)


def _query_routes(document: dict[str, Any], names: tuple[str, ...]) -> list[tuple[str, str]]:
    found = []
    for path, operations in document["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        for parameter in get.get("parameters", []):
            if parameter.get("in") == "query" and parameter["name"] in names:
                found.append((path, parameter["name"]))
    return found


async def test_page_size_is_bounded_everywhere(client: httpx.AsyncClient, gateway: Gateway) -> None:
    """SIZE-02: ``limit=10000`` (or page_size) gives 422 or at most 100 items, on every list."""
    headers = await _admin(client, gateway)
    routes = _query_routes((await client.get("/openapi.json")).json(), PAGE_PARAMS)
    assert len(routes) >= 5, routes
    for path, name in routes:
        response = await client.get(_concrete(path), params={name: 10000}, headers=headers)
        where = (path, name, response.status_code, response.text[:200])
        assert response.status_code < 500, where
        if response.status_code == 200:
            items = response.json().get("items", [])
            assert len(items) <= 100, where
        else:
            assert response.status_code in {401, 403, 404, 422}, where
        if response.status_code == 422:
            assert name in response.text, where


async def test_long_and_pathological_queries_answer_quickly(
    client: httpx.AsyncClient, gateway: Gateway
) -> None:
    """SIZE-02: a query over 256 characters gives 422; regex- or wildcard-heavy ones answer
    promptly with 200 or 4xx, never a 5xx or a hang."""
    headers = await _admin(client, gateway)
    routes = _query_routes((await client.get("/openapi.json")).json(), TEXT_PARAMS)
    paths = {p for p, _ in routes}
    assert "/api/v1/documents/search" in paths, paths
    for path, name in routes:
        url = _concrete(path)
        long = await client.get(url, params={name: "政务公开" * 65}, headers=headers)  # 260
        assert long.status_code == 422, (path, long.text[:200])
        assert long.headers["content-type"] == "application/problem+json"
        for query in PATHOLOGICAL:
            started = time.perf_counter()
            response = await client.get(url, params={name: query}, headers=headers)
            elapsed = time.perf_counter() - started
            where = (path, query, response.status_code, response.text[:200])
            assert response.status_code < 500 or response.status_code == 504, where
            assert elapsed < 5, (where, elapsed)
