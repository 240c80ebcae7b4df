"""Non-public records leave no trace for the public or for other agencies' staff."""

import asyncio
import itertools
import re

from services.documents.app import create_app as create_documents
from services.documents.feed.schemas import DocumentFeed
from services.documents.settings import DocumentsSettings
from tests.documents.attachments.files import chinese_pdf_bytes
from tests.support.documents import DOCS, World

REASONS = {
    "disclosure_reason": "涉及内部管理事务",
    "disclosure_legal_basis": "《政府信息公开条例》第十六条",
}


async def test_only_published_public_documents_are_public(world: World) -> None:
    public = await world.publish(await world.create(doc_number="张政办函〔2020〕1号"))
    on_request = await world.publish(
        await world.create(doc_number="张政办函〔2020〕2号", disclosure="on_request", **REASONS)
    )
    withheld = await world.publish(
        await world.create(doc_number="张政办函〔2020〕3号", disclosure="withheld", **REASONS)
    )
    draft = await world.create(doc_number="张政办函〔2020〕4号")
    hidden = [on_request, withheld, draft]

    everyone = {
        "public": {},
        "other agency staff": world.staff(world.other),
        "applicant": world.tokens.headers(roles=["applicant"]),
    }
    for who, headers in everyone.items():
        listed = await world.docs.get(DOCS, headers=headers)
        assert [d["id"] for d in listed.json()["items"]] == [public["id"]], who
        count = await world.docs.get(f"{DOCS}/count", headers=headers)
        assert count.json() == {"count": 1}, who
        for params in (
            {"disclosure": "withheld"},
            {"disclosure": "on_request"},
            {"status": "draft"},
            {"in_force_on": "2020-12-31"},
            {"agency_id": world.agency["id"]},
            {"q": "张掖"},
            {"doc_number": "张政办函〔2020〕2号"},
        ):
            listed = await world.docs.get(DOCS, params=params, headers=headers)
            assert {d["id"] for d in listed.json()["items"]} <= {public["id"]}, (who, params)
            count = await world.docs.get(f"{DOCS}/count", params=params, headers=headers)
            assert count.json()["count"] <= 1, (who, params)
        for document in hidden:
            for suffix in ("", "/events", "/versions", "/validity", "/disclosure"):
                response = await world.docs.get(f"{DOCS}/{document['id']}{suffix}", headers=headers)
                assert response.status_code == 404, (who, suffix)
                assert document["title"] not in response.text

    own = world.staff()
    listed = await world.docs.get(DOCS, headers=own)
    assert {d["id"] for d in listed.json()["items"]} == {d["id"] for d in [public, *hidden]}
    count = await world.docs.get(f"{DOCS}/count", params={"disclosure": "withheld"}, headers=own)
    assert count.json() == {"count": 1}


async def test_other_agencies_cannot_change_records(world: World) -> None:
    public = await world.publish(await world.create())
    draft = await world.create(doc_number="张政办函〔2020〕9号")
    other = world.staff(world.other)
    # Visible to them (public) → 403; invisible (draft) → 404; and nothing changes.
    patch = await world.docs.patch(
        f"{DOCS}/{public['id']}", json={"title": "篡改", "change_reason": "x"},
        headers={**other, "If-Match": '"2"'},
    )  # fmt: skip
    assert patch.status_code == 403
    hidden = await world.docs.patch(
        f"{DOCS}/{draft['id']}", json={"title": "篡改"}, headers={**other, "If-Match": '"1"'}
    )
    assert hidden.status_code == 404
    publish = await world.docs.post(f"{DOCS}/{draft['id']}/publish", headers=other)
    assert publish.status_code == 404
    attribute = await world.docs.put(
        f"{DOCS}/{public['id']}/disclosure", json={"attribute": "public"}, headers=other
    )
    assert attribute.status_code == 403
    for document in (public, draft):
        read = await world.docs.get(f"{DOCS}/{document['id']}", headers=world.admin())
        assert read.json()["title"] == document["title"]
        assert read.json()["version"] == document["version"]


async def _indexed(world: World) -> None:
    for _ in range(200):
        search = (await world.docs.get("/readyz")).json()["checks"]["search"]
        if search.get("lag") == 0:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"indexer did not catch up: {search}")


async def test_no_public_route_shows_a_trace_of_non_public_records(world: World) -> None:
    """Every public GET route of the service (taken from its access table, so a new route is
    swept too), asked by the public and by another agency's staff about every hidden record."""
    public = await world.publish(
        await world.create(doc_number="张政办函〔2020〕1号", title="张掖市公开的通知")
    )
    on_request = await world.create(
        doc_number="张政办函〔2020〕2号", title="张掖市依申请公开的内部文件甲",
        disclosure="on_request", is_policy=True, **REASONS,
    )  # fmt: skip
    hidden_interpretation = await world.docs.post(
        f"{DOCS}/interpretations",
        json={
            "agency_id": world.agency["id"], "kind": "text", "title": "内部文件甲的解读丁",
            "document_ids": [on_request["id"]],
        },
        headers=world.staff(),
    )  # fmt: skip
    assert hidden_interpretation.status_code == 201, hidden_interpretation.text
    on_request = await world.publish(on_request)
    withheld = await world.publish(
        await world.create(
            doc_number="张政办函〔2020〕3号", title="张掖市不予公开的内部文件乙",
            disclosure="withheld", **REASONS,
        )
    )  # fmt: skip
    attachment = await world.docs.post(
        f"{DOCS}/{withheld['id']}/attachments",
        files={"file": ("内部附件.pdf", chinese_pdf_bytes("内部附件"))},
        headers=world.staff(),
    )
    assert attachment.status_code == 201, attachment.text
    draft = await world.create(doc_number="张政办函〔2020〕4号", title="张掖市尚未发布的草稿丙")
    draft_interpretation = await world.docs.post(
        f"{DOCS}/interpretations",
        json={
            "agency_id": world.agency["id"], "kind": "qa", "title": "公开通知的草稿解读戊",
            "document_ids": [public["id"]],
        },
        headers=world.staff(),
    )  # fmt: skip
    issue = await world.docs.post(
        f"{DOCS}/gazette",
        json={
            "agency_id": world.agency["id"], "title": "未发布的公报己", "year": 2020,
            "issue_number": 1, "issued_on": "2020-10-30",
            "entries": [{"document_id": public["id"]}],
        },
        headers=world.staff(),
    )  # fmt: skip
    assert issue.status_code == 201, issue.text
    await _indexed(world)

    # The routes as the service declares them (building an app connects to nothing).
    documents_app = create_documents(DocumentsSettings(_env_file=None))  # type: ignore[call-arg]
    hidden = [on_request, withheld, draft]
    hidden_events = [
        e["id"]
        for d in (on_request, withheld)
        for e in (await world.docs.get(f"{DOCS}/{d['id']}/events", headers=world.staff())).json()[
            "items"
        ]
    ]
    assert len(hidden_events) == 2
    secrets = [
        *(d[field] for d in hidden for field in ("id", "title", "doc_number")),
        hidden_interpretation.json()["id"], "内部文件甲的解读丁",
        draft_interpretation.json()["id"], "公开通知的草稿解读戊",
        issue.json()["id"], "未发布的公报己", attachment.json()["id"], "内部附件", *hidden_events,
    ]  # fmt: skip
    path_values = {
        "document_id": [public["id"], *(d["id"] for d in hidden)],
        "interpretation_id": [
            hidden_interpretation.json()["id"],
            draft_interpretation.json()["id"],
        ],
        "issue_id": [issue.json()["id"]],
        "attachment_id": [attachment.json()["id"]],
        "event_id": hidden_events,
        "stream": list(DocumentFeed),  # the change feeds
        # The bulk export's files (open data): the whole public registry in one file each.
        "name": [
            "documents.jsonl",
            "documents.csv",
            "interpretations.jsonl",
            "gazette.jsonl",
            "manifest.json",
        ],
    }
    query_values = {"year": "2020", "agency_id": world.agency["id"], "q": "张掖"}
    routes = [
        (path, access)
        for (method, path), access in documents_app.state.access_table.items()
        if method == "GET" and access.is_public
    ]
    assert len(routes) > 20
    openapi = documents_app.openapi()["paths"]
    asked = 0
    for path, _access in routes:
        parameters = openapi[path]["get"].get("parameters", [])
        required = [p["name"] for p in parameters if p.get("required") and p["in"] == "query"]
        assert set(required) <= set(query_values), (path, required)
        query = {n: query_values[n] for n in required}
        names = re.findall(r"{(\w+)}", path)
        combos = [dict(zip(names, values, strict=True))
                  for values in itertools.product(*(path_values[n] for n in names))]  # fmt: skip
        for combo in combos or [{}]:
            url = path.format(**combo)
            for who, headers in (("public", {}), ("other agency", world.staff(world.other))):
                response = await world.docs.get(url, params=query, headers=headers)
                asked += 1
                assert response.status_code < 500, (who, url, response.text)
                # A 404 may repeat the id the caller asked for; nothing else.
                leaked = [
                    s for s in secrets
                    if s in response.text and not (response.status_code == 404 and s in url)
                ]  # fmt: skip
                assert not leaked, (who, url, leaked)
    assert asked > 60
    # The sweep can see: the public document is listed where the hidden ones are not.
    assert public["id"] in (await world.docs.get(DOCS)).text
    own = await world.docs.get(f"{DOCS}/{public['id']}/interpretations", headers=world.staff())
    assert "公开通知的草稿解读戊" in own.text
