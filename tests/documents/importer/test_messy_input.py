"""Messy legacy text: odd dates, marks, numbers, chrome and garbage; the importer never raises."""

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.documents.importer import (
    DisclosureMark,
    ImportField,
    decode_legacy_bytes,
    parse_legacy_file,
    parse_legacy_text,
    read_document,
)
from services.documents.importer.dates import find_date, parse_date
from services.documents.samples import sample_files

LETTER = """当前位置：首页 > 政务公开 > 规范性文件
【字体：大 中 小】　　【打印】　　【关闭】
分享到：微信 微博 QQ空间

某某县人民政府文件

某政发［2021］ 7 号

某某县人民政府
关于加强农村集体资产管理的
实施意见

各乡镇人民政府，县政府各部门：
为进一步加强农村集体资产管理，根据有关法律法规，结合我县实际，现提出如下
意见。
一、总体要求
坚持依法管理。
某某县人民政府
二〇二一年三月五日
（此件依申请公开）
责任编辑：张三
浏览次数：123
上一篇：关于……的通知
版权所有：某某县人民政府　网站标识码：1234567890　冀ICP备12345678号
"""


def test_a_messy_page() -> None:
    result = parse_legacy_text(LETTER, "letter.txt")
    assert result.doc_number == "某政发〔2021〕7号"
    assert result.doc_number_original == "某政发［2021］ 7 号"
    assert result.title == "某某县人民政府关于加强农村集体资产管理的实施意见"
    assert result.agency == "某某县人民政府"
    assert result.written_on == dt.date(2021, 3, 5)
    assert result.disclosure is DisclosureMark.ON_REQUEST
    assert result.complete
    paragraphs = result.body.split("\n")
    assert "为进一步加强农村集体资产管理，根据有关法律法规，结合我县实际，现提出如下意见。" in (
        paragraphs
    )
    for chrome in ("打印", "分享到", "责任编辑", "浏览次数", "上一篇", "版权所有", "当前位置"):
        assert chrome not in result.body


def test_joint_issuance_and_signer() -> None:
    text = (
        "某市财政局文件\n某财发〔2022〕3号          签发人：李四\n"
        "某市财政局\n某市教育局\n关于规范学生资助资金管理的通知\n"
        "各区县：\n请遵照执行。\n2022年1月4日\n（此件不予公开）\n"
    )
    result = parse_legacy_text(text, "joint.txt")
    assert result.doc_number == "某财发〔2022〕3号"
    assert result.agencies == ["某市财政局", "某市教育局"]
    assert result.agency == "某市财政局"
    assert result.title == "某市财政局 某市教育局关于规范学生资助资金管理的通知"
    assert result.disclosure is DisclosureMark.WITHHELD


def test_a_regulation_numbered_as_an_order() -> None:
    text = "某市人民政府令\n第 12 号\n\n第12号令\n某市人民政府\n关于公布某某办法的决定\n"
    result = parse_legacy_text(text, "order.txt")
    # `某市人民政府令` / `第 12 号` on two lines read as one number, before `第12号令`
    assert result.doc_number == "某市人民政府令第12号"
    assert result.title == "某市人民政府关于公布某某办法的决定"


def test_metadata_only_page_fills_in_from_the_table() -> None:
    text = (
        "索引号：000014349/2018-00222\n"
        "发文字号：国办函 (2020) 109 号\n"
        "发文机关：国务院办公厅\n"
        "标题：关于同意建立某某部际联席会议制度的函\n"
        "成文日期：2020年12月01日   发布日期：2020-12-05\n"
        "公开属性：主动公开\n"
        "主题词：联席会议，制度\n"
        "\n"
        "有关部门：经国务院同意，现函复如下。\n"
    )
    result = parse_legacy_text(text, "meta.txt")
    assert result.doc_number == "国办函〔2020〕109号"
    assert result.doc_number_original == "国办函 (2020) 109 号"
    assert result.agency == "国务院办公厅"
    assert result.title == "国务院办公厅关于同意建立某某部际联席会议制度的函"
    assert result.written_on == dt.date(2020, 12, 1)
    assert result.published_on == dt.date(2020, 12, 5)
    assert result.disclosure is DisclosureMark.PUBLIC
    assert result.index_number == "000014349/2018-00222"
    assert result.keywords == ["联席会议", "制度"]
    sources = {report.field: report.source for report in result.fields}
    assert sources[ImportField.DOC_NUMBER] == "网页元数据"
    assert sources[ImportField.WRITTEN_ON] == "网页元数据"


def test_unreadable_metadata_number_is_reported() -> None:
    result = parse_legacy_text("发文字号：见附件\n关于某事的通知\n", "bad.txt")
    assert result.doc_number is None
    assert result.doc_number_original == "见附件"
    (report,) = [r for r in result.fields if r.field is ImportField.DOC_NUMBER]
    assert not report.found
    assert "无法识别" in report.message


@pytest.mark.parametrize(
    ("line", "mark"),
    [
        ("（此件公开发布）", DisclosureMark.PUBLIC),
        ("(此件公开发布)", DisclosureMark.PUBLIC),
        ("（ 此件主动公开 ）", DisclosureMark.PUBLIC),
        ("（此件依申请公开）", DisclosureMark.ON_REQUEST),
        ("【此件不予公开】", DisclosureMark.WITHHELD),
        ("(此件不公开)", DisclosureMark.WITHHELD),
    ],
)
def test_disclosure_marks(line: str, mark: DisclosureMark) -> None:
    result = parse_legacy_text(f"关于某事的通知\n正文。\n{line}\n", "mark.txt")
    assert result.disclosure is mark


def test_a_mark_quoted_in_the_text_is_not_the_documents_mark() -> None:
    text = "关于某事的通知\n印发公文时要明确标注“此件公开发布”“此件不公开”等属性。\n"
    result = parse_legacy_text(text, "quoted.txt")
    assert result.disclosure is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年9月18日", dt.date(2020, 9, 18)),
        ("2020 年 9 月 3 日", dt.date(2020, 9, 3)),
        ("２０２０年９月１８日", dt.date(2020, 9, 18)),
        ("二〇二〇年九月十八日", dt.date(2020, 9, 18)),
        ("二○二○年十月一日", dt.date(2020, 10, 1)),
        ("二〇二一年十二月三十一日", dt.date(2021, 12, 31)),
        ("二〇一九年二月二十日", dt.date(2019, 2, 20)),
        ("二零二零年一月十日", dt.date(2020, 1, 10)),
        ("2020-12-08", dt.date(2020, 12, 8)),
        ("2020.12.8", dt.date(2020, 12, 8)),
        ("2020年2月30日", None),
        ("二〇二〇年十三月一日", None),
        ("二〇二〇年九月四十日", None),
        ("二〇二〇年九月十十日", None),
        ("2020年9月", None),
        ("今天是2020年9月18日", None),
        ("", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


def test_find_date_in_a_labelled_cell() -> None:
    assert find_date("成文时间2020-12-08") == dt.date(2020, 12, 8)
    assert find_date("2020年2月30日或2020年3月1日") == dt.date(2020, 3, 1)
    assert find_date("无") is None


def test_an_invalid_signature_date_is_not_found() -> None:
    result = parse_legacy_text("关于某事的通知\n某县人民政府\n2020年2月30日\n", "date.txt")
    assert result.written_on is None
    assert ImportField.WRITTEN_ON in result.missing


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t",
        "\x00\x01\x02",
        "打印 关闭\n分享到\n",
        "a" * 100_000,
        "关于" * 5000,
        "关于\n" * 300,
        "（" * 1000 + "此件公开发布",
        "〔2020〕" * 1000,
        "\r\n".join(["某政发〔2021〕7号"] * 100),
        "\u2028\u2029\ufeff\u200b",
        "发文字号" * 200,
        "标题\n发文字号\n成文日期\n",
    ],
)
def test_garbage_never_raises(text: str) -> None:
    result = read_document(text, "garbage.txt")
    assert result.filename == "garbage.txt"
    assert len(result.fields) == len(ImportField)
    for report in result.fields:
        assert report.message


def test_empty_text_reports_every_field_missing() -> None:
    result = parse_legacy_text("", "empty.txt")
    assert result.missing == list(ImportField)
    assert (
        result.summary()
        == "empty.txt：已识别 0 项，未找到：发文字号、标题、发文机关、成文日期、公开属性、正文"
    )


def test_non_string_input_does_not_raise() -> None:
    result = parse_legacy_text(b"bytes", "bytes.txt")  # type: ignore[arg-type]
    assert result.missing == list(ImportField)


def test_legacy_encodings() -> None:
    text = "某政发〔2021〕7号\n关于某事的通知\n"
    assert decode_legacy_bytes(text.encode("gbk")) == text
    assert decode_legacy_bytes(text.encode("gb18030")) == text
    assert decode_legacy_bytes("\ufeff".encode() + text.encode()) == text
    assert decode_legacy_bytes(text.encode()) == text
    assert isinstance(decode_legacy_bytes(bytes(range(256))), str)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_read_without_error(text: str) -> None:
    read_document(text, "any.txt")


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(min_value=0, max_value=4))
def test_mangled_samples_are_read_without_error(rng: random.Random, which: int) -> None:
    lines = sample_files()[which].read_text(encoding="utf-8").splitlines()
    rng.shuffle(lines)
    cut = rng.randrange(len(lines))
    mangled = "\n".join(lines[:cut]) + "\r" + "\n".join(line[::-1] for line in lines[cut:])
    read_document(mangled[: rng.randrange(1, len(mangled) + 1)], "mangled.txt")


def test_a_regulation_with_its_order_number_on_two_lines() -> None:
    text = (
        "某市人民政府令\n第 5 号\n\n某市政府信息公开办法\n\n"
        "第一条\u3000为了保障公民依法获取政府信息，制定本办法。\n"
        "第二条\u3000本办法自2021年3月1日起施行。\n"
        "市长 张三\n2021年1月20日\n"
    )
    result = parse_legacy_text(text, "rule.txt")
    assert result.doc_number == "某市人民政府令第5号"
    assert result.doc_number_original == "某市人民政府令第 5 号"
    assert result.title == "某市政府信息公开办法"
    assert result.written_on == dt.date(2021, 1, 20)
    # a full-width space (as regulations print it) stays; single spaces by Chinese text go
    assert "第一条 为了保障公民依法获取政府信息，制定本办法。" in result.body.split("\n")


def test_a_heading_starting_with_guanyu_is_not_joined_to_the_next_paragraph() -> None:
    text = "关于某事的通知\n各单位：\n关于经费保障\n各单位要加强资金管理。\n"
    result = parse_legacy_text(text, "heading.txt")
    assert result.body.split("\n") == [
        "关于某事的通知",
        "各单位：",
        "关于经费保障",
        "各单位要加强资金管理。",
    ]


def test_parse_legacy_file(tmp_path: Path) -> None:
    gbk = tmp_path / "旧文件.txt"
    gbk.write_bytes("某政发〔2021〕7号\n某县人民政府\n关于某事的通知\n".encode("gbk"))
    result = parse_legacy_file(gbk)
    assert result.filename == "旧文件.txt"
    assert result.doc_number == "某政发〔2021〕7号"
    assert result.title == "某县人民政府关于某事的通知"

    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    result = parse_legacy_file(big, max_bytes=1000)
    assert result.missing == list(ImportField)
    assert "文件过大" in result.fields[0].message

    result = parse_legacy_file(tmp_path / "absent.txt")
    assert result.missing == list(ImportField)
    assert "无法读取文件" in result.fields[0].message
