"""The conventions every public list shares: fields=, updated_since, ETag and If-None-Match.

A list route declares ``query: Annotated[ListQuery, Depends(list_query(ItemRead))]`` next to
its ``page_params`` and returns ``list_response(request, envelope, query)``: the envelope as
JSON with only the selected fields of each item, and a strong ``ETag`` over those bytes, so a
repeated ``If-None-Match`` gets a 304. Selecting fields only narrows what the item schema
already shows the caller, so ``fields=`` can never reveal anything the full list would not.
"""

import base64
import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request, Response
from pydantic import AwareDatetime, BaseModel, BeforeValidator

from services.common.errors import FieldProblem, Unprocessable
from services.common.isodates import not_a_number
from services.common.jsonutil import dumps

MAX_FIELDS_LENGTH = 500
# The responses a list route declares besides its problems.
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "与 If-None-Match 中的 ETag 相同，列表未变化"}
}

UpdatedSince = Annotated[
    AwareDatetime | None,
    BeforeValidator(not_a_number),
    Query(
        description="只列出此时刻（含）以后有变化的记录（增量同步用）；须带时区，"
        "如 2024-01-01T00:00:00+08:00 或 2024-01-01T00:00:00Z"
    ),
]


class ListQuery(BaseModel):
    """What a list request asked for besides its filters and page."""

    fields: list[str] | None = None
    updated_since: dt.datetime | None = None


def selectable_fields(item: type[BaseModel]) -> list[str]:
    return list(item.model_fields)


def list_query(item: type[BaseModel], *, updated_since: bool = True) -> Callable[..., ListQuery]:
    """The dependency of a list whose items are ``item``: parses and checks ``fields=``.

    ``updated_since=False`` for a list whose own filters already take ``updated_since``.
    """
    allowed = selectable_fields(item)
    Fields = Annotated[
        str | None,
        Query(
            max_length=MAX_FIELDS_LENGTH,
            description=f"只返回这些字段（逗号分隔，id 总会返回）；可选：{', '.join(allowed)}",
        ),
    ]

    def with_since(updated_since: UpdatedSince = None, fields: Fields = None) -> ListQuery:
        return ListQuery(fields=_chosen(fields, allowed), updated_since=updated_since)

    def fields_only(fields: Fields = None) -> ListQuery:
        return ListQuery(fields=_chosen(fields, allowed))

    return with_since if updated_since else fields_only


def _chosen(text: str | None, allowed: list[str]) -> list[str] | None:
    if text is None:
        return None
    names = list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise _field_problem("fields 不能为空；不需要筛选字段时请省略此参数。", allowed)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise _field_problem(f"fields 含未知字段：{'、'.join(unknown)}。", allowed)
    if "id" in allowed and "id" not in names:
        names.insert(0, "id")
    return names


def _field_problem(message: str, allowed: list[str]) -> Unprocessable:
    hint = f"{message}可选字段：{', '.join(allowed)}"
    return Unprocessable(
        hint,
        code="unknown-field",
        errors=[FieldProblem(field="查询参数.fields", message=hint)],
        extra={"allowed_fields": allowed},
    )


def etag_of(body: bytes) -> str:
    digest = hashlib.sha256(body).digest()[:18]
    return '"' + base64.urlsafe_b64encode(digest).decode() + '"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (weak comparison, as RFC 9110 asks); ``*`` too."""
    if not if_none_match:
        return False
    candidates = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in candidates or tag in candidates


def list_response(request: Request, envelope: BaseModel, query: ListQuery) -> Response:
    """The envelope as JSON (items narrowed to ``query.fields``), with ETag and 304."""
    data = envelope.model_dump(mode="json")
    if query.fields is not None:
        data["items"] = [{name: item.get(name) for name in query.fields} for item in data["items"]]
    body = dumps(data)
    tag = etag_of(body)
    # Callers with different tokens may see different lists: caches must key on the token.
    headers = {"ETag": tag, "Vary": "Authorization"}
    if matches(request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return Response(content=body, media_type="application/json", headers=headers)
