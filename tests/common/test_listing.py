"""The list conventions' helpers: fields= parsing and If-None-Match matching."""

import pytest
from pydantic import BaseModel

from services.common.errors import Unprocessable
from services.common.listing import etag_of, list_query, matches


class Item(BaseModel):
    id: int
    title: str
    secret_free: bool


def test_fields_are_checked_against_the_item() -> None:
    parse = list_query(Item, updated_since=False)
    assert parse(fields=None).fields is None
    assert parse(fields="title").fields == ["id", "title"]
    assert parse(fields=" title , title,id ").fields == ["title", "id"]
    with pytest.raises(Unprocessable) as unknown:
        parse(fields="title,password")
    assert "password" in unknown.value.detail
    assert unknown.value.extra["allowed_fields"] == ["id", "title", "secret_free"]
    with pytest.raises(Unprocessable):
        parse(fields=" , ")


def test_if_none_match() -> None:
    tag = etag_of(b"{}")
    assert tag.startswith('"')
    assert tag.endswith('"')
    assert matches(tag, tag)
    assert matches(f'"other", W/{tag}', tag)
    assert matches("*", tag)
    assert not matches(None, tag)
    assert not matches('"other"', tag)
