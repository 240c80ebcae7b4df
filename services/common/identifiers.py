"""Check digits: 统一社会信用代码 (GB 32100-2015) and 身份证号码 (GB 11643-1999).

Pure functions, shared by every service; a wrong check digit almost always means a typo.
"""

import datetime as dt

# GB 32100: 31 characters, the letters I, O, Z, S and V are never used.
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CARD_CHECK = "10X98765432"


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 characters are given."""
    if len(first17) != 17 or any(ch not in CREDIT_CODE_CHARSET for ch in first17):
        raise ValueError("统一社会信用代码前 17 位应为数字或大写字母（不含 I、O、Z、S、V）")
    values = [CREDIT_CODE_CHARSET.index(ch) for ch in first17]
    total = sum(v * w for v, w in zip(values, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """Upper case, without surrounding or inner spaces (people paste them from documents)."""
    return "".join(value.split()).upper()


def credit_code_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 统一社会信用代码, in Chinese; None when it is valid."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，收到 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_CHARSET})
    if bad:
        return "统一社会信用代码含有不允许的字符：" + "、".join(bad)
    if credit_code_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对后重新输入"
    return None


def is_valid_credit_code(value: str) -> bool:
    return credit_code_problem(value) is None


def validate_credit_code(value: str) -> str:
    """The normalised code, or ``ValueError`` with the Chinese reason (for pydantic validators)."""
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return normalise_credit_code(value)


def organisation_code(credit_code: str) -> str:
    """The 9-character 组织机构代码 inside a credit code (positions 9–17)."""
    return normalise_credit_code(credit_code)[8:17]


def id_card_check_char(first17: str) -> str:
    """The 18th character of a 身份证号码 whose first 17 digits are given."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("身份证号码前 17 位应为数字")
    total = sum(int(ch) * w for ch, w in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK[total % 11]


def id_card_problem(value: str) -> str | None:
    """Why ``value`` is not a valid 18-digit 身份证号码, in Chinese; None when it is valid."""
    number = "".join(value.split()).upper()
    if len(number) != 18:
        return f"身份证号码应为 18 位，收到 {len(number)} 位"
    if not (number[:17].isascii() and number[:17].isdigit()) or number[17] not in "0123456789X":
        return "身份证号码应为 17 位数字加一位数字或 X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号码中的出生日期不存在"
    if id_card_check_char(number[:17]) != number[17]:
        return "身份证号码校验位不正确，请核对后重新输入"
    return None


def is_valid_id_card(value: str) -> bool:
    return id_card_problem(value) is None


def validate_id_card(value: str) -> str:
    """The normalised number, or ``ValueError`` with the Chinese reason."""
    problem = id_card_problem(value)
    if problem:
        raise ValueError(problem)
    return "".join(value.split()).upper()
