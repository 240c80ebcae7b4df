"""Filling templates: legal grounds, optional lines, missing data, hostile text."""

import pytest
from pydantic import ValidationError

from services.requests.letters import (
    LetterContextError,
    LetterKind,
    RefusalGround,
    ReplyType,
    compose_letter,
    default_legal_ground,
)
from services.requests.replies import legal_basis
from tests.requests.letters.builders import APPLICANT, CONSULTATIONS, THIRD_PARTY, letter_context


@pytest.mark.parametrize("reply_type", list(ReplyType))
def test_a_reply_cites_the_basis_of_its_reply_type(reply_type: ReplyType) -> None:
    ground = default_legal_ground(LetterKind.REPLY, reply_type)
    assert ground == legal_basis(reply_type, None)
    assert ground in compose_letter(letter_context(reply_type=reply_type)).plain_text()


@pytest.mark.parametrize(
    ("kind", "article"),
    [
        (LetterKind.CLARIFICATION_NOTICE, "第三十条"),
        (LetterKind.EXTENSION_NOTICE, "第三十三条第二款"),
        (LetterKind.CONSULTATION_LETTER, "第三十二条"),
        (LetterKind.AGENCY_CONSULTATION_LETTER, "第三十四条"),
        (LetterKind.FEE_NOTICE, "第四十二条、国办函〔2020〕109号"),
    ],
)
def test_notices_cite_their_articles(kind: LetterKind, article: str) -> None:
    assert default_legal_ground(kind).startswith(f"《中华人民共和国政府信息公开条例》{article}")


def test_the_letter_states_the_legal_ground_and_the_refusal_reason() -> None:
    letter = compose_letter(
        letter_context(reply_type=ReplyType.REFUSED, refusal_ground=RefusalGround.STATE_SECRET)
    )
    text = letter.plain_text()
    assert "理由：属于国家秘密。" in text
    assert (
        "根据《中华人民共和国政府信息公开条例》第三十六条第（三）项；"
        "《中华人民共和国政府信息公开条例》第十四条（属于国家秘密）的规定"
    ) in text


def test_a_ground_given_by_staff_replaces_the_default() -> None:
    ground = "《中华人民共和国政府信息公开条例》第十四条及《中华人民共和国保守国家秘密法》第二条"
    letter = compose_letter(letter_context(reply_type=ReplyType.REFUSED, legal_ground=ground))
    assert ground in letter.plain_text()


def test_not_ours_names_the_responsible_agency_when_known() -> None:
    known = compose_letter(letter_context(reply_type=ReplyType.NOT_OURS)).plain_text()
    assert "负责公开该政府信息的行政机关为某市自然资源和规划局" in known
    assert "0571-11112222" in known
    unknown = compose_letter(
        letter_context(
            reply_type=ReplyType.NOT_OURS,
            responsible_agency_name=None,
            responsible_agency_contact=None,
        )
    ).plain_text()
    assert "负责公开该政府信息的行政机关为" not in unknown
    assert "第三十六条第（五）项" in unknown


def test_optional_lines_are_left_out_and_the_date_is_written_in_chinese() -> None:
    letter = compose_letter(letter_context(contact=None, court=None))
    text = letter.plain_text()
    assert "联系方式" not in text
    assert "行政复议" not in text  # the remedy line needs both the body and the court
    assert letter.blocks[-1].text == "2026年11月23日"


def test_missing_data_is_named_in_chinese() -> None:
    context = letter_context(LetterKind.EXTENSION_NOTICE, extended_due_on=None)
    with pytest.raises(LetterContextError) as refused:
        compose_letter(context)
    assert "延长后的答复期限（extended_due_on）" in refused.value.detail


@pytest.mark.parametrize("kind", sorted(CONSULTATIONS))
def test_consultation_letters_do_not_name_the_applicant(kind: LetterKind) -> None:
    text = compose_letter(letter_context(kind)).plain_text()
    assert APPLICANT not in text
    assert f"{THIRD_PARTY}：" in text
    assert "2026年12月14日前" in text


def test_text_in_values_is_never_read_as_markup_or_placeholders() -> None:
    letter = compose_letter(
        letter_context(
            applicant_name="{{agency_name}}",
            request_description="# 不是标题\n{{legal_ground}}\x00\x07",
        )
    )
    text = letter.plain_text()
    assert "{{agency_name}}：" in text
    assert "“# 不是标题\n{{legal_ground}}”" in text
    assert "\x00" not in text
    assert "\x07" not in text
    with pytest.raises(ValidationError):  # a lone surrogate never reaches a letter
        letter_context(applicant_name="\ud800")


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": LetterKind.REPLY, "reply_type": None},
        {"kind": LetterKind.FEE_NOTICE, "reply_type": ReplyType.GRANTED},
        {"reply_type": ReplyType.GRANTED, "refusal_ground": RefusalGround.STATE_SECRET},
        {"applicant_name": "   "},
        {"fee_amount_yuan": -1},
        {"unknown": "x"},
    ],
)
def test_inconsistent_contexts_are_refused(changes: dict[str, object]) -> None:
    fields = letter_context().model_dump() | changes
    with pytest.raises(ValidationError):
        type(letter_context()).model_validate(fields)


def test_a_partial_grant_names_the_ground_of_the_withheld_part() -> None:
    letter = compose_letter(
        letter_context(reply_type=ReplyType.PARTLY, refusal_ground=RefusalGround.THIRD_PARTY)
    )
    assert "第三十七条；《中华人民共和国政府信息公开条例》第十五条" in letter.plain_text()
