"""The bulk export of public documents: exactly the public records, manifest matching files."""

import csv
import hashlib
import io
import json
from typing import Any

from tests.support.documents import DOCS, PROBLEM, World

EXPORTS = "/api/v1/open/exports/documents"
REASONS = {"disclosure_reason": "涉及内部管理", "disclosure_legal_basis": "条例第十六条"}


async def _registry(world: World) -> dict[str, dict[str, Any]]:
    """Two public documents, a draft, and a published 不予公开 one."""
    first = await world.publish(await world.create(keywords=["政务公开", "标准化"]))
    second = await world.publish(
        await world.create(
            world.other, title="甘州区关于“一网通办”的通知", doc_number="区政办发〔2021〕1号",
            written_on="2021-01-05", joint_agency_ids=[world.agency["id"]],
        )
    )  # fmt: skip
    draft = await world.create(doc_number="张政办函〔2020〕101号", title="尚未发布的草稿")
    withheld = await world.publish(
        await world.create(
            doc_number="张政办函〔2020〕102号", title="不予公开的内部文件", disclosure="withheld",
            **REASONS,
        )
    )  # fmt: skip
    return {"first": first, "second": second, "draft": draft, "withheld": withheld}


async def _download(world: World, name: str) -> bytes:
    response = await world.docs.get(f"{EXPORTS}/{name}")
    assert response.status_code == 200, response.text
    return response.content


async def test_export_holds_exactly_the_public_documents(world: World) -> None:
    docs = await _registry(world)
    manifest = (await world.docs.get(EXPORTS)).json()
    assert manifest["dataset"] == "documents"
    assert manifest["generated_at"]
    files = {f["name"]: f for f in manifest["files"]}
    assert set(files) == {
        f"{table}.{kind}"
        for table in ("documents", "interpretations", "gazette")
        for kind in ("jsonl", "csv")
    }
    assert manifest["links"]["documents.csv"] == f"{EXPORTS}/documents.csv"

    jsonl = await _download(world, "documents.jsonl")
    records = [json.loads(line) for line in jsonl.decode().splitlines()]
    assert {r["id"] for r in records} == {docs["first"]["id"], docs["second"]["id"]}
    text = jsonl.decode()
    for hidden in ("draft", "withheld"):
        assert docs[hidden]["id"] not in text
        assert docs[hidden]["title"] not in text
    assert "涉及内部管理" not in text
    assert "staff-" not in text
    second = next(r for r in records if r["id"] == docs["second"]["id"])
    assert second["doc_number"] == "区政办发〔2021〕1号"
    assert [a["name"] for a in second["agencies"]] == [
        "甘州区人民政府办公室",
        "张掖市人民政府办公室",
    ]
    assert second["body_text"].startswith("经市政府同意")
    assert second["validity"]["status"] == "in_force"

    sheet = await _download(world, "documents.csv")
    assert sheet.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "索引号", "标题", "发文字号"]
    assert {r[0] for r in rows[1:]} == {docs["first"]["id"], docs["second"]["id"]}
    first_row = next(r for r in rows[1:] if r[0] == docs["first"]["id"])
    assert first_row[rows[0].index("主题词")] == "政务公开；标准化"
    assert first_row[rows[0].index("有效性")] == "现行有效"

    for name, entry in files.items():
        content = jsonl if name == "documents.jsonl" else await _download(world, name)
        assert entry["records"] == (2 if name.startswith("documents") else 0)
        assert entry["bytes"] == len(content)
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
    on_disk = json.loads(await _download(world, "manifest.json"))
    assert on_disk["files"] == manifest["files"]


async def test_export_follows_changes_and_answers_304(world: World) -> None:
    docs = await _registry(world)
    before = (await world.docs.get(EXPORTS)).json()
    again = (await world.docs.get(EXPORTS)).json()
    assert again["generated_at"] == before["generated_at"]  # unchanged data: same snapshot
    tag = (await world.docs.get(f"{EXPORTS}/documents.jsonl")).headers["etag"]
    cached = await world.docs.get(f"{EXPORTS}/documents.jsonl", headers={"If-None-Match": tag})
    assert cached.status_code == 304

    # Reclassified to 不予公开: the next export no longer holds it, and the old file is gone.
    url = f"{DOCS}/{docs['first']['id']}/disclosure"
    changed = await world.docs.put(
        url,
        json={"attribute": "withheld", "reason": "涉及内部管理", "legal_basis": "第十六条"},
        headers=world.staff(),
    )
    assert changed.status_code == 200, changed.text
    after = (await world.docs.get(EXPORTS)).json()
    assert after["state"] != before["state"]
    assert {f["name"]: f["records"] for f in after["files"]}["documents.jsonl"] == 1
    refreshed = await world.docs.get(f"{EXPORTS}/documents.jsonl", headers={"If-None-Match": tag})
    assert refreshed.status_code == 200
    assert docs["first"]["id"] not in refreshed.text
    assert docs["second"]["id"] in refreshed.text


async def test_unknown_export_file_is_a_problem(world: World) -> None:
    response = await world.docs.get(f"{EXPORTS}/passwords.csv")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert "documents.csv" in response.json()["detail"]
    traversal = await world.docs.get(f"{EXPORTS}/..%2F..%2Fdocuments.db")
    assert traversal.status_code == 404


async def test_export_holds_public_interpretations_and_gazette_issues(world: World) -> None:
    docs = await _registry(world)
    staff = world.staff()
    body = {
        "agency_id": world.agency["id"], "kind": "qa", "title": "政策问答",
        "document_ids": [docs["first"]["id"], docs["withheld"]["id"]],
    }  # fmt: skip
    shown = (await world.docs.post(f"{DOCS}/interpretations", json=body, headers=staff)).json()
    published = await world.docs.post(
        f"{DOCS}/interpretations/{shown['id']}/publish", headers=staff
    )
    assert published.status_code == 200, published.text
    draft_body = {**body, "title": "草稿解读", "document_ids": [docs["draft"]["id"]]}
    draft = (
        await world.docs.post(f"{DOCS}/interpretations", json=draft_body, headers=staff)
    ).json()
    issue = {
        "agency_id": world.agency["id"], "year": 2020, "issue_number": 10,
        "issued_on": "2020-10-30",
        "entries": [{"document_id": docs["first"]["id"]}, {"title": "2020 年 9 月大事记"}],
    }  # fmt: skip
    made = (await world.docs.post(f"{DOCS}/gazette", json=issue, headers=staff)).json()
    assert (await world.docs.post(f"{DOCS}/gazette/{made['id']}/publish", headers=staff)).is_success
    unpublished = {**issue, "issue_number": 11}
    await world.docs.post(f"{DOCS}/gazette", json=unpublished, headers=staff)

    lines = (await _download(world, "interpretations.jsonl")).decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [shown["id"]]
    # The link to the 不予公开 document is left out, as the public API leaves it out.
    assert json.loads(lines[0])["document_ids"] == [docs["first"]["id"]]
    assert draft["id"] not in lines[0]
    issues = [json.loads(line) for line in (await _download(world, "gazette.jsonl")).splitlines()]
    assert [(i["id"], i["issue_number"]) for i in issues] == [(made["id"], 10)]
    sheet = (await _download(world, "gazette.csv")).decode("utf-8-sig")
    assert "2020 年 9 月大事记" in sheet

    # Withholding the document later drops it from the interpretation and the issue too.
    changed = await world.docs.put(
        f"{DOCS}/{docs['first']['id']}/disclosure",
        json={"attribute": "withheld", "reason": "涉及内部管理", "legal_basis": "第十六条"},
        headers=staff,
    )
    assert changed.status_code == 200
    again = (await _download(world, "interpretations.jsonl")).decode() + (
        await _download(world, "gazette.jsonl")
    ).decode()
    assert docs["first"]["id"] not in again
