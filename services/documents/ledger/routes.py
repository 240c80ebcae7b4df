"""HTTP routes of the publication deadline ledger (staff only: it lists unpublished drafts)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.common.auth import STAFF_ROLES, Principal, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.isodates import IsoDate
from services.common.pagination import PageParams, next_link, page_params
from services.documents import workdays
from services.documents.ledger import service
from services.documents.ledger.schemas import DeadlineState, LedgerPage, LedgerSummary

router = APIRouter(prefix="/api/v1/documents", tags=["发布期限台账"])

StaffReader = Annotated[Principal, requires(roles=sorted(STAFF_ROLES), scopes=["documents:read"])]
AgencyParam = Annotated[uuid.UUID | None, Query(description="发文机关")]
FromParam = Annotated[IsoDate | None, Query(description="成文日期不早于")]
ToParam = Annotated[IsoDate | None, Query(description="成文日期不晚于")]


@router.get("/ledger", response_model=LedgerPage, responses=problem_responses(400, 401, 403, 422))
async def ledger(
    request: Request,
    session: SessionDep,
    caller: StaffReader,
    page: Annotated[PageParams, Depends(page_params)],
    agency_id: AgencyParam = None,
    state: Annotated[DeadlineState | None, Query(description="期限状态")] = None,
    written_from: FromParam = None,
    written_to: ToParam = None,
) -> LedgerPage:
    """主动公开文件的发布期限台账：待发布、已逾期、按期发布、逾期发布，按最后发布日排序."""
    await workdays.refresh_for(request.app.state)
    items, cursor = await service.page(
        session, caller=caller, agency_id=agency_id, state=state,
        written_from=written_from, written_to=written_to, params=page,
        calendar=workdays.current(request.app.state),
    )  # fmt: skip
    return LedgerPage(items=items, next_cursor=cursor, next=next_link(request, cursor))


@router.get(
    "/ledger/summary", response_model=LedgerSummary, responses=problem_responses(401, 403, 422)
)
async def ledger_summary(
    session: SessionDep,
    caller: StaffReader,
    agency_id: AgencyParam = None,
    written_from: FromParam = None,
    written_to: ToParam = None,
) -> LedgerSummary:
    """各机关的发布期限统计."""
    return await service.summary(
        session, caller=caller, agency_id=agency_id,
        written_from=written_from, written_to=written_to,
    )  # fmt: skip
