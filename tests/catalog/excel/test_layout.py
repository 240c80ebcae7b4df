"""The workbook writer and reader agree on every column, and the reader takes the variants
real catalogs use (a 三级事项 column, channels written out as text)."""

import io
import uuid

import openpyxl

from services.catalog.excel import reader, writer
from services.catalog.items.rows import canonical
from services.catalog.items.schemas import ItemContent

DOMAIN = uuid.uuid4()


def content(**fields: object) -> ItemContent:
    values: dict[str, object] = {
        "domain_id": DOMAIN,
        "level1": "最低生活保障",
        "level2": "审核确认",
        "elements": [{"name": "对象姓名"}, {"name": "保障金额", "required": False}],
        "basis": "《社会救助暂行办法》第十条",
        "deadline": {"text": "公告期限5个工作日"},
        "subject": "乡镇人民政府",
        "channels": ["notice_board", "service_station"],
        "levels": ["township"],
        **fields,
    }
    return ItemContent.model_validate(values)


def test_every_column_survives_a_round_trip() -> None:
    items = [
        content(),
        content(level3="城市低保", audience="specific_group", audience_note="低保申请家庭",
                mode="on_request", phone="0936-8210000", channels=[c for c in (
                    "website", "gazette", "new_media", "press_conference", "broadcast", "print",
                    "reading_point", "service_centre", "service_station", "door_to_door",
                    "notice_board", "targeted_push", "other")], levels=["city", "county"]),
    ]  # fmt: skip
    sheets = reader.read(writer.write("东街街道办事处", [("社会救助", items)]))
    assert [s.name for s in sheets] == ["社会救助"]
    assert sheets[0].problems == []
    read_back = [
        ItemContent.model_validate({**r.values, "domain_id": DOMAIN}) for r in sheets[0].rows
    ]
    assert [canonical(c) for c in read_back] == [canonical(c) for c in items]
    assert [r.number for r in sheets[0].rows] == [4, 5]


def test_channels_written_as_text_in_one_column() -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = "征地补偿"
    top = ["序号", "公开事项", None, "公开内容（要素）", "公开依据", "公开时限", "公开主体",
           "公开渠道和载体", "公开对象", None, "公开方式", None, "公开层级", None,
           None]  # fmt: skip
    sub = [None, "一级事项", "二级事项", None, None, None, None, None,
           "全社会", "特定群体", "主动", "依申请", "市级", "县级", "乡级"]  # fmt: skip
    for c, (t, s) in enumerate(zip(top, sub, strict=True), start=1):
        ws.cell(1, c, t)
        ws.cell(2, c, s)
    for first, last in ((2, 3), (9, 10), (11, 12), (13, 15)):
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for c in (1, 4, 5, 6, 7, 8):
        ws.merge_cells(start_row=1, start_column=c, end_row=2, end_column=c)
    row = [1, "征收土地信息", "征收土地信息", "征地告知书、征收土地方案", "《政府信息公开条例》等",
           "信息形成20个工作日内", "乡镇政府/街道", "政府网站、两微一端、政务服务中心",
           "√", None, "√", None, None, None, "√"]  # fmt: skip
    for c, value in enumerate(row, start=1):
        ws.cell(3, c, value)
    ws.cell(4, 2, "坏渠道")
    for c, value in enumerate(row[3:], start=4):
        ws.cell(4, c, value)
    ws.cell(4, 8, "政府网站、传真")
    buffer = io.BytesIO()
    workbook.save(buffer)
    (sheet,) = reader.read(buffer.getvalue())
    assert [r.values["channels"] for r in sheet.rows] == [
        ["website", "new_media", "service_centre"]
    ]
    assert [(p.row, p.column, p.message) for p in sheet.problems] == [
        (4, "公开渠道和载体", "无法识别的渠道：传真")
    ]
