"""The sheet layout of real catalogs: a title row, then two header rows where 公开事项,
公开渠道和载体, 公开对象, 公开方式 and 公开层级 are merged cells over their sub-columns."""

import unicodedata

from services.catalog.items.models import (
    AUDIENCE_LABELS,
    CHANNEL_LABELS,
    LEVEL_LABELS,
    MODE_LABELS,
)

# Marks a cell may carry: ■ / √ (and look-alikes) for yes, □ / blank for no.
YES_MARKS = frozenset({"■", "√", "✓", "✔", "☑", "●", "是", "有"})
NO_MARKS = frozenset({"", "□", "☐", "×", "✗", "否", "无", "-", "/"})
REQUIRED_MARK = "●"
OPTIONAL_MARKS = ("〇", "○", "◯")

SEQ = "序号"
MATTER = "公开事项"
LEVEL_HEADERS = ("一级事项", "二级事项", "三级事项")
ELEMENTS = "公开内容（要素）"
BASIS = "公开依据"
DEADLINE = "公开时限"
SUBJECT = "公开主体"
CHANNELS = "公开渠道和载体"
AUDIENCE = "公开对象"
MODE = "公开方式"
LEVEL = "公开层级"
PHONE = "咨询电话"

# Groups of sub-columns under one merged header, with their labels in order.
GROUPS: dict[str, dict[str, str]] = {
    CHANNELS: {label: channel.value for channel, label in CHANNEL_LABELS.items()},
    AUDIENCE: {label: audience.value for audience, label in AUDIENCE_LABELS.items()},
    MODE: {label: mode.value for mode, label in MODE_LABELS.items()},
    LEVEL: {label: level.value for level, label in LEVEL_LABELS.items()},
}


def fold(text: object) -> str:
    """A header or mark as compared: NFKC (full/half width alike), no whitespace."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    return "".join(ch for ch in folded if not ch.isspace())


def title(agency_name: str, domain_name: str) -> str:
    return f"{agency_name}{domain_name}领域基层政务公开标准目录"
