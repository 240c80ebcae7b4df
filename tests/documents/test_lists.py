"""The public lists of documents, interpretations and gazette issues share the list rules:
an opaque cursor, updated_since, a 4xx naming any limit, fields= and ETag / If-None-Match."""

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.support.documents import DOCS, PROBLEM, World

Maker = Callable[[World, int], Awaitable[str]]


async def _document(world: World, n: int) -> str:
    made = await world.create(doc_number=f"张政办函〔2021〕{n}号", title=f"第 {n} 号通知")
    return str((await world.publish(made))["id"])


async def _interpretation(world: World, n: int) -> str:
    document = await _document(world, n)
    body = {
        "agency_id": world.agency["id"], "kind": "qa", "title": f"第 {n} 号通知的政策问答",
        "document_ids": [document],
    }  # fmt: skip
    created = await world.docs.post(f"{DOCS}/interpretations", json=body, headers=world.staff())
    assert created.status_code == 201, created.text
    url = f"{DOCS}/interpretations/{created.json()['id']}/publish"
    published = await world.docs.post(url, headers=world.staff())
    assert published.status_code == 200, published.text
    return str(created.json()["id"])


async def _issue(world: World, n: int) -> str:
    document = await _document(world, n)
    body = {
        "agency_id": world.agency["id"], "title": "张掖市人民政府公报", "year": 2021,
        "issue_number": n, "issued_on": f"2021-0{n}-15", "entries": [{"document_id": document}],
    }  # fmt: skip
    created = await world.docs.post(f"{DOCS}/gazette", json=body, headers=world.staff())
    assert created.status_code == 201, created.text
    url = f"{DOCS}/gazette/{created.json()['id']}/publish"
    assert (await world.docs.post(url, headers=world.staff())).status_code == 200
    return str(created.json()["id"])


LISTS: dict[str, tuple[str, Maker, str]] = {
    "documents": (DOCS, _document, "title"),
    "interpretations": (f"{DOCS}/interpretations", _interpretation, "title"),
    "gazette": (f"{DOCS}/gazette", _issue, "issue_number"),
}


async def _ids(world: World, url: str, **params: Any) -> list[str]:
    response = await world.docs.get(url, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("name", list(LISTS))
async def test_public_list_conventions(world: World, name: str) -> None:
    url, make, field = LISTS[name]
    older = [await make(world, 1), await make(world, 2)]
    between = dt.datetime.now(dt.UTC)
    newest = await make(world, 3)
    await world.create(doc_number="张政办函〔2021〕99号", title="未发布的草稿")
    everything = await _ids(world, url)
    assert set(everything) == {*older, newest}

    # Cursor paging walks the whole list once, one item a page, by the opaque next link.
    walked: list[str] = []
    page = (await world.docs.get(url, params={"limit": 1})).json()
    while True:
        walked += [item["id"] for item in page["items"]]
        if page["next"] is None:
            break
        assert page["next_cursor"] in page["next"]
        page = (await world.docs.get(page["next"])).json()
    assert walked == everything
    bad_cursor = await world.docs.get(url, params={"cursor": "not-a-cursor"})
    assert bad_cursor.status_code == 400
    assert bad_cursor.headers["content-type"] == PROBLEM

    # updated_since keeps what changed at or after that moment; it must carry a time zone.
    assert await _ids(world, url, updated_since=between.isoformat()) == [newest]
    naive = await world.docs.get(url, params={"updated_since": "2021-01-01T00:00:00"})
    assert naive.status_code == 422
    assert "时区" in naive.json()["detail"]

    # No silent cap: a page over the limit is refused, naming the limit.
    too_many = await world.docs.get(url, params={"limit": 101})
    assert too_many.status_code == 422
    assert too_many.headers["content-type"] == PROBLEM
    assert "limit" in too_many.json()["detail"]
    assert "100" in too_many.json()["detail"]

    # fields= narrows each item (id always kept); an unknown field lists the allowed ones.
    narrow = (await world.docs.get(url, params={"fields": field})).json()
    assert [set(item) for item in narrow["items"]] == [{"id", field}] * 3
    unknown = await world.docs.get(url, params={"fields": f"{field},secret"})
    assert unknown.status_code == 422
    assert "secret" in unknown.json()["detail"]
    assert field in unknown.json()["allowed_fields"]
    assert field in unknown.json()["detail"]

    # ETag and If-None-Match; a change makes a new tag.
    first = await world.docs.get(url)
    tag = first.headers["etag"]
    again = await world.docs.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.content == b""
    narrowed = await world.docs.get(url, params={"fields": field}, headers={"If-None-Match": tag})
    assert narrowed.status_code == 200
    await make(world, 4)
    changed = await world.docs.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != tag


async def test_fields_never_reach_past_the_summary(world: World) -> None:
    await _document(world, 1)
    # The full text and disclosure reasons are not list fields, so fields= cannot ask for them.
    for hidden in ("body_text", "disclosure_detail", "created_by"):
        response = await world.docs.get(DOCS, params={"fields": f"title,{hidden}"})
        assert response.status_code == 422
        assert hidden not in response.json()["allowed_fields"]
