"""Letter templates: the built-in set, an administrator's overrides, and refused templates."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.requests.letters import (
    PLACEHOLDERS,
    TEMPLATE_NAMES,
    BlockStyle,
    LetterKind,
    LetterTemplateError,
    LetterTemplates,
    ReplyType,
    compose_letter,
    parse_template,
)
from tests.requests.letters.builders import APPLICANT, letter_context

MINIMAL_REPLY = """\
% 本机关自定的答复书
# 答复书（自定）
< {{applicant_name}}：
{{received_on}}收到的申请（{{tracking_number}}）予以公开，依据{{legal_ground}}。
> {{agency_name}}
> {{issued_on}}
"""


def test_every_built_in_template_is_usable() -> None:
    templates = LetterTemplates().check()
    assert [template.name for template in templates] == list(TEMPLATE_NAMES)
    assert len(TEMPLATE_NAMES) == len(ReplyType) + len(LetterKind) - 1


def test_markup_sets_the_style_of_each_line() -> None:
    template = parse_template("reply_granted", MINIMAL_REPLY)
    assert [line.style for line in template.lines] == [
        BlockStyle.TITLE,
        BlockStyle.PLAIN,
        BlockStyle.BODY,
        BlockStyle.RIGHT,
        BlockStyle.RIGHT,
    ]
    assert "agency_name" in template.placeholders


def test_unknown_placeholders_are_refused_in_chinese() -> None:
    text = MINIMAL_REPLY + "请联系{{contact_phone}}或{{ 申请人 }}。\n"
    with pytest.raises(LetterTemplateError) as refused:
        parse_template("reply_granted", text)
    detail = refused.value.detail
    assert "第 7 行有未知的占位符" in detail
    assert "{{contact_phone}}" in detail
    assert "{{申请人}}" in detail
    assert "可用的占位符：letter_title、" in detail
    assert refused.value.status == 422


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("请联系{{contact}。", "花括号不成对"),
        ("请联系{contact}}。", "花括号不成对"),
        ("联系{{}}", "未知的占位符"),
        ("? 没有占位符的可省略行", "没有占位符"),
    ],
)
def test_malformed_lines_are_refused(line: str, message: str) -> None:
    with pytest.raises(LetterTemplateError, match=message):
        parse_template("reply_granted", MINIMAL_REPLY + line + "\n")


def test_a_reply_without_its_legal_ground_is_refused() -> None:
    text = MINIMAL_REPLY.replace("依据{{legal_ground}}", "")
    with pytest.raises(
        LetterTemplateError, match=r"缺少必需的占位符：\{\{legal_ground\}\}（法律依据）"
    ):
        parse_template("reply_granted", text)


def test_a_template_needs_a_title() -> None:
    with pytest.raises(LetterTemplateError, match="缺少标题行"):
        parse_template("reply_granted", MINIMAL_REPLY.replace("# 答复书（自定）\n", ""))


def test_a_notice_needs_its_own_fields() -> None:
    with pytest.raises(LetterTemplateError, match="correction_due_on"):
        parse_template("clarification_notice", MINIMAL_REPLY + "{{clarification_items}}\n")


def test_unknown_template_names_are_refused() -> None:
    with pytest.raises(LetterTemplateError, match="没有名为“reply_maybe”的文书模板"):
        parse_template("reply_maybe", MINIMAL_REPLY)
    with pytest.raises(LetterTemplateError):
        LetterTemplates().get("../etc/passwd")


def test_an_administrator_file_replaces_the_built_in_one(tmp_path: Path) -> None:
    (tmp_path / "reply_granted.txt").write_text(MINIMAL_REPLY, encoding="utf-8")
    templates = LetterTemplates(tmp_path)
    letter = compose_letter(letter_context(reply_type=ReplyType.GRANTED), templates)
    assert letter.title == "答复书（自定）"
    assert letter.blocks[1].text == f"{APPLICANT}："
    # the other templates are still the built-in ones
    refused = compose_letter(letter_context(reply_type=ReplyType.REFUSED), templates)
    assert refused.title == "政府信息公开申请答复书"


def test_a_broken_override_is_refused_with_its_file_named(tmp_path: Path) -> None:
    path = tmp_path / "fee_notice.txt"
    path.write_text("# 收费通知书\n{{fee}}\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError) as refused:
        compose_letter(letter_context(LetterKind.FEE_NOTICE), LetterTemplates(tmp_path))
    assert str(path) in refused.value.detail
    assert "{{fee}}" in refused.value.detail


def test_check_reports_every_problem_of_an_override_directory(tmp_path: Path) -> None:
    (tmp_path / "reply_grantd.txt").write_text(MINIMAL_REPLY, encoding="utf-8")
    (tmp_path / "reply_refused.txt").write_bytes("# 答复书\n".encode("gbk"))
    (tmp_path / "extension_notice.txt").write_text("# 延期\n{{x}}\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError) as refused:
        LetterTemplates(tmp_path).check()
    detail = refused.value.detail
    assert "reply_grantd.txt 不是已知的模板名称" in detail
    assert "不是 UTF-8 编码" in detail
    assert "{{x}}" in detail


def test_oversized_templates_are_refused(tmp_path: Path) -> None:
    (tmp_path / "reply_granted.txt").write_text(MINIMAL_REPLY + "文" * 40_000, encoding="utf-8")
    with pytest.raises(LetterTemplateError, match="超过 64 KB"):
        LetterTemplates(tmp_path).get("reply_granted")


TOKENS = [*"#^<>?% {}\nabc_文", *PLACEHOLDERS, "{{", "}}"]


@settings(max_examples=200)
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_any_template_text_is_parsed_or_refused_with_a_reason(text: str) -> None:
    problems: list[str] = []
    try:
        template = parse_template("reply_granted", text)
    except LetterTemplateError as refused:
        problems.append(refused.detail)
    if problems:
        assert problems[0].startswith("文书模板“reply_granted”（提交的模板）不能使用：")
    else:
        assert template.placeholders <= set(PLACEHOLDERS)


def test_a_utf8_bom_from_notepad_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "reply_granted.txt").write_text(MINIMAL_REPLY, encoding="utf-8-sig")
    assert LetterTemplates(tmp_path).get("reply_granted").lines[0].text == "答复书（自定）"
