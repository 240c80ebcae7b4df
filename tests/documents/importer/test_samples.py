"""The importer reads the right 发文字号, title, agency and date from each of the five samples."""

import datetime as dt

import pytest

from services.documents.importer import DisclosureMark, ImportField, parse_legacy_text
from services.documents.samples import sample_files

# Read by a person from each sample file (see services/documents/samples/).
EXPECTED = {
    "boshan-zhengbanzi-2020-45.txt": (
        "博政办字〔2020〕45号",
        "博政办字〔2020〕45 号",
        "博山区人民政府办公室关于印发博山区2020年政务公开工作要点的通知",
        "博山区人民政府办公室",
        dt.date(2020, 9, 3),
        DisclosureMark.PUBLIC,
    ),
    "jiaocheng-zhengbanfa-2020-78.txt": (
        "交政办发〔2020〕78号",
        "交政办发〔2020〕78号",
        "交城县人民政府办公室关于印发全面推进基层政务公开标准化规范化"
        "进一步做好政务公开工作实施方案的通知",
        "交城县人民政府办公室",
        dt.date(2020, 12, 8),
        DisclosureMark.PUBLIC,
    ),
    "shijiazhuang-zhengbanhan-2020-28.txt": (
        "石政办函〔2020〕28号",
        "石政办函〔2020〕28号",
        "石家庄市人民政府办公室关于印发石家庄市2020年政务公开工作要点的通知",
        "石家庄市人民政府办公室",
        dt.date(2020, 8, 6),
        DisclosureMark.PUBLIC,
    ),
    "zhangye-zhengbanhan-2020-100.txt": (
        "张政办函〔2020〕100号",
        "张政办函〔2020〕100号",
        "张掖市人民政府办公室关于印发张掖市落实政务公开重点工作推进方案的通知",
        "张掖市人民政府办公室",
        dt.date(2020, 9, 17),
        None,  # the page carries no disclosure mark
    ),
    "ziyang-fubanfa-2020-31.txt": (
        "资府办发〔2020〕31号",
        "资府办发〔2020〕31号",
        "资阳市人民政府办公室关于印发《资阳市全面推进政务公开工作的实施意见》的通知",
        "资阳市人民政府办公室",
        dt.date(2020, 7, 10),
        None,  # the page carries no disclosure mark
    ),
}


def _text(name: str) -> str:
    (found,) = [entry for entry in sample_files() if entry.name == name]
    return found.read_text(encoding="utf-8")


def test_all_five_samples_ship_with_the_package() -> None:
    assert [entry.name for entry in sample_files()] == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_fields(name: str) -> None:
    number, original, title, agency, written_on, disclosure = EXPECTED[name]
    result = parse_legacy_text(_text(name), name)
    assert result.filename == name
    assert result.doc_number == number
    assert result.doc_number_original == original
    assert result.title == title
    assert result.agency == agency
    assert result.agencies == [agency]
    assert result.written_on == written_on
    assert result.disclosure == disclosure
    found = {report.field: report for report in result.fields}
    assert set(found) == set(ImportField)
    assert found[ImportField.DOC_NUMBER].message.startswith(f"已识别发文字号：{number}")
    assert found[ImportField.WRITTEN_ON].value == written_on.isoformat()
    if disclosure is None:
        assert result.missing == [ImportField.DISCLOSURE]
        assert "此件公开发布" in found[ImportField.DISCLOSURE].message
        assert result.summary() == f"{name}：已识别 5 项，未找到：公开属性"
    else:
        assert result.complete
        assert found[ImportField.DISCLOSURE].value == "主动公开"


def test_jiaocheng_page_metadata_and_chrome() -> None:
    name = "jiaocheng-zhengbanfa-2020-78.txt"
    result = parse_legacy_text(_text(name), name)
    assert result.index_number == "JCXZFBWJ-2020-0078"
    assert result.published_on == dt.date(2020, 12, 11)
    assert result.keywords == ["政务公开标准化"]
    assert result.topic == "其它"
    found = {report.field: report for report in result.fields}
    # the page shows no 发文字号 above the text: it comes from the metadata table
    assert found[ImportField.DOC_NUMBER].source == "网页元数据"
    assert found[ImportField.TITLE].source == "正文"
    for chrome in ("今天是", "当前位置", "字体大小", "保存为word", "打印", "关闭", "索引号"):
        assert chrome not in result.body
    # the link to the interpretation under the page is not part of the document
    assert not result.body.rstrip().endswith("的解读")
    assert result.body.startswith("交城县人民政府办公室\n关于印发全面推进基层政务公开")
    assert result.body.rstrip().endswith("附件2:交城县政务公开领导小组成员及职责")
    assert result.cited_numbers == [
        "国办发〔2019〕54号",
        "晋政办发〔2020〕38号",
        "交政办发〔2020〕55号",
    ]


def test_boshan_broken_lines_are_joined() -> None:
    name = "boshan-zhengbanzi-2020-45.txt"
    result = parse_legacy_text(_text(name), name)
    paragraphs = result.body.split("\n")
    assert paragraphs[:4] == [
        "博山区人民政府办公室",
        "关于印发博山区2020年政务公开工作要点的通知",
        "博政办字〔2020〕45 号".replace(" ", ""),
        "各镇人民政府、街道办事处，开发区管委会，区政府有关部门，有关单位：",
    ]
    assert (
        "《博山区2020年政务公开工作要点》已经区政府同意，现印发给你们，请认真贯彻落实。"
        in paragraphs
    )
    # a line broken in mid-word across a blank line: 申 / 报材料清单
    assert "公开惠企政策申请条件、申报材料清单" in result.body
    assert "继续完善主动公开和依申请公开制度" in result.body
    # headings stay their own paragraphs
    assert "一、总体要求" in paragraphs
    assert "（一）聚焦中心工作和重点领域，拓展公开广度和深度" in paragraphs


def test_zhangye_title_broken_over_blank_lines() -> None:
    name = "zhangye-zhengbanhan-2020-100.txt"
    result = parse_legacy_text(_text(name), name)
    assert "关于印发张掖市落实政务公开重点工作推进方案的通知" in result.body.split("\n")
    assert result.cited_numbers == ["国办发〔2020〕17号", "甘政办发〔2020〕83号"]
