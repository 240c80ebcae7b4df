"""Turning text copied from a government web page back into the document's lines.

Three steps: `normalise_text` (line breaks, control characters, odd spaces), `split_page`
(web-page chrome out, the page's metadata table read into labelled fields), `join_lines`
(lines broken by the page or a PDF re-joined into paragraphs).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from services.documents.importer.vocabulary import ends_with_genre

MAX_CHARS = 2_000_000  # a legacy document is far shorter; beyond this the rest is dropped

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_OR_PUNCT = rf"[{_CJK}\u3000-\u303f\uff00-\uffef《》“”‘’]"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")
_ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\t]")
# A single space a PDF or a web page put next to Chinese text (`博山区 2020 年`) is noise; two
# or more (or a full-width space, which counts as two) separate words, e.g. joint agencies.
_SINGLE_SPACE_BY_CJK = re.compile(rf"(?<={_CJK_OR_PUNCT}) (?! )|(?<! ) (?={_CJK_OR_PUNCT})")
_SPACE_RUN = re.compile(r" {2,}")

# Whole lines that are web-page chrome (navigation, tools, footer).
_CHROME_LINE = re.compile(
    r"^(?:今天是|当前位置|您的位置|您现在的位置|当前页面|字体|字号|【?\s*字体|来源[:：]|"
    r"信息来源[:：]|责任编辑|编辑[:：]|作者[:：]|浏览次数|访问次数|点击数|阅读次数|"
    r"分享到|版权所有|主办单位|承办单位|网站标识码|网站地图|联系我们|"
    r"ICP|京ICP|.{0,8}ICP备|.{0,8}公网安备|上一篇|下一篇|相关链接|相关文件|相关阅读|"
    r"扫一扫|返回顶部|【\s*(?:打印|关闭))"
)
# Lines made only of tool buttons: `保存为word 打印 关闭`, `【大】 【中】 【小】`.
_TOOL_WORDS = re.compile(
    r"保存为\s*(?:word|pdf|WORD|PDF)|打印本页|打印|关闭窗口|关闭|收藏|分享|微信|微博|QQ空间|"
    r"QQ|【\s*[大中小]\s*】|[大中小]|返回|顶部|首页|>|»|›|\||｜|/|[\s【】\[\]:：,，.。]"
)
# A trailing link to the document's interpretation, as pages list it under the text.
_TRAILING_LINK = re.compile(r"(?:的解读|政策解读|图解|解读材料)$")

# Labels of the metadata table pages put above the text (`发文字号交政办发〔2020〕78号`).
METADATA_LABELS = (
    "索引号",
    "发文字号",
    "文号",
    "发布日期",
    "发布时间",
    "发文机关",
    "发文单位",
    "发布机构",
    "主题词",
    "关键词",
    "标题",
    "名称",
    "主题分类",
    "成文日期",
    "成文时间",
    "公开属性",
    "公开方式",
    "有效性",
    "施行日期",
    "废止日期",
    "公开主体",
)
_LABEL = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(sorted(METADATA_LABELS, key=len, reverse=True)) + r")\s*[:：]?\s*"
)

# Paragraph openers (一、 （一） 1. 第一条 附件 …): a line starting so does not continue another.
_OPENER = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.．、]|"
    r"第[一二三四五六七八九十百零〇\d]+[条章节款]|附件|关于|[①-⑳])"
)
_TERMINAL = "。！？；：!?;:…）)〕】」』”"
_PROSE_PUNCT = re.compile(r"[，。、；：,;]")


@dataclass
class Page:
    """A page split into the document's lines and the page's labelled metadata."""

    lines: list[str] = field(default_factory=list)  # tidied; "" marks a blank line
    raw: list[str] = field(default_factory=list)  # the same lines as printed (stripped)
    metadata: dict[str, str] = field(default_factory=dict)  # values as printed (stripped)
    removed: int = 0  # chrome lines dropped


def normalise_text(text: str) -> str:
    """One kind of line break, no control characters, odd spaces as plain spaces."""
    text = text[:MAX_CHARS]
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    text = _ODD_SPACES.sub(" ", text).replace("\u3000", "  ")
    return unicodedata.normalize("NFC", text)


def tidy_line(line: str) -> str:
    """Strip a line and drop spaces next to Chinese text (`2020 年 9 月` → `2020年9月`)."""
    return _SPACE_RUN.sub(" ", _SINGLE_SPACE_BY_CJK.sub("", line.strip()))


def _is_chrome(line: str) -> bool:
    if _CHROME_LINE.match(line):
        return True
    return len(line) <= 40 and not _TOOL_WORDS.sub("", line)


def _metadata(line: str) -> dict[str, str] | None:
    """The labelled fields of a metadata-table line, or None when the line is not one."""
    matches = list(_LABEL.finditer(line))
    if not matches or matches[0].start() != 0 or len(line) > 300:
        return None
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(line)
        value = line[match.end() : end].strip()
        if value:
            fields.setdefault(match.group(1), value)
    # `标题` alone on a line, or a label with nothing after it, is not a table row
    return fields or None


def split_page(text: str) -> Page:
    """Chrome out, metadata table read, remaining lines tidied; leading/trailing blanks trimmed."""
    page = Page()
    for raw in normalise_text(text).split("\n"):
        line = tidy_line(raw)
        if not line:
            page.lines.append("")
            page.raw.append("")
            continue
        if _is_chrome(line):
            page.removed += 1
            continue
        # the metadata table sits above the document; later lines are the document's own.
        # Its cells are split on the spaces between them, so read it before tidying.
        in_table = not any(page.lines)
        fields = _metadata(raw.strip()) if in_table else None
        if fields is not None:
            for label, value in fields.items():
                page.metadata.setdefault(label, value)
            continue
        page.lines.append(line)
        page.raw.append(raw.strip())
    _drop_trailing_links(page)
    while page.lines and not page.lines[0]:
        page.lines.pop(0)
        page.raw.pop(0)
    while page.lines and not page.lines[-1]:
        page.lines.pop()
        page.raw.pop()
    return page


def _drop_trailing_links(page: Page) -> None:
    while page.lines and (not page.lines[-1] or _TRAILING_LINK.search(page.lines[-1])):
        if page.lines[-1]:
            page.removed += 1
        page.lines.pop()
        page.raw.pop()


def _continues(previous: str, line: str) -> bool:
    """Whether `line` continues `previous` (a paragraph or a title broken by the page)."""
    if not previous or not line or previous.endswith(tuple(_TERMINAL)):
        return False
    if previous.startswith("关于") and not _PROSE_PUNCT.search(previous + line):
        # a title broken over lines, up to its 文种 (titles have no commas or full stops)
        return not ends_with_genre(previous) and len(previous) + len(line) <= 120
    if _OPENER.match(line):
        return False
    # prose (it has a comma or a full stop in it) broken mid-sentence
    return bool(_PROSE_PUNCT.search(previous)) and not _OPENER_HEADING.match(previous)


# A heading line (`（一）聚焦中心工作…`) has no full stop; it is never continued.
_OPENER_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）])[^。]*$"
)


def join_lines(lines: list[str]) -> list[str]:
    """Paragraphs: broken lines joined (even across a blank line), one paragraph per item."""
    paragraphs: list[str] = []
    for line in lines:
        if not line:
            continue
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    return paragraphs
