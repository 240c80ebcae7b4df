"""发文字号: lenient parsing into 机关代字 / year / sequence, and one normalised spelling.

Real documents write the year in 〔〕 [] () （） 【】 or with none, put stray spaces in
(``博政办字〔2020〕45 号``) and odd forms (``〔2020〕-32``); 规章 are numbered as 令
(``第12号令``, ``张掖市人民政府令第12号``). The parts are stored and the normalised form
(``博政办字〔2020〕45号``) is what duplicates are checked against and what search matches.
"""

import re
import unicodedata
from dataclasses import dataclass

OPENING = "〔[(【［〖{<《"
CLOSING = "〕])】］〗}>》"
_BRACKETS = str.maketrans(dict.fromkeys(OPENING, "〔") | dict.fromkeys(CLOSING, "〕"))
_SPACE = re.compile(r"\s+")
_YEARLY = re.compile(
    r"^(?P<code>[^〔〕\d]*?)〔?(?P<year>(?:19|20)\d{2})〕?[-－—–]?第?(?P<seq>\d{1,6})号?$"
)
_ORDER = re.compile(r"^(?P<code>[^\d]*?)令?第(?P<seq>\d{1,6})号令?$")


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed 发文字号; ``parsed`` is False when only the original text could be kept."""

    original: str
    normalised: str
    code: str | None = None
    year: int | None = None
    sequence: int | None = None
    is_order: bool = False

    @property
    def parsed(self) -> bool:
        return self.sequence is not None


def _squash(text: str) -> str:
    # NFKC folds full-width digits and （） ［］ to ASCII; the bracket table then unifies them.
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_BRACKETS)


def parse_document_number(text: str) -> DocumentNumber:
    """Parse leniently; an unparsable number keeps its text (spaces squeezed) as its key."""
    original = text.strip()
    squashed = _squash(original)
    order = _ORDER.match(squashed)
    if order and "〔" not in squashed:
        code = order["code"] or None
        seq = int(order["seq"])
        if seq > 0:
            normalised = f"{code}令第{seq}号" if code else f"第{seq}号令"
            return DocumentNumber(original, normalised, code, None, seq, is_order=True)
    yearly = _YEARLY.match(squashed)
    if yearly and yearly["code"] and int(yearly["seq"]) > 0:
        code, year, seq = yearly["code"], int(yearly["year"]), int(yearly["seq"])
        return DocumentNumber(original, f"{code}〔{year}〕{seq}号", code, year, seq)
    return DocumentNumber(original, squashed)
