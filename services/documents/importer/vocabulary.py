"""Words of the 公文 format (GB/T 9704): 文种, agency name endings, disclosure marks."""

import re
from enum import StrEnum

# 文种 a title ends with (法定公文 and the common 规范性文件 names).
GENRES = (
    "通知",
    "通报",
    "意见",
    "决定",
    "决议",
    "命令",
    "公告",
    "通告",
    "报告",
    "请示",
    "批复",
    "议案",
    "函",
    "纪要",
    "办法",
    "规定",
    "细则",
    "规则",
    "方案",
    "规划",
    "计划",
    "要点",
    "条例",
    "准则",
    "标准",
    "目录",
    "清单",
    "指南",
    "公报",
    "答复",
    "复函",
    "令",
)

# How agency names end (人民政府, 办公室, 委员会, 局 …); a line of these is an issuing agency.
_AGENCY = re.compile(
    r"^[\u3400-\u9fff（）()]{2,40}"
    r"(?:人民政府|政府|办公室|办公厅|委员会|管委会|管理委员会|局|厅|委|部|院|署|办|中心|"
    r"分局|处|所|站|会|司|公司|集团|银行|法院|检察院|支队|大队|总队|办事处)$"
)


def ends_with_genre(text: str) -> bool:
    return text.rstrip("》").endswith(GENRES)


def is_agency_name(text: str) -> bool:
    return bool(_AGENCY.match(text)) and "关于" not in text


class DisclosureMark(StrEnum):
    """公开属性 as printed under the signature; values are those of records.models.Disclosure."""

    PUBLIC = "public"  # 主动公开 — （此件公开发布）
    ON_REQUEST = "on_request"  # 依申请公开 — （此件依申请公开）
    WITHHELD = "withheld"  # 不予公开 — （此件不予公开） / （此件不公开）

    @property
    def label(self) -> str:
        return _DISCLOSURE_LABELS[self]


_DISCLOSURE_LABELS = {
    DisclosureMark.PUBLIC: "主动公开",
    DisclosureMark.ON_REQUEST: "依申请公开",
    DisclosureMark.WITHHELD: "不予公开",
}

# The printed mark, in any bracket: （此件公开发布） (此件主动公开) 【此件不予公开】 …
_MARK = re.compile(
    r"^[（(【\[〔]\s*此\s*件\s*(公\s*开\s*发\s*布|主\s*动\s*公\s*开|依\s*申\s*请\s*公\s*开|"
    r"不\s*予\s*公\s*开|不\s*公\s*开|不\s*予\s*发\s*布)\s*[)）】\]〕]$"
)
# The value of a `公开属性` / `公开方式` metadata field.
_ATTRIBUTE = {
    "主动公开": DisclosureMark.PUBLIC,
    "公开发布": DisclosureMark.PUBLIC,
    "依申请公开": DisclosureMark.ON_REQUEST,
    "不予公开": DisclosureMark.WITHHELD,
    "不公开": DisclosureMark.WITHHELD,
}


def disclosure_mark(line: str) -> DisclosureMark | None:
    """The attribute a printed mark line states, or None when the line is no such mark."""
    match = _MARK.match(line.strip())
    if not match:
        return None
    words = re.sub(r"\s+", "", match.group(1))
    if words in ("公开发布", "主动公开"):
        return DisclosureMark.PUBLIC
    if words == "依申请公开":
        return DisclosureMark.ON_REQUEST
    return DisclosureMark.WITHHELD


def disclosure_attribute(value: str) -> DisclosureMark | None:
    """The attribute a metadata value names (`主动公开`), or None."""
    return _ATTRIBUTE.get(re.sub(r"\s+", "", value))
