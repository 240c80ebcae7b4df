"""Dates as Chinese documents print them: 2020年9月18日, 2020 年 9 月 3 日, 二〇二〇年九月十八日."""

import datetime as dt
import re
import unicodedata

_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "o": 0, "0": 0}
_DIGITS.update({ch: i for i, ch in enumerate("一二三四五六七八九", start=1)})
_NUMERAL = "〇○零ＯOo一二三四五六七八九十"

_ARABIC = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CHINESE = re.compile(
    rf"([{_NUMERAL}]{{4}})\s*年\s*([{_NUMERAL}]{{1,3}})\s*月\s*([{_NUMERAL}]{{1,3}})\s*日"
)
_ISO = re.compile(r"(\d{4})\s*[-./／]\s*(\d{1,2})\s*[-./／]\s*(\d{1,2})")


def _chinese_year(text: str) -> int | None:
    digits = [_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _chinese_small(text: str) -> int | None:
    """一…三十一 (also 〇九 style digit-by-digit forms)."""
    if "十" not in text:
        digits = [_DIGITS.get(ch) for ch in text]
        if not digits or any(d is None for d in digits):
            return None
        return int("".join(str(d) for d in digits))
    tens, _, units = text.partition("十")
    if "十" in units:
        return None
    ten_value = 1 if not tens else _DIGITS.get(tens) if len(tens) == 1 else None
    unit_value = 0 if not units else _DIGITS.get(units) if len(units) == 1 else None
    if ten_value is None or unit_value is None:
        return None
    return ten_value * 10 + unit_value


def _make(year: int | None, month: int | None, day: int | None) -> dt.date | None:
    if year is None or month is None or day is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _match_date(match: re.Match[str], chinese: bool) -> dt.date | None:
    if chinese:
        return _make(_chinese_year(match[1]), _chinese_small(match[2]), _chinese_small(match[3]))
    return _make(int(match[1]), int(match[2]), int(match[3]))


def parse_date(text: str) -> dt.date | None:
    """The date `text` consists of (spaces allowed), or None; invalid dates (2月30日) give None."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned or len(cleaned) > 40:
        return None
    for pattern, chinese in ((_ARABIC, False), (_CHINESE, True), (_ISO, False)):
        match = pattern.fullmatch(cleaned)
        if match:
            return _match_date(match, chinese)
    return None


def find_date(text: str) -> dt.date | None:
    """The first valid date anywhere in `text` (a labelled cell such as `成文时间2020-12-08`)."""
    cleaned = unicodedata.normalize("NFKC", text)
    for pattern, chinese in ((_ARABIC, False), (_CHINESE, True), (_ISO, False)):
        for match in pattern.finditer(cleaned):
            found = _match_date(match, chinese)
            if found is not None:
                return found
    return None
