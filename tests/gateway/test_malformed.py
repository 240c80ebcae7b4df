"""Malformed input to every route in the OpenAPI document: a problem+json, never a 500.

The routes come from the merged OpenAPI document, so routes added later are swept too.
"""

import re
from typing import Any

import httpx
import pytest

from tests.support.tokens import TokenMinter

GARBAGE_SEGMENTS = ["%00", "..%2F..%2Fetc%2Fpasswd", "x" * 300, "-1", "9" * 40, "%E4%B8%AD%FF"]
GARBAGE_BODIES: list[tuple[bytes, str]] = [
    (b'{"unterminated": ', "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'{"a": "\\ud800"}', "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
    (b"<xml/>", "application/xml"),
]
GARBAGE_QUERIES = [
    "limit=-5",
    "limit=abc",
    "cursor=%%%",
    "cursor=" + "A" * 600,
    "in_force_on=2023-13-45",
    "q=" + "字" * 300,
]


def _fill(path: str, segment: str) -> str:
    return re.sub(r"\{[^}]+\}", segment, path)


def _admin(tokens: TokenMinter, document: dict[str, Any]) -> dict[str, str]:
    """A platform admin holding every scope any route declares, so handlers are reached."""
    scopes = {
        scope
        for item in document["paths"].values()
        for operation in item.values()
        for scope in operation.get("x-gongkai-access", {}).get("scopes", [])
    }
    return tokens.headers(roles=["platform_admin"], scopes=sorted(scopes), subject="admin")


def _assert_clean(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.request.url, response.text[:500])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), (
            response.request.url,
            response.headers,
        )
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["title"])


@pytest.mark.parametrize("as_admin", [False, True], ids=["anonymous", "platform-admin"])
async def test_no_route_answers_malformed_input_with_a_500(
    client: httpx.AsyncClient, tokens: TokenMinter, as_admin: bool
) -> None:
    document = (await client.get("/openapi.json")).json()
    headers = _admin(tokens, document) if as_admin else {}
    for path, item in document["paths"].items():
        for method in item:
            # Each garbage segment once, each with a different garbage query: every kind of
            # bad input reaches every route without the sweep growing as their product.
            for segment, query in zip(GARBAGE_SEGMENTS, GARBAGE_QUERIES, strict=True):
                url = _fill(path, segment)
                response = await client.request(method.upper(), f"{url}?{query}", headers=headers)
                _assert_clean(response)
            if method in {"post", "put", "patch"}:
                for segment in GARBAGE_SEGMENTS[3:5]:  # past the NUL guard, to the handler
                    url = _fill(path, segment)
                    for body, content_type in GARBAGE_BODIES:
                        response = await client.request(
                            method.upper(),
                            url,
                            content=body,
                            headers={**headers, "content-type": content_type},
                        )
                        _assert_clean(response)


async def test_nul_characters_are_refused_in_addresses_and_bodies(
    client: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    """PostgreSQL cannot store U+0000: the caller hears why instead of getting a 500."""
    admin = _admin(tokens, (await client.get("/openapi.json")).json())
    in_path = await client.get("/api/v1/catalog/divisions/62%0000")
    assert in_path.status_code == 400
    assert "空字符" in in_path.json()["detail"]
    in_body = await client.post(
        "/api/v1/catalog/divisions", json={"code": "620000", "name": "甘\u0000肃省"}, headers=admin
    )
    assert in_body.status_code == 400, in_body.text
    assert in_body.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/api/v1/catalog/divisions/620000")).status_code == 404
