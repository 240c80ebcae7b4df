"""公开时限 as text and as a rule: "信息形成（或变更）之日起20个工作日内" → (formed_or_changed, 20,
working_day). Imports and forms without a rule get one read from the text."""

import re
import unicodedata

from services.catalog.items.models import DeadlineTrigger, DeadlineUnit

# "3个月" is a period, "3月" a month of the year: only the first is a length.
_NUMBER = re.compile(r"(\d{1,3})\s*(?:个)?\s*(工作日|日|天|(?<=个)月|年)")
_UNITS = {
    "工作日": DeadlineUnit.WORKING_DAY,
    "日": DeadlineUnit.DAY,
    "天": DeadlineUnit.DAY,
    "月": DeadlineUnit.MONTH,
    "年": DeadlineUnit.YEAR,
}
_CHINESE_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                     "八": 8, "九": 9, "十": 10, "十五": 15, "二十": 20, "三十": 30}  # fmt: skip
# Keywords in the order they are tried; the first that occurs decides the trigger.
_TRIGGERS: tuple[tuple[tuple[str, ...], DeadlineTrigger], ...] = (
    (("公告期", "公示期", "公告期限", "公示期限"), DeadlineTrigger.NOTICE_PERIOD),
    (("作出", "决定之日", "许可", "处罚"), DeadlineTrigger.DECIDED),
    (("形成", "变更", "产生", "制作", "获取"), DeadlineTrigger.FORMED_OR_CHANGED),
    (("长期", "常态", "动态"), DeadlineTrigger.ONGOING),
    (("及时", "实时", "即时"), DeadlineTrigger.PROMPTLY),
)


def _arabic(text: str) -> str:
    """Chinese numerals before a unit (二十个工作日) as digits, longest first."""
    for word, value in sorted(_CHINESE_NUMERALS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(word + r"(?=\s*(?:个)?\s*(?:工作日|日|天|月|年))", str(value), text)
    return text


def parse(text: str) -> tuple[DeadlineTrigger, int | None, DeadlineUnit | None]:
    """The rule a 公开时限 text states; (other, None, None) when it names none."""
    folded = _arabic(unicodedata.normalize("NFKC", text))
    trigger = next(
        (t for words, t in _TRIGGERS if any(w in folded for w in words)), DeadlineTrigger.OTHER
    )
    match = _NUMBER.search(folded)
    if match is None:
        return trigger, None, None
    if trigger in (DeadlineTrigger.PROMPTLY, DeadlineTrigger.ONGOING):
        trigger = DeadlineTrigger.OTHER
    return trigger, int(match.group(1)), _UNITS[match.group(2)]
