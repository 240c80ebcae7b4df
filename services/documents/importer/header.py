"""Reading the 版头 of a document: 发文字号, title, issuing agencies, 成文日期, disclosure mark.

Each reader takes the document's tidied lines ("" for blank lines) and returns the value with
where it came from; the page's metadata table is the fallback, the document itself comes first.
"""

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from services.documents import docnumber
from services.documents.docnumber import DocNumber
from services.documents.importer.cleaning import tidy_line
from services.documents.importer.dates import find_date, parse_date
from services.documents.importer.vocabulary import (
    DisclosureMark,
    disclosure_attribute,
    disclosure_mark,
    ends_with_genre,
    is_agency_name,
)

HEADER_LINES = 60  # the 版头 is within the first lines; later ones are the text
MAX_TITLE_LINES = 4
MAX_TITLE_CHARS = 200

FROM_TEXT = "正文"
FROM_METADATA = "网页元数据"

_SIGNER = re.compile(r"\s*签发人[:：].*$")
_ORDER_NUMBER = re.compile(r"^第\s*\d{1,6}\s*号$")
_NAME_SPLIT = re.compile(r"[ 、，,;；]+")


T = TypeVar("T")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    source: str


def split_names(text: str) -> list[str]:
    """Names in a list separated by spaces, 、 or commas."""
    return [name for name in _NAME_SPLIT.split(text.strip()) if name]


def _header(lines: list[str]) -> list[str]:
    return lines[:HEADER_LINES]


def read_doc_number(
    lines: list[str], raw: list[str], metadata: dict[str, str]
) -> tuple[Found[DocNumber] | None, str | None]:
    """The 发文字号 on a line of its own (上行文 add `签发人：…`), else the metadata's.

    `raw` are the lines as printed, kept as the number's original text. The second value is
    a metadata 发文字号 that could not be read, for the report.
    """
    previous, printed_previous = "", ""
    for line, printed_line in zip(_header(lines), raw, strict=False):
        if not line:
            continue
        parsed = docnumber.parse(_SIGNER.sub("", line))
        printed = printed_line
        if parsed is None and previous.endswith("令") and _ORDER_NUMBER.match(line):
            # 规章: `某市人民政府令` on one line, `第 5 号` on the next
            parsed = docnumber.parse(previous + line)
            printed = f"{printed_previous}{printed_line}"
        previous, printed_previous = line, printed_line
        if parsed is not None:
            original = _SIGNER.sub("", printed).strip() or parsed.original
            return Found(replace(parsed, original=original), FROM_TEXT), None
    in_table = metadata.get("发文字号") or metadata.get("文号")
    if in_table:
        parsed = docnumber.parse(in_table)
        if parsed is not None:
            return Found(parsed, FROM_METADATA), None
        return None, in_table
    return None, None


def _agency_names(text: str) -> list[str] | None:
    """The agencies a line names (joint issuance separates them by spaces or 、), or None."""
    names = split_names(text)
    if names and all(is_agency_name(name) for name in names):
        return names
    return None


def _title_start(line: str) -> tuple[list[str], str] | None:
    """(agencies printed before 关于 on the same line, the line) when a title starts here."""
    position = line.find("关于")
    if position < 0:
        return None
    if position == 0:
        return [], line
    names = _agency_names(line[:position])
    return (names, line) if names else None


def _title_lines(lines: list[str], start: int) -> str | None:
    """The title from line `start` on, joined up to the line ending with its 文种."""
    title = ""
    taken = 0
    for line in lines[start:]:
        if not line:
            continue
        if taken and (
            line.endswith((":", "：")) or parse_date(line) or docnumber.parse(line) is not None
        ):
            return None
        title += line
        taken += 1
        if ends_with_genre(title):
            return title if len(title) <= MAX_TITLE_CHARS else None
        if taken >= MAX_TITLE_LINES:
            return None
    return None


def _agencies_above(lines: list[str], index: int) -> list[str]:
    """Agency lines directly above line `index` (blank lines between are allowed)."""
    names: list[str] = []
    for line in reversed(lines[:index]):
        if not line:
            continue
        found = _agency_names(line)
        if found is None or len(names) >= 5:
            break
        names = found + names
    return names


def _plain_title(line: str) -> bool:
    """A title without 关于 (`某市政府信息公开办法`): short, ends with its 文种, no prose."""
    if not line or len(line) > 60 or not ends_with_genre(line) or _PROSE.search(line):
        return False
    # `某市人民政府令`, `某县人民政府文件` are the 版头, not the title
    stem = line.removesuffix("令").removesuffix("文件")
    return not is_agency_name(stem) and not docnumber.parse(line)


_PROSE = re.compile(r"[，。；：,;:]")


@dataclass(frozen=True)
class Heading:
    title: str
    agencies: list[str]
    source: str


def read_heading(lines: list[str], metadata: dict[str, str]) -> Heading | None:
    """The title, with the agencies printed above it or in front of 关于."""
    header = _header(lines)
    for index, line in enumerate(header):
        start = _title_start(line) if line else None
        if start is None:
            continue
        subject = _title_lines(header, index)
        if subject is None:
            continue
        inline, _ = start
        agencies = inline or _agencies_above(header, index)
        title = subject if inline else " ".join(agencies) + subject
        return Heading(title, agencies, FROM_TEXT)
    for line in header:
        if _plain_title(line):
            return Heading(line, [], FROM_TEXT)
    printed = tidy_line(metadata.get("标题") or metadata.get("名称") or "")
    if printed:
        start = _title_start(printed)
        agencies = start[0] if start else []
        return Heading(printed, agencies, FROM_METADATA)
    return None


def read_agencies(
    lines: list[str], metadata: dict[str, str], heading: Heading | None, written_at: int | None
) -> Found[list[str]] | None:
    """The issuing agencies: from the heading, else the metadata, else the signature (落款)."""
    if heading and heading.agencies:
        return Found(heading.agencies, heading.source)
    printed = metadata.get("发文机关") or metadata.get("发文单位") or metadata.get("发布机构")
    if printed:
        names = split_names(printed)
        if names:
            return Found(names, FROM_METADATA)
    if written_at is not None:
        above = _agencies_above(lines, written_at)
        if above:
            return Found(above, FROM_TEXT)
    return None


def read_written_on(
    lines: list[str], metadata: dict[str, str]
) -> tuple[Found[dt.date] | None, int | None]:
    """成文日期: the first line that is only a date (the 落款), else the metadata's.

    Also returns the index of that line, so the signature above it can be read.
    """
    for index, line in enumerate(lines):
        written = parse_date(line) if line else None
        if written is not None:
            return Found(written, FROM_TEXT), index
    printed = metadata.get("成文日期") or metadata.get("成文时间")
    written = find_date(printed) if printed else None
    if written is not None:
        return Found(written, FROM_METADATA), None
    return None, None


def read_disclosure(lines: list[str], metadata: dict[str, str]) -> Found[DisclosureMark] | None:
    """The printed mark (（此件公开发布） …) on a line of its own, else the metadata's 公开属性."""
    for line in lines:
        mark = disclosure_mark(line) if line else None
        if mark is not None:
            return Found(mark, FROM_TEXT)
    printed = metadata.get("公开属性") or metadata.get("公开方式")
    mark = disclosure_attribute(printed) if printed else None
    return Found(mark, FROM_METADATA) if mark is not None else None
