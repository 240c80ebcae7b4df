"""发文字号 of a record: the parts and one normalised spelling, parsed by ``docnumber``.

Real documents write the year in 〔〕 [] () （） 【】 or with none, put stray spaces in
(``博政办字〔2020〕45 号``) and odd forms (``〔2020〕-32``); 规章 are numbered as 令
(``第12号令``, ``张掖市人民政府令第12号``). The normalised form (``博政办字〔2020〕45号``) is
what duplicates are checked against; text that is no 发文字号 is kept with spaces squeezed.
"""

import re
import unicodedata
from dataclasses import dataclass

from services.documents import docnumber

_SPACE = re.compile(r"\s+")


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


def parse_document_number(text: str) -> DocumentNumber:
    """Parse leniently; an unparsable number keeps its text (spaces squeezed) as its key."""
    original = text.strip()
    number = docnumber.parse(original)
    if number is None:
        return DocumentNumber(original, _SPACE.sub("", unicodedata.normalize("NFKC", original)))
    return DocumentNumber(
        original,
        number.normalised(),
        number.code or None,
        number.year,
        number.sequence,
        is_order=number.kind is docnumber.NumberKind.ORDER,
    )
