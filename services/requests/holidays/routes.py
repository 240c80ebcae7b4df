"""HTTP routes of the working-day calendar: read a year, load a State Council notice."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.requests.applications import clock
from services.requests.holidays import service
from services.requests.holidays.schemas import (
    HolidayNoticeIn,
    HolidayNoticeLoaded,
    HolidayNoticeRead,
    YearRead,
)
from services.requests.settings import RequestsSettings

router = APIRouter(prefix="/api/v1/requests/calendar", tags=["工作日历"])

Manager = Annotated[Principal, requires(roles=[Role.PLATFORM_ADMIN], scopes=["requests:manage"])]
Anyone = Annotated[Principal, public()]
Year = Annotated[int, Path(ge=1, le=9999, description="年份")]


@router.get("/notices", response_model=list[HolidayNoticeRead])
async def list_notices(session: SessionDep, _caller: Anyone) -> list[HolidayNoticeRead]:
    """已载入的国务院办公厅放假安排通知."""
    return [service.to_read(n) for n in await service.notices(session)]


@router.put(
    "/notices/{year}",
    response_model=HolidayNoticeLoaded,
    responses=problem_responses(401, 403, 422),
)
async def load_notice(
    year: Year, body: HolidayNoticeIn, request: Request, session: SessionDep, caller: Manager
) -> HolidayNoticeLoaded:
    """载入（或更正）某年的放假安排通知，并重新计算所有未办结申请的答复期限."""
    notice = await service.load(session, year=year, data=body, loaded_by=caller.subject or "")
    settings: RequestsSettings = request.app.state.settings
    recomputed = await clock.recompute_open(
        session, calendar=await service.calendar(session), rules=settings.clock_rules
    )
    return HolidayNoticeLoaded(notice=service.to_read(notice), recomputed=recomputed)


@router.get("/years/{year}", response_model=YearRead, responses=problem_responses(422))
async def read_year(year: Year, session: SessionDep, _caller: Anyone) -> YearRead:
    """某年的放假和调休安排及其来源（已载入通知、历年数据或按放假办法推算的暂定安排）."""
    return service.year_read(await service.calendar(session), year)
