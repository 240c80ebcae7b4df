"""公开时限 texts of real catalogs read into rules."""

import pytest

from services.catalog.items.deadlines import parse
from services.catalog.items.models import DeadlineTrigger as T
from services.catalog.items.models import DeadlineUnit as U


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("信息形成（或变更）之日起20个工作日内", (T.FORMED_OR_CHANGED, 20, U.WORKING_DAY)),
        ("信息形成20个工作日内", (T.FORMED_OR_CHANGED, 20, U.WORKING_DAY)),
        ("及时公开", (T.PROMPTLY, None, None)),
        ("公告期限5个工作日", (T.NOTICE_PERIOD, 5, U.WORKING_DAY)),
        ("作出行政许可决定之日起7个工作日内", (T.DECIDED, 7, U.WORKING_DAY)),
        ("行政处罚决定作出之日起七个工作日内", (T.DECIDED, 7, U.WORKING_DAY)),
        ("自信息形成之日起二十个工作日内", (T.FORMED_OR_CHANGED, 20, U.WORKING_DAY)),
        ("长期公开、动态调整", (T.ONGOING, None, None)),
        ("每年3月底前", (T.OTHER, None, None)),
        ("收到申请后15日内", (T.OTHER, 15, U.DAY)),
        ("公示期满后3个月内", (T.NOTICE_PERIOD, 3, U.MONTH)),
    ],
)
def test_deadline_texts_become_rules(text: str, rule: tuple[T, int | None, U | None]) -> None:
    assert parse(text) == rule
