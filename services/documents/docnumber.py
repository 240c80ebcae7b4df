"""发文字号: lenient parsing into 机关代字 / year / sequence, one canonical form, search variants.

Real documents write the year in 〔〕 (the standard, GB/T 9704), but also in [] () （） 【】 ［］
﹝﹞, put spaces anywhere (`博政办字〔2020〕45 号`), use full-width digits, leading zeros or odd
forms (`〔2020〕-32`). 规章 are numbered as 令 (`第12号令`, `政府令第 3 号`,
`交通运输部令2020年第1号`). `parse` never raises: anything it cannot read gives None.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

MIN_YEAR = 1949
MAX_YEAR = 2100
MAX_SEQUENCE = 99_999
MAX_INPUT = 80  # a 发文字号 is short; longer text is not one

# Opening and closing brackets seen around the year, mapped to the standard 〔〕.
OPEN_BRACKETS = "〔[(（【［﹝〖〘"
CLOSE_BRACKETS = "〕])）】］﹞〗〙"
# The bracket pairs a search should match, canonical first.
BRACKET_PAIRS: tuple[tuple[str, str], ...] = (
    ("〔", "〕"),
    ("[", "]"),
    ("(", ")"),
    ("（", "）"),
    ("【", "】"),
    ("［", "］"),
    ("﹝", "﹞"),
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# 机关代字: Chinese characters, possibly with a Latin letter or two (some codes carry them).
_CODE = rf"[{_CJK}A-Za-z]{{1,30}}?"
_SEP = r"[-－—–_、·.．]?"

_BRACKETED = re.compile(
    rf"^(?P<code>{_CODE})[{re.escape(OPEN_BRACKETS)}](?P<year>\d{{4}})[{re.escape(CLOSE_BRACKETS)}]"
    rf"{_SEP}第?(?P<seq>\d{{1,6}})号?$"
)
# Without brackets the year needs 年 or a separator, so `国办发202078号` is not guessed at.
_UNBRACKETED = re.compile(
    rf"^(?P<code>{_CODE})(?P<year>\d{{4}})(?:年第?|[-－—–_]第?|第)(?P<seq>\d{{1,6}})号?$"
)
# 规章: `第12号令`, `令第12号`, `政府令第3号`, `交通运输部令2020年第1号`.
_ORDER_SUFFIX = re.compile(r"^第(?P<seq>\d{1,6})号令$")
_ORDER_PREFIX = re.compile(
    rf"^(?P<code>[{_CJK}]{{0,30}}令)(?:(?P<year>\d{{4}})年)?第(?P<seq>\d{{1,6}})号$"
)

# In running text: only bracketed numbers (or 令 with 第…号), so plain prose is not misread.
_IN_TEXT = re.compile(
    rf"[{_CJK}]{{1,20}}\s*[{re.escape(OPEN_BRACKETS)}]\s*[0-9０-９]{{4}}\s*"
    rf"[{re.escape(CLOSE_BRACKETS)}]\s*第?\s*[0-9０-９]{{1,6}}\s*号"
    rf"|[{_CJK}]{{0,20}}令\s*(?:[0-9０-９]{{4}}\s*年\s*)?第\s*[0-9０-９]{{1,6}}\s*号"
    rf"|第\s*[0-9０-９]{{1,6}}\s*号令"
)
# Prose that often runs straight into a cited number (`根据国办发〔2020〕17号`): cut before it.
_PROSE_BEFORE = re.compile(
    r"^.*(?:根据|按照|依据|依照|参照|参见|重申|印发|转发|执行|落实|贯彻|详见|另见|以及|见|和|及|与|或|即|的)"
)
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


class NumberKind(StrEnum):
    """A regular 发文字号, or the 令 number of a 规章."""

    REGULAR = "regular"
    ORDER = "order"

    @property
    def label(self) -> str:
        return {"regular": "发文字号", "order": "令"}[self.value]


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A parsed 发文字号; `original` is the text as given."""

    original: str
    kind: NumberKind
    code: str  # 机关代字 (for 令: the part up to 令, may be empty as in `第12号令`)
    year: int | None  # None for 令 numbers without a year
    sequence: int

    @property
    def is_order(self) -> bool:
        return self.kind is NumberKind.ORDER

    def normalised(self) -> str:
        """The canonical form, e.g. `交政办发〔2020〕78号`, `政府令第3号`, `第12号令`."""
        if self.kind is NumberKind.ORDER:
            if not self.code:
                return f"第{self.sequence}号令"
            year = f"{self.year}年" if self.year is not None else ""
            return f"{self.code}{year}第{self.sequence}号"
        return f"{self.code}〔{self.year}〕{self.sequence}号"

    def variants(self) -> tuple[str, ...]:
        """Spellings a search should treat as this number (canonical first, original included)."""
        found: list[str] = [self.normalised()]
        if self.kind is NumberKind.REGULAR:
            for opening, closing in BRACKET_PAIRS:
                found.append(f"{self.code}{opening}{self.year}{closing}{self.sequence}号")
            found.append(f"{self.code}{self.year}年{self.sequence}号")
        elif self.code:
            year = f"{self.year}年" if self.year is not None else ""
            found.append(f"{self.code}{year}第 {self.sequence} 号")
        else:
            found.append(f"第 {self.sequence} 号令")
        found.append(self.original)
        return tuple(dict.fromkeys(found))

    def search_key(self) -> str:
        """A compact key equal for every spelling: `交政办发|2020|78`, `政府令||3`."""
        year = "" if self.year is None else str(self.year)
        return f"{self.code}|{year}|{self.sequence}"


def _clean(text: str) -> str:
    """NFKC (full-width digits, letters and brackets to ASCII; Chinese unchanged), no spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def parse(text: object) -> DocNumber | None:
    """Parse one 发文字号 leniently; None when `text` is not one (never raises)."""
    if not isinstance(text, str) or not text or len(text) > MAX_INPUT:
        return None
    original = text.strip()
    cleaned = _clean(original)
    if not cleaned:
        return None
    match = _BRACKETED.match(cleaned)
    if match:
        return _regular(original, match)
    match = _ORDER_SUFFIX.match(cleaned)
    if match:
        return _order(original, "", None, match["seq"])
    match = _ORDER_PREFIX.match(cleaned)
    if match:
        return _order(original, match["code"], match["year"], match["seq"])
    match = _UNBRACKETED.match(cleaned)
    if match:
        return _regular(original, match)
    return None


def _regular(original: str, match: re.Match[str]) -> DocNumber | None:
    year, sequence = int(match["year"]), int(match["seq"])
    code = match["code"]
    if not (MIN_YEAR <= year <= MAX_YEAR) or not (1 <= sequence <= MAX_SEQUENCE):
        return None
    if not re.search(f"[{_CJK}]", code):  # a code of Latin letters only is not a 机关代字
        return None
    return DocNumber(original, NumberKind.REGULAR, code, year, sequence)


def _order(original: str, code: str, year: str | None, seq: str) -> DocNumber | None:
    sequence = int(seq)
    year_number = int(year) if year is not None else None
    if not (1 <= sequence <= MAX_SEQUENCE):
        return None
    if year_number is not None and not (MIN_YEAR <= year_number <= MAX_YEAR):
        return None
    return DocNumber(original, NumberKind.ORDER, code, year_number, sequence)


def normalise(text: object) -> str | None:
    """The canonical form of a 发文字号 (`交政办发〔2020〕78号`), or None when it is not one."""
    parsed = parse(text)
    return parsed.normalised() if parsed else None


def variants(text: object) -> tuple[str, ...]:
    """The spellings a search should match for `text`; empty when it is not a 发文字号."""
    parsed = parse(text)
    return parsed.variants() if parsed else ()


def find_all(text: object) -> list[DocNumber]:
    """Every 发文字号 cited in running text (bracketed or 令 forms), in order, without repeats."""
    if not isinstance(text, str):
        return []
    found: dict[str, DocNumber] = {}
    for match in _IN_TEXT.finditer(text):
        parsed = parse(_PROSE_BEFORE.sub("", match.group(0)))
        if parsed is not None:
            found.setdefault(parsed.normalised(), parsed)
    return list(found.values())
