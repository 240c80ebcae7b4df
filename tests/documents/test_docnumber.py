"""发文字号 parsing: every bracket, width and spacing variant reads to the same parts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.documents import docnumber
from services.documents.docnumber import DocNumber, NumberKind

CANONICAL = "交政办发〔2020〕78号"

SAME_NUMBER = [
    "交政办发〔2020〕78号",
    "交政办发[2020]78号",
    "交政办发(2020)78号",
    "交政办发（2020）78号",
    "交政办发【2020】78号",
    "交政办发［2020］78号",
    "交政办发﹝2020﹞78号",
    "交政办发〖2020〗78号",
    "交政办发 〔 2020 〕 78 号",
    " 交政办发〔2020〕78 号 ",
    "交政办发\u3000〔２０２０〕７８号",
    "交政办发〔2020〕078号",
    "交政办发〔2020〕第78号",
    "交政办发〔2020〕-78",
    "交政办发〔2020〕78",
    "交政办发(2020]78号",
    "交政办发2020年78号",
    "交政办发2020年第78号",
    "交政办发2020-78号",
    "交政办发\u00a0[2020]\t78号",
    "交政办发〔2020〕\u200b78号",
]


@pytest.mark.parametrize("text", SAME_NUMBER)
def test_every_variant_normalises_to_the_canonical_form(text: str) -> None:
    parsed = docnumber.parse(text)
    assert parsed is not None
    assert parsed.kind is NumberKind.REGULAR
    assert (parsed.code, parsed.year, parsed.sequence) == ("交政办发", 2020, 78)
    assert parsed.original == text.strip()
    assert docnumber.normalise(text) == CANONICAL
    assert parsed.search_key() == "交政办发|2020|78"


def test_the_samples_numbers() -> None:
    assert docnumber.normalise("博政办字〔2020〕45 号") == "博政办字〔2020〕45号"
    assert docnumber.normalise(" 张政办函〔2020〕100号") == "张政办函〔2020〕100号"
    assert docnumber.normalise("国办函〔2020〕109号") == "国办函〔2020〕109号"
    parsed = docnumber.parse("博政办字〔2020〕45 号")
    assert parsed == DocNumber("博政办字〔2020〕45 号", NumberKind.REGULAR, "博政办字", 2020, 45)


@pytest.mark.parametrize(
    ("text", "code", "year", "sequence", "canonical"),
    [
        ("第12号令", "", None, 12, "第12号令"),
        ("第 12 号令", "", None, 12, "第12号令"),
        ("第１２号令", "", None, 12, "第12号令"),
        ("政府令第 3 号", "政府令", None, 3, "政府令第3号"),
        ("令第12号", "令", None, 12, "令第12号"),
        ("石家庄市人民政府令第215号", "石家庄市人民政府令", None, 215, "石家庄市人民政府令第215号"),
        ("交通运输部令2020年第1号", "交通运输部令", 2020, 1, "交通运输部令2020年第1号"),
        ("交通运输部令 2020 年第 01 号", "交通运输部令", 2020, 1, "交通运输部令2020年第1号"),
    ],
)
def test_regulations_are_numbered_as_orders(
    text: str, code: str, year: int | None, sequence: int, canonical: str
) -> None:
    parsed = docnumber.parse(text)
    assert parsed is not None
    assert parsed.kind is NumberKind.ORDER
    assert (parsed.code, parsed.year, parsed.sequence) == (code, year, sequence)
    assert parsed.normalised() == canonical
    assert parsed.original == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "关于印发政务公开工作要点的通知",
        "〔2020〕78号",  # no 机关代字
        "交政办发〔20〕78号",  # two-digit year
        "交政办发〔1800〕78号",  # before 1949
        "交政办发〔2020〕0号",
        "交政办发〔2020〕号",
        "交政办发202078号",  # no separator: ambiguous, not guessed
        "ABC〔2020〕78号",  # no Chinese in the code
        "交政办发〔2020〕78号" * 10,  # far too long
        "第号令",
        "第0号令",
        "交政办发〔2020〕1234567号",
        "<script>〔2020〕1号",
        "交政办发〔2020〕78号；另见国办发〔2019〕54号",
        "\x00\x01",
    ],
)
def test_garbage_gives_none(text: str) -> None:
    assert docnumber.parse(text) is None
    assert docnumber.normalise(text) is None
    assert docnumber.variants(text) == ()


@pytest.mark.parametrize("value", [None, 78, b"\xe4\xba\xa4", ["交政办发〔2020〕78号"]])
def test_non_strings_give_none(value: object) -> None:
    assert docnumber.parse(value) is None
    assert docnumber.find_all(value) == []


def test_variants_cover_every_bracket_and_keep_the_original() -> None:
    found = docnumber.variants("交政办发 [2020] 78 号")
    assert found[0] == CANONICAL
    for spelling in (
        "交政办发[2020]78号",
        "交政办发(2020)78号",
        "交政办发（2020）78号",
        "交政办发【2020】78号",
        "交政办发［2020］78号",
        "交政办发﹝2020﹞78号",
        "交政办发2020年78号",
        "交政办发 [2020] 78 号",
    ):
        assert spelling in found
    assert len(found) == len(set(found))
    # every variant reads back to the same number
    assert {docnumber.normalise(v) for v in found} == {CANONICAL}


def test_order_variants_read_back() -> None:
    for text in ("政府令第3号", "第12号令"):
        found = docnumber.variants(text)
        assert len(found) >= 2
        assert {docnumber.normalise(v) for v in found} == {docnumber.normalise(text)}


def test_find_all_in_running_text() -> None:
    text = (
        "按照《国务院办公厅关于印发2020年政务公开工作要点的通知》(国办发〔2020〕17号)"
        "和《甘肃省政府关于印发甘肃省政务公开工作实施方案的通知》（甘政办发 [2020] 83 号）要求，"
        "再次重申国办发(2020)17号，并依据《某某办法》（政府令第 3 号）执行。2020年有78项。"
    )
    found = [n.normalised() for n in docnumber.find_all(text)]
    assert found == ["国办发〔2020〕17号", "甘政办发〔2020〕83号", "政府令第3号"]


@given(st.text(max_size=120))
def test_never_raises_on_any_text(text: str) -> None:
    parsed = docnumber.parse(text)
    if parsed is not None:
        # whatever parses has a canonical form that parses to the same parts
        again = docnumber.parse(parsed.normalised())
        assert again is not None
        assert again.search_key() == parsed.search_key()
    docnumber.find_all(text)
    docnumber.variants(text)
