"""The working-day calendar the documents service counts publication deadlines with.

The State Council notices (放假安排通知) are owned by the requests service, which loads them
(``PUT /api/v1/requests/calendar/notices/{year}``, ``gongkai load-holidays``) and recomputes
its reply deadlines. Documents keeps no copy in its own database: it reads them through the
requests API (``GET /api/v1/requests/calendar/notices``, public) when it starts and on every
tick of its scheduler, over the kernel's calendar (``services/common/workdays.py``:
chinese-calendar years, then the statutory rules of ``statutory_holidays.json``). A due date
that runs through a year known only from the statutory rules is provisional (暂定); when a
notice arrives or is corrected, the due dates touching that year are recomputed.

Without a requests peer, or while it cannot be reached, the kernel's calendar alone is used
(and the provisional marks say so); nothing fails for it.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from services.common.client import ServiceClient
from services.common.workdays import (
    DEFAULT_CALENDAR,
    ScheduleSource,
    WorkdayCalendar,
    YearSchedule,
)

logger = logging.getLogger("gongkai.documents.workdays")
NOTICES_PATH = "/api/v1/requests/calendar/notices"


def _schedule(item: dict[str, Any]) -> YearSchedule:
    def days(key: str) -> dict[dt.date, str]:
        return {dt.date.fromisoformat(d["date"]): str(d["name"]) for d in item.get(key) or []}

    return YearSchedule(
        int(item["year"]),
        days("rest_days"),
        days("working_days"),
        ScheduleSource.NOTICE,
        str(item.get("title") or ""),
    )


def _same(a: YearSchedule | None, b: YearSchedule | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.rest_days == b.rest_days and a.working_days == b.working_days


@dataclass
class NoticeCalendar:
    """The current calendar of this process, refreshed from the requests service."""

    client: ServiceClient | None = None
    notices: dict[int, YearSchedule] = field(default_factory=dict)
    calendar: WorkdayCalendar = field(default_factory=WorkdayCalendar)
    refreshed: bool = False
    # Years whose change the due dates have not followed yet (kept until :meth:`settled`).
    unsettled: set[int] = field(default_factory=set)

    def settled(self, years: set[int]) -> None:
        """The due dates touching ``years`` were recomputed and committed."""
        self.unsettled -= years

    async def refresh(self) -> set[int]:
        """Read the loaded notices; the years whose schedule changed and whose due dates are
        not recomputed yet (after the first successful read: every year with a notice)."""
        if self.client is None:
            return set(self.unsettled)
        try:
            response = await self.client.get(NOTICES_PATH)
        except Exception as exc:  # unreachable, or (in-process) not started yet
            logger.warning("holiday notices not read: %s", type(exc).__name__)
            return set(self.unsettled)
        if not response.ok or not isinstance(response.body, list):
            logger.warning("holiday notices not read: requests answered %s", response.status)
            return set(self.unsettled)
        try:
            fresh = {s.year: s for s in (_schedule(item) for item in response.body)}
        except (KeyError, TypeError, ValueError):
            logger.warning("holiday notices not read: unexpected answer from requests")
            return set(self.unsettled)
        years = set(fresh) | set(self.notices)
        changed = {y for y in years if not _same(fresh.get(y), self.notices.get(y))}
        if not self.refreshed:
            changed |= set(fresh)
        self.notices = fresh
        self.calendar = WorkdayCalendar.from_notices(fresh.values())
        self.refreshed = True
        self.unsettled |= changed
        return set(self.unsettled)


def current(state: Any) -> WorkdayCalendar:
    """The calendar of the app whose ``state`` is given (the kernel's before the lifespan)."""
    notices: NoticeCalendar | None = getattr(state, "workdays", None)
    return notices.calendar if notices is not None else DEFAULT_CALENDAR
