"""Import of the five sample documents: what the importer finds becomes the record."""

from typing import Any

from services.documents.samples import sample_files
from tests.support.catalog import agency_body
from tests.support.documents import CATALOG, DOCS, SAMPLE_OFFICES, World

IMPORT = f"{DOCS}/import"
OFFICES = [
    "博山区人民政府办公室",
    "交城县人民政府办公室",
    "石家庄市人民政府办公室",
    "资阳市人民政府办公室",
]

UNKNOWN_AGENCY_LINES = [
    "某某县人民政府办公室",
    "关于做好某项工作的通知",
    "某政办发〔2020〕9号",
    "正文。",
    "某某县人民政府办公室",
    "2020年3月1日",
]


def sample_texts() -> list[dict[str, str]]:
    return [{"filename": f.name, "text": f.read_text(encoding="utf-8")} for f in sample_files()]


async def register_offices(world: World) -> None:
    admin = world.tokens.headers(roles=["platform_admin"], scopes=["catalog:manage"])
    for name in SAMPLE_OFFICES:
        response = await world.catalog.post(
            f"{CATALOG}/agencies", json=agency_body(name), headers=admin
        )
        assert response.status_code == 201, response.text


async def test_the_five_samples_become_records(world: World) -> None:
    await register_offices(world)
    preview = await world.docs.post(
        IMPORT, json={"files": sample_texts(), "dry_run": True}, headers=world.admin()
    )
    assert preview.status_code == 200, preview.text
    assert {r["status"] for r in preview.json()["results"]} == {"preview"}
    assert (await world.docs.get(f"{DOCS}/count", headers=world.admin())).json() == {"count": 0}

    response = await world.docs.post(
        IMPORT, json={"files": sample_texts(), "publish": True}, headers=world.admin()
    )
    assert response.status_code == 200, response.text
    results = {r["filename"]: r for r in response.json()["results"]}
    assert response.json()["created"] == 5
    expected = {
        "boshan": ("博政办字〔2020〕45号", "博山区人民政府办公室", "2020-09-03", "published"),
        "jiaocheng": ("交政办发〔2020〕78号", "交城县人民政府办公室", "2020-12-08", "published"),
        "shijiazhuang": (
            "石政办函〔2020〕28号",
            "石家庄市人民政府办公室",
            "2020-08-06",
            "published",
        ),
        "zhangye": ("张政办函〔2020〕100号", "张掖市人民政府办公室", "2020-09-17", "created"),
        "ziyang": ("资府办发〔2020〕31号", "资阳市人民政府办公室", "2020-07-10", "created"),
    }
    results = {name.split("-")[0]: r for name, r in results.items()}
    for filename, (number, agency, written_on, status) in expected.items():
        result = results[filename]
        assert result["status"] == status, result
        document = (
            await world.docs.get(f"{DOCS}/{result['document_id']}", headers=world.admin())
        ).json()
        assert document["doc_number_normalised"] == number
        assert document["agencies"][0]["name"] == agency
        assert document["written_on"] == written_on
        assert document["title"] == result["title"]
        assert document["title"].startswith(agency)
    # Unmarked documents wait for their drafting unit to fix the attribute (公开属性 missing).
    zhangye = results["zhangye"]
    assert any("公开属性" in m for m in zhangye["messages"])
    jiaocheng = (await world.docs.get(f"{DOCS}/{results['jiaocheng']['document_id']}")).json()
    assert jiaocheng["index_number"] == "JCXZFBWJ-2020-0078"  # the legacy 索引号 is kept
    assert jiaocheng["published_on"] == "2020-12-11"
    assert jiaocheng["subject"] == {"code": "22", "name": "其他"}
    public = await world.docs.get(DOCS, params={"limit": 100})
    assert len(public.json()["items"]) == 3

    again = await world.docs.post(
        IMPORT, json={"files": sample_texts(), "publish": True}, headers=world.admin()
    )
    assert {r["status"] for r in again.json()["results"]} == {"exists"}
    assert again.json()["created"] == 0


async def test_import_reports_what_it_cannot_record(world: World) -> None:
    files: list[dict[str, Any]] = [
        {
            "filename": "unknown.txt",
            "text": "\n".join(UNKNOWN_AGENCY_LINES),
        },
        {"filename": "empty.txt", "text": ""},
    ]
    response = await world.docs.post(IMPORT, json={"files": files}, headers=world.staff())
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["incomplete", "incomplete"]
    assert any("未在目录中登记" in m for m in results[0]["messages"])
    assert all(not f["found"] for f in results[1]["fields"])
    assert (await world.docs.get(f"{DOCS}/count", headers=world.admin())).json() == {"count": 0}

    # Publishing on import needs the publisher's rights; an editor gets a 403 and nothing is saved.
    editor = world.tokens.headers(
        roles=["editor"], scopes=["documents:write"], agencies=[world.agency["id"]]
    )
    zhangye = [f for f in sample_texts() if f["filename"].startswith("zhangye")]
    refused = await world.docs.post(
        IMPORT, json={"files": zhangye, "publish": True}, headers=editor
    )
    assert refused.status_code == 403
    assert (await world.docs.post(IMPORT, json={"files": []}, headers=editor)).status_code == 422
    # Another agency's staff cannot import into ours: the file is refused, with the reason.
    other = await world.docs.post(IMPORT, json={"files": zhangye}, headers=world.staff(world.other))
    assert other.json()["results"][0]["status"] == "refused"
    assert "本机关" in other.json()["results"][0]["messages"][-1]
    assert (await world.docs.get(f"{DOCS}/count", headers=world.admin())).json() == {"count": 0}
