"""HTTP routes of annual reports, interim figures, the division roll-up and review cases."""

import uuid
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response

from services.common.auth import Principal, Role, public, requires
from services.common.db import SessionDep
from services.common.errors import problem_responses
from services.requests.reports import service
from services.requests.reports.html import render_html
from services.requests.reports.pdf import render_pdf
from services.requests.reports.peers import Peers
from services.requests.reports.periods import PeriodKind
from services.requests.reports.schemas import (
    DivisionReportRead,
    PublishBody,
    ReportContent,
    ReportCreate,
    ReportRead,
    ReportUpdate,
    ReviewCaseCreate,
    ReviewCaseList,
    ReviewCaseRead,
    ReviewCaseUpdate,
)
from services.requests.reports.word import render_docx

router = APIRouter(prefix="/api/v1/requests/reports", tags=["年度报告"])

STAFF = [Role.REQUEST_OFFICER, Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN]
Reader = Annotated[Principal, requires(roles=STAFF, scopes=["requests:read"])]
Writer = Annotated[Principal, requires(roles=STAFF, scopes=["requests:write"])]
Publisher = Annotated[
    Principal,
    requires(roles=[Role.AGENCY_ADMIN, Role.PLATFORM_ADMIN], scopes=["requests:publish"]),
]
Anyone = Annotated[Principal, public()]
Year = Annotated[int, Query(ge=2019, le=2100, description="报告年度")]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class OutputFormat(StrEnum):
    JSON = "json"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


Format = Annotated[OutputFormat, Query(description="json、html（可嵌入网页）、docx 或 pdf")]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "text/html": {},
            DOCX: {},
            "application/pdf": {},
        }
    }
}


def peers(request: Request) -> Peers:
    clients = request.app.state.peers
    return Peers(catalog=clients.get("catalog"), documents=clients.get("documents"))


Context = Annotated[Peers, Depends(peers)]


def _file(content: ReportContent, fmt: OutputFormat, private: bool) -> Response | None:
    cache = {"Cache-Control": "private, no-store" if private else "public, max-age=300"}
    if fmt is OutputFormat.JSON:
        return None
    if fmt is OutputFormat.HTML:
        return Response(render_html(content), media_type="text/html; charset=utf-8", headers=cache)
    data, media, suffix = (
        (render_docx(content), DOCX, "docx")
        if fmt is OutputFormat.DOCX
        else (render_pdf(content), "application/pdf", "pdf")
    )
    name = quote(f"{content.title}.{suffix}")
    disposition = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    return Response(data, media_type=media, headers={**cache, **disposition})


@router.get(
    "/annual",
    response_model=ReportRead,
    responses={**problem_responses(404, 422, 503), **FILE_RESPONSES},
)
async def read_annual(
    session: SessionDep,
    context: Context,
    caller: Anyone,
    response: Response,
    agency: Annotated[uuid.UUID, Query(description="机关")],
    year: Year,
    version: Annotated[int | None, Query(ge=1, le=1000, description="版本；默认最新")] = None,
    format: Format = OutputFormat.JSON,
) -> ReportRead | Response:
    """年度报告：已公布的公开；本机关工作人员可看草稿、已报送版本或尚未保存的预览."""
    read = await service.read_annual(
        session, context, caller=caller, agency_id=agency, year=year, version=version
    )
    private = read.status != "published"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return _file(read.content, format, private) or read


@router.get(
    "/interim",
    response_model=ReportContent,
    responses={**problem_responses(401, 403, 404, 422, 503), **FILE_RESPONSES},
)
async def read_interim(
    session: SessionDep,
    context: Context,
    caller: Reader,
    agency: Annotated[uuid.UUID, Query(description="机关")],
    year: Year,
    period: Annotated[PeriodKind, Query(description="h1/h2 半年，q1–q4 季度，year 全年")],
    format: Format = OutputFormat.JSON,
) -> ReportContent | Response:
    """半年、季度统计（申请办理和复议诉讼情况），与年度报告同一算法."""
    content = await service.interim(
        session, context, caller=caller, agency_id=agency, year=year, period=period
    )
    return _file(content, format, True) or content


@router.get(
    "/division",
    response_model=DivisionReportRead,
    responses={**problem_responses(404, 422), **FILE_RESPONSES},
)
async def read_division(
    session: SessionDep,
    caller: Anyone,
    division: Annotated[str, Query(pattern=r"^\d{2,12}$", description="行政区划代码（前缀）")],
    year: Year,
    format: Format = OutputFormat.JSON,
) -> DivisionReportRead | Response:
    """行政区划内各机关已公布年度报告的汇总（供本级政府年度报告使用）."""
    read = await service.division(session, division_code=division, year=year)
    return _file(read.content, format, False) or read


@router.post(
    "/annual",
    status_code=201,
    response_model=ReportRead,
    responses=problem_responses(401, 403, 404, 409, 422, 503),
)
async def create_report(
    body: ReportCreate, session: SessionDep, context: Context, caller: Writer
) -> ReportRead:
    """新建年度报告草稿；已公布的报告需要更正时，新建的是下一个版本."""
    return await service.create(session, context, caller=caller, data=body)


@router.patch(
    "/annual/{report_id}",
    response_model=ReportRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def update_report(
    report_id: uuid.UUID, body: ReportUpdate, session: SessionDep, context: Context, caller: Writer
) -> ReportRead:
    """填写总体情况、存在的主要问题及改进情况、其他需要报告的事项和表二填报数（仅草稿）."""
    return await service.update(session, context, caller=caller, report_id=report_id, data=body)


@router.post(
    "/annual/{report_id}/submit",
    response_model=ReportRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def submit_report(
    report_id: uuid.UUID, session: SessionDep, context: Context, caller: Writer
) -> ReportRead:
    """报送审核."""
    return await service.submit(session, context, caller=caller, report_id=report_id)


@router.post(
    "/annual/{report_id}/return",
    response_model=ReportRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def return_report(
    report_id: uuid.UUID, session: SessionDep, context: Context, caller: Writer
) -> ReportRead:
    """退回修改（回到草稿）."""
    return await service.return_to_draft(session, context, caller=caller, report_id=report_id)


@router.post(
    "/annual/{report_id}/publish",
    response_model=ReportRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def publish_report(
    report_id: uuid.UUID,
    session: SessionDep,
    context: Context,
    caller: Publisher,
    body: PublishBody | None = None,
) -> ReportRead:
    """公布：报告按当时的数据定稿，此后不再改变（更正须新建版本）."""
    return await service.publish(
        session, context, caller=caller, report_id=report_id, body=body or PublishBody()
    )


@router.post(
    "/review-cases",
    status_code=201,
    response_model=ReviewCaseRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def create_review_case(
    body: ReviewCaseCreate, session: SessionDep, caller: Writer
) -> ReviewCaseRead:
    """登记一件因申请引起的行政复议或行政诉讼（年度报告表四）."""
    return await service.create_case(session, caller=caller, data=body)


@router.put(
    "/review-cases/{case_id}",
    response_model=ReviewCaseRead,
    responses=problem_responses(401, 403, 404, 422),
)
async def update_review_case(
    case_id: uuid.UUID, body: ReviewCaseUpdate, session: SessionDep, caller: Writer
) -> ReviewCaseRead:
    """登记审结结果和日期."""
    return await service.update_case(session, caller=caller, case_id=case_id, data=body)


@router.get(
    "/review-cases",
    response_model=ReviewCaseList,
    responses=problem_responses(401, 403, 422),
)
async def list_review_cases(
    session: SessionDep,
    caller: Reader,
    agency: Annotated[uuid.UUID, Query(description="机关")],
    year: Year,
) -> ReviewCaseList:
    """本年度计入表四的复议诉讼案件."""
    return ReviewCaseList(
        items=await service.list_cases(session, caller=caller, agency_id=agency, year=year)
    )
