"""HTTP routes of report figures and the classification gap list."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.common.isodates import IsoDate
from services.documents.access import Anyone
from services.documents.reports import service
from services.documents.reports.schemas import GapList, ReportCounts, ReportFormat

router = APIRouter(prefix="/api/v1/documents", tags=["统计"])


@router.get("/report-counts", response_model=ReportCounts, responses=problem_responses(422))
async def report_counts(
    session: SessionDep,
    caller: Anyone,
    year: Annotated[int, Query(ge=2008, le=2100, description="报告年度")],
    agency_id: Annotated[uuid.UUID | None, Query(description="发文机关（主办）")] = None,
    format: Annotated[
        ReportFormat | None, Query(description="表格格式；默认按年度（2020 年及以前为 2019 格式）")
    ] = None,
) -> ReportCounts:
    """年度报告“主动公开政府信息情况”表第二十条第（一）项：规章和行政规范性文件的件数."""
    return await service.report_counts(
        session, caller=caller, year=year, agency_id=agency_id, report_format=format
    )


@router.get("/classification-gaps", response_model=GapList, responses=problem_responses(422, 503))
async def classification_gaps(
    request: Request,
    session: SessionDep,
    caller: Anyone,
    agency_id: Annotated[uuid.UUID, Query(description="机关")],
    written_from: Annotated[IsoDate | None, Query(description="成文日期不早于")] = None,
    written_to: Annotated[IsoDate | None, Query(description="成文日期不晚于")] = None,
) -> GapList:
    """该机关目录中，在所选时段内没有归入任何文件的事项."""
    return await service.gaps(
        session, caller=caller, catalog=request.app.state.peers["catalog"], agency_id=agency_id,
        written_from=written_from, written_to=written_to,
    )  # fmt: skip
