"""Excel catalogs in the real layout: import, export, re-import unchanged; broken files
get a row-by-row report and change nothing."""

import io
from typing import Any

import httpx
import openpyxl

from tests.support.catalog import (
    CATALOG,
    EXAMPLE_ROW,
    catalog_editor,
    catalog_publisher,
    catalog_workbook,
    register_agency,
)
from tests.support.tokens import TokenMinter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ROWS: dict[str, list[dict[str, Any]]] = {
    "征地补偿": [
        EXAMPLE_ROW,
        {
            **EXAMPLE_ROW,
            "level1": "征地补偿安置",
            "level2": "补偿费用发放情况",
            "elements": "●补偿安置对象\n●补偿标准\n〇发放时间",
            "deadline": "信息形成（或变更）之日起20个工作日内",
            "channels": ["政府网站", "社区/企事业单位/村公示栏（电子屏）"],
            "audience": "特定群体",
            "levels": ["县级", "乡级"],
            "phone": "0936-8210001",
        },
    ],
    "社会救助": [
        {
            **EXAMPLE_ROW,
            "level1": "最低生活保障",
            "level2": "审核确认结果",
            "elements": "对象姓名、保障金额",
            "basis": "《社会救助暂行办法》",
            "deadline": "公告期限5个工作日",
            "channels": ["便民服务站", "入户/现场"],
            "mode": "依申请",
        }
    ],
}


def upload(data: bytes) -> dict[str, Any]:
    return {"file": ("目录.xlsx", data, XLSX)}


async def draft(catalog: httpx.AsyncClient, agency: str, headers: dict[str, str]) -> list[Any]:
    response = await catalog.get(
        f"{CATALOG}/agencies/{agency}/draft/items", params={"limit": 100}, headers=headers
    )
    assert response.status_code == 200
    return list(response.json()["items"])


def cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


async def test_import_export_and_reimport_unchanged(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    editor = catalog_editor(tokens, agency)
    url = f"{CATALOG}/agencies/{agency}/catalog.xlsx"
    imported = await catalog.post(url, files=upload(catalog_workbook(ROWS)), headers=editor)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "sheets": ["征地补偿", "社会救助"],
        "created": 3, "updated": 0, "deleted": 0, "unchanged": 0,
    }  # fmt: skip

    items = {i["level1"]: i for i in await draft(catalog, agency, editor)}
    example = items["征收土地信息"]
    assert [e["name"] for e in example["elements"]] == [
        "征地告知书及报批前程序材料", "征收土地方案", "征地补偿安置方案公告等",
    ]  # fmt: skip
    assert example["channels"] == ["website", "new_media", "service_centre"]
    assert (example["audience"], example["mode"], example["levels"]) == (
        "everyone", "proactive", ["township"],
    )  # fmt: skip
    assert example["deadline"]["rule"] == {"trigger": "formed_or_changed", "number": 20,
                                           "unit": "working_day"}  # fmt: skip
    compensation = items["征地补偿安置"]
    assert [e["required"] for e in compensation["elements"]] == [True, True, False]
    assert compensation["channels"] == ["website", "notice_board"]
    assert (compensation["audience"], compensation["levels"]) == (
        "specific_group", ["county", "township"],
    )  # fmt: skip
    assistance = items["最低生活保障"]
    assert (assistance["domain_name"], assistance["mode"]) == ("社会救助", "on_request")
    assert assistance["deadline"]["rule"]["trigger"] == "notice_period"

    exported = await catalog.get(url, params={"view": "draft"}, headers=editor)
    assert exported.status_code == 200
    assert exported.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in exported.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content))["征地补偿"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"B2:C2", "H2:T2", "U2:V2", "W2:X2", "Y2:AA2"} <= merged
    assert (sheet["B2"].value, sheet["H2"].value, sheet["Y2"].value) == (
        "公开事项",
        "公开渠道和载体",
        "公开层级",
    )
    assert [sheet.cell(4, c).value for c in range(8, 21)] == [
        "■", "□", "■", "□", "□", "□", "□", "■", "□", "□", "□", "□", "□",
    ]  # fmt: skip

    before = {i["id"]: i for i in await draft(catalog, agency, editor)}
    again = await catalog.post(url, files=upload(exported.content), headers=editor)
    assert again.status_code == 200, again.text
    assert again.json() == {
        "sheets": ["征地补偿", "社会救助"],
        "created": 0, "updated": 0, "deleted": 0, "unchanged": 3,
    }  # fmt: skip
    assert {i["id"]: i for i in await draft(catalog, agency, editor)} == before

    # The published version exports the same sheets, and anyone may download it.
    assert (await catalog.get(url)).status_code == 404
    await catalog.post(
        f"{CATALOG}/agencies/{agency}/versions", json={}, headers=catalog_publisher(tokens, agency)
    )
    published = await catalog.get(url)
    assert published.status_code == 200
    assert cells(published.content) == cells(exported.content)
    assert (await catalog.get(url, params={"version": 1})).status_code == 200
    assert (await catalog.get(url, params={"version": 2})).status_code == 404
    assert (await catalog.get(url, params={"view": "draft"})).status_code == 403


async def test_a_changed_sheet_updates_matching_items_and_removes_missing_ones(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    editor = catalog_editor(tokens, agency)
    url = f"{CATALOG}/agencies/{agency}/catalog.xlsx"
    await catalog.post(url, files=upload(catalog_workbook(ROWS)), headers=editor)
    ids = {i["level1"]: i["id"] for i in await draft(catalog, agency, editor)}
    changed = {"征地补偿": [{**EXAMPLE_ROW, "phone": "0936-1111111"}]}
    result = await catalog.post(
        url, files=upload(catalog_workbook(changed, yes="√", no="")), headers=editor
    )
    assert result.json() == {
        "sheets": ["征地补偿"], "created": 0, "updated": 1, "deleted": 1, "unchanged": 0,
    }  # fmt: skip
    items = {i["level1"]: i for i in await draft(catalog, agency, editor)}
    assert set(items) == {"征收土地信息", "最低生活保障"}  # the other sheet's domain is untouched
    assert items["征收土地信息"]["id"] == ids["征收土地信息"]
    assert items["征收土地信息"]["phone"] == "0936-1111111"
    assert items["征收土地信息"]["channels"] == ["website", "new_media", "service_centre"]


async def test_a_broken_file_is_reported_row_by_row_and_changes_nothing(
    catalog: httpx.AsyncClient, tokens: TokenMinter
) -> None:
    agency = await register_agency(catalog, tokens)
    other = await register_agency(catalog, tokens, "西街街道办事处")
    editor = catalog_editor(tokens, agency)
    url = f"{CATALOG}/agencies/{agency}/catalog.xlsx"
    await catalog.post(url, files=upload(catalog_workbook(ROWS)), headers=editor)
    before = await draft(catalog, agency, editor)

    broken = catalog_workbook(
        {
            "征地补偿": [
                {**EXAMPLE_ROW, "level1": "新增事项"},
                {**EXAMPLE_ROW, "level1": "", "channels": []},
                {**EXAMPLE_ROW, "level1": "两种方式", "mode": "主动"},
                {**EXAMPLE_ROW, "level1": "新增事项"},
                {**EXAMPLE_ROW, "level1": "坏标记"},
            ],
            "不存在的领域": [EXAMPLE_ROW],
        }
    )
    workbook = openpyxl.load_workbook(io.BytesIO(broken))
    workbook["征地补偿"].cell(6, 24, "√")  # 依申请 marked besides 主动
    workbook["征地补偿"].cell(8, 9, "?")  # an unreadable channel mark
    buffer = io.BytesIO()
    workbook.save(buffer)
    refused = await catalog.post(url, files=upload(buffer.getvalue()), headers=editor)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert "目录未作任何修改" in body["detail"]
    reported = {(r["sheet"], r["row"], r["column"]) for r in body["rows"]}
    assert reported == {
        ("征地补偿", 5, "一级事项"),
        ("征地补偿", 6, "公开方式"),
        ("征地补偿", 7, "公开事项"),
        ("征地补偿", 8, "公开渠道和载体"),
        ("不存在的领域", None, None),
    }
    assert all(r["message"] for r in body["rows"])
    assert await draft(catalog, agency, editor) == before

    garbage = await catalog.post(url, files=upload(b"PK\x03\x04 not really"), headers=editor)
    assert garbage.status_code == 422
    assert "不是有效的 Excel" in garbage.json()["detail"]
    empty_sheet = openpyxl.Workbook()
    buffer = io.BytesIO()
    empty_sheet.save(buffer)
    headerless = await catalog.post(url, files=upload(buffer.getvalue()), headers=editor)
    assert headerless.status_code == 422
    assert await draft(catalog, agency, editor) == before

    assert (await catalog.post(url, files=upload(catalog_workbook(ROWS)))).status_code == 401
    stranger = catalog_editor(tokens, other)
    denied = await catalog.post(url, files=upload(catalog_workbook(ROWS)), headers=stranger)
    assert denied.status_code == 403
