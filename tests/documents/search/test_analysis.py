"""Text analysis: folding, 发文字号, the government vocabulary, sub-words, pinyin, aliases."""

from pathlib import Path

import pytest

from services.documents.search.analysis import (
    AgencyAliases,
    Analyzer,
    canonical_doc_number,
    canonicalise_doc_numbers,
    doc_number_candidates,
    find_doc_numbers,
    fold,
    fold_aligned,
    initials,
    load_vocabulary,
)


@pytest.mark.parametrize(
    "raw",
    [
        "交政办发〔2020〕78号",
        "交政办发[2020]78号",
        "交政办发(2020)78号",
        "交政办发（2020）78号",
        "交政办发【2020】78号",
        "交政办发［2020］78号",
        "交政办发﹝2020﹞78号",
        "交政办发 〔 2020 〕 78 号",
        "交政办发〔2020〕第78号",
        "交政办发〔2020〕078号",
        "交政办发（２０２０）７８号",
        "交政辦發〔2020〕78號",
    ],
)
def test_document_number_variants_share_one_canonical_form(raw: str) -> None:
    assert canonical_doc_number(raw) == "交政办发〔2020〕78号"


def test_document_numbers_are_found_inside_text() -> None:
    text = "根据《意见》(国办发[2019] 54号)和晋政办发（2020）38号"
    assert find_doc_numbers(text) == ["国办发〔2019〕54号", "和晋政办发〔2020〕38号"]
    assert "晋政办发〔2020〕38号" in doc_number_candidates("和晋政办发〔2020〕38号")


def test_numbers_in_text_are_rewritten_only_after_a_chinese_prefix() -> None:
    text = "〔2020〕1号 ab[2020]2号 政办 〔 2021 〕第 007 号，x政(2020)3号〔2022〕4号"
    assert canonicalise_doc_numbers(text) == (
        "〔2020〕1号 ab[2020]2号 政办〔2021〕7号，x政〔2020〕3号〔2022〕4号"
    )


def test_fold_full_width_traditional_and_case() -> None:
    assert fold("ＡＢＣ１２３　政務公開") == "abc123 政务公开"
    assert fold_aligned("政務公開［2020］Ａ") == "政务公开〔2020〕a"


def test_government_vocabulary_keeps_words_whole(analyzer: Analyzer) -> None:
    plain = Analyzer(vocabulary=[])
    for word in ("政务公开", "规范性文件", "依申请公开", "政府信息公开条例"):
        assert plain.words(word) != [word]  # the stock dictionary splits them
        assert analyzer.words(word) == [word]


def test_document_number_core_is_one_token(analyzer: Analyzer) -> None:
    assert analyzer.words("張政辦函（2020）100號")[-1] == "2020n100"
    assert analyzer.words("交政办发[2020]78号")[-1] == "2020n78"


def test_punctuation_is_not_a_token(analyzer: Analyzer) -> None:
    assert analyzer.words("《通知》，。、") == ["通知"]


def test_subwords_let_short_queries_find_long_words(analyzer: Analyzer) -> None:
    sub = analyzer.subwords(analyzer.words("交城县人民政府办公室依申请公开"))
    for short in ("人民政府", "办公室", "申请", "公开", "交城"):
        assert short in sub


def test_administrator_dictionary_extends_vocabulary(tmp_path: Path) -> None:
    extra = tmp_path / "words.txt"
    extra.write_text("# 管理员词表\n双随机一公开 200000\n一窗受理\n", encoding="utf-8")
    default = Analyzer(load_vocabulary())
    extended = Analyzer(load_vocabulary([extra]))
    assert default.words("一窗受理") != ["一窗受理"]
    assert extended.words("一窗受理") == ["一窗受理"]
    assert extended.words("双随机一公开") == ["双随机一公开"]


def test_pinyin_initials() -> None:
    assert initials("政务公开") == "zwgk"
    assert initials("2020年政務公開") == "2020nzwgk"
    assert len(initials("关于《规范性文件》的通知")) == len("关于《规范性文件》的通知")


def test_alias_variants() -> None:
    aliases = AgencyAliases.of([["市府办", "市人民政府办公室"], ["单独"]])
    assert aliases.variants("市府办通知") == ["市府办通知", "市人民政府办公室通知"]
    assert aliases.variants("市人民政府办公室") == ["市人民政府办公室", "市府办"]
    assert aliases.variants("县政府") == ["县政府"]
