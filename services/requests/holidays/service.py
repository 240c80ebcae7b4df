"""Holiday notices: loading a year's schedule, and the working-day calendar built from them."""

import datetime as dt

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.db import utcnow
from services.common.errors import Unprocessable
from services.common.workdays import SOURCE_LABELS, ScheduleSource, WorkdayCalendar, YearSchedule
from services.requests.holidays.models import HolidayNotice
from services.requests.holidays.schemas import (
    HolidayNoticeIn,
    HolidayNoticeRead,
    NamedDay,
    YearRead,
)

MIN_YEAR, MAX_YEAR = 2000, 2200


def schedule_of(notice: HolidayNotice) -> YearSchedule:
    return YearSchedule(
        notice.year,
        {dt.date.fromisoformat(d): n for d, n in notice.rest_days.items()},
        {dt.date.fromisoformat(d): n for d, n in notice.working_days.items()},
        ScheduleSource.NOTICE,
        notice.title,
    )


async def notices(session: AsyncSession) -> list[HolidayNotice]:
    return list(await session.exec(select(HolidayNotice).order_by(col(HolidayNotice.year))))


async def calendar(session: AsyncSession) -> WorkdayCalendar:
    """The calendar over the loaded notices, the package's years and the statutory rules."""
    return WorkdayCalendar.from_notices(schedule_of(n) for n in await notices(session))


async def load(
    session: AsyncSession, *, year: int, data: HolidayNoticeIn, loaded_by: str
) -> HolidayNotice:
    """Store (or replace) the notice of ``year``."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Unprocessable(f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间。", code="year-out-of-range")
    problem = data.check_year(year)
    if problem:
        raise Unprocessable(problem + "。", code="notice-wrong-year")
    notice = await session.get(HolidayNotice, year) or HolidayNotice(
        year=year, title=data.title, loaded_by=loaded_by
    )
    notice.title = data.title
    notice.document_number = data.document_number
    notice.rest_days = {d.date.isoformat(): d.name for d in data.rest_days}
    notice.working_days = {d.date.isoformat(): d.name for d in data.working_days}
    notice.loaded_by = loaded_by
    notice.loaded_at = utcnow()
    session.add(notice)
    await session.flush()
    return notice


def to_read(notice: HolidayNotice) -> HolidayNoticeRead:
    return HolidayNoticeRead(
        year=notice.year,
        title=notice.title,
        document_number=notice.document_number,
        rest_days=_named(notice.rest_days),
        working_days=_named(notice.working_days),
        loaded_by=notice.loaded_by,
        loaded_at=notice.loaded_at,
    )


def year_read(cal: WorkdayCalendar, year: int) -> YearRead:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Unprocessable(f"年份应在 {MIN_YEAR}–{MAX_YEAR} 之间。", code="year-out-of-range")
    schedule = cal.schedule(year)
    return YearRead(
        year=year,
        source=schedule.source.value,
        source_label=SOURCE_LABELS[schedule.source],
        provisional=schedule.provisional,
        rest_days=[NamedDay(date=d, name=n) for d, n in sorted(schedule.rest_days.items())],
        working_days=[NamedDay(date=d, name=n) for d, n in sorted(schedule.working_days.items())],
    )


def _named(days: dict[str, object]) -> list[NamedDay]:
    return [NamedDay(date=dt.date.fromisoformat(d), name=str(n)) for d, n in sorted(days.items())]
