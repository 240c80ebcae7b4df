"""Check digits of 统一社会信用代码 (GB 32100) and 身份证号码 (GB 11643)."""

import pytest

from services.common.identifiers import (
    credit_code_check_char,
    credit_code_problem,
    id_card_problem,
    is_valid_credit_code,
    is_valid_id_card,
    organisation_code,
    validate_credit_code,
)

# Published codes of real organisations.
REAL_CREDIT_CODES = ["91350100M000100Y43", "11100000000013127D", "91110000100006485K"]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_real_credit_codes_pass(code: str) -> None:
    assert is_valid_credit_code(code)
    assert credit_code_check_char(code[:17]) == code[17]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_every_other_check_character_fails(code: str) -> None:
    wrong = [c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if c != code[17]]
    assert all(
        credit_code_problem(code[:17] + c) == "统一社会信用代码校验位不正确，请核对后重新输入"
        for c in wrong
    )


def test_a_swapped_pair_of_digits_is_caught() -> None:
    code = "91110000100006485K"
    swapped = code[:14] + code[15] + code[14] + code[16:]
    assert swapped != code
    assert not is_valid_credit_code(swapped)


def test_credit_code_length_and_characters_are_explained() -> None:
    assert credit_code_problem("9111000010000648") == "统一社会信用代码应为 18 位，收到 16 位"
    assert "I" in (credit_code_problem("9111000010000648IK") or "")


def test_credit_code_is_normalised() -> None:
    assert validate_credit_code(" 91110000 100006485k ") == "91110000100006485K"
    assert organisation_code("91110000100006485K") == "100006485"
    with pytest.raises(ValueError, match="校验位"):
        validate_credit_code("91110000100006485A")


def test_id_card_numbers() -> None:
    assert is_valid_id_card("11010519491231002X")  # the example of GB 11643
    assert is_valid_id_card("11010519491231002x")
    assert id_card_problem("110105194912310021") == "身份证号码校验位不正确，请核对后重新输入"
    assert id_card_problem("110105194902301234") == "身份证号码中的出生日期不存在"
    assert id_card_problem("11010519491231002") == "身份证号码应为 18 位，收到 17 位"
    assert id_card_problem("1101051949123100Y2") == "身份证号码应为 17 位数字加一位数字或 X"
