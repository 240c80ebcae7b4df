"""Annual reports: computed from the records, written by staff, submitted, published, frozen.

Who may see what: a published version is public; drafts and submitted versions, previews and
interim figures only to staff acting for the agency with ``requests:read``. Review cases
(table 4) are recorded by staff of the request's agency.
"""

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlmodel.ext.asyncio.session import AsyncSession

from services.common.auth import Principal
from services.common.db import utcnow
from services.common.errors import Conflict, Forbidden, NotFound, Unprocessable
from services.requests.replies import report_format
from services.requests.reports import assemble, compute, peers, repository, table2
from services.requests.reports.models import (
    REVIEW_KIND_LABELS,
    REVIEW_RESULT_LABELS,
    STATUS_LABELS,
    AnnualReport,
    ReportStatus,
    ReviewCase,
    ReviewKind,
    ReviewResult,
)
from services.requests.reports.periods import Period, PeriodKind
from services.requests.reports.schemas import (
    AgencyIncluded,
    DivisionReportRead,
    NarrativeRead,
    PublishBody,
    ReportContent,
    ReportCreate,
    ReportRead,
    ReportUpdate,
    ReviewCaseCreate,
    ReviewCaseRead,
    ReviewCaseUpdate,
    Table2Block,
    Table2Cell,
    _check_conclusion,
)

READ_SCOPE = "requests:read"
PREVIEW_LABEL = "预览（尚未保存）"


def _china_today() -> dt.date:
    return (utcnow() + dt.timedelta(hours=8)).date()


def _staff_reader(caller: Principal, agency_id: uuid.UUID) -> bool:
    return caller.acts_for(agency_id) and READ_SCOPE in caller.scopes


def _require_staff(caller: Principal, agency_id: uuid.UUID) -> None:
    if not caller.acts_for(agency_id):
        raise Forbidden(
            "只有本机关的工作人员可以编制和查看未公布的年度报告。", code="not-your-agency"
        )


def _check_year(year: int) -> None:
    if year > _china_today().year:
        raise Unprocessable(f"{year} 年尚未开始，不能编制该年度的报告。", code="year-in-future")


async def compute_content(
    session: AsyncSession,
    context: peers.Peers,
    *,
    agency: peers.Agency,
    period: Period,
    narrative: NarrativeRead,
    figures: Mapping[str, int | float],
    token: str | None,
) -> ReportContent:
    """The report of one agency for a period, computed now from the records."""
    facts = await repository.request_facts(session, [agency.id], period.start, period.end)
    reviews = await repository.review_facts(session, [agency.id], period.start, period.end)
    problems: list[str] = []
    blocks = None
    if period.kind is PeriodKind.YEAR:
        counts, problems = await peers.document_counts(context, agency.id, period.year, token)
        fmt = report_format(period.year)
        blocks = assemble.table2_blocks(fmt, table2.cells(fmt, counts, figures))
        missing = sorted(
            k for k, c in table2.cells(fmt, counts, figures).items() if c.note == table2.NOT_ENTERED
        )
        if missing:
            problems.append(f"表二尚有 {len(missing)} 个需填报的栏目未填报：{'、'.join(missing)}。")
    return assemble.content(
        agency_id=agency.id,
        agency_name=agency.name,
        division_code=agency.division_code,
        period=period,
        narrative=narrative,
        table2=blocks,
        table3=compute.table3(facts, period),
        table4=compute.table4(reviews, period),
        problems=problems,
    )


def _narrative(report: AnnualReport) -> NarrativeRead:
    return NarrativeRead(
        overview=report.overview, problems=report.problems, other_matters=report.other_matters
    )


async def _read(
    session: AsyncSession, context: peers.Peers, report: AnnualReport, token: str | None
) -> ReportRead:
    if report.status == ReportStatus.PUBLISHED and report.content is not None:
        content = ReportContent.model_validate(report.content)
    else:
        agency = peers.Agency(report.agency_id, report.agency_name, report.division_code)
        content = await compute_content(
            session,
            context,
            agency=agency,
            period=Period.of(report.year),
            narrative=_narrative(report),
            figures=report.figures,
            token=token,
        )
    status = ReportStatus(report.status)
    return ReportRead(
        id=report.id,
        agency_id=report.agency_id,
        year=report.year,
        version=report.version,
        status=status,
        status_label=STATUS_LABELS[status],
        figures=report.figures,
        submitted_at=report.submitted_at,
        published_at=report.published_at,
        content=content,
    )


async def read_annual(
    session: AsyncSession,
    context: peers.Peers,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    year: int,
    version: int | None,
) -> ReportRead:
    """The newest version staff may see (or a preview), or the newest published one."""
    staff = _staff_reader(caller, agency_id)
    found = await repository.versions(session, agency_id, year)
    if not staff:
        found = [r for r in found if r.status == ReportStatus.PUBLISHED]
    if version is not None:
        found = [r for r in found if r.version == version]
    if found:
        return await _read(session, context, found[0], caller.token)
    if not staff or version is not None:
        raise NotFound(
            f"该机关 {year} 年度的政府信息公开工作年度报告尚未公布。", code="report-not-found"
        )
    _check_year(year)
    agency = await peers.agency(context, agency_id)
    content = await compute_content(
        session,
        context,
        agency=agency,
        period=Period.of(year),
        narrative=NarrativeRead(),
        figures={},
        token=caller.token,
    )
    return ReportRead(
        id=None,
        agency_id=agency_id,
        year=year,
        version=0,
        status=None,
        status_label=PREVIEW_LABEL,
        figures={},
        submitted_at=None,
        published_at=None,
        content=content,
    )


async def interim(
    session: AsyncSession,
    context: peers.Peers,
    *,
    caller: Principal,
    agency_id: uuid.UUID,
    year: int,
    period: PeriodKind,
) -> ReportContent:
    """Half-year or quarterly figures (tables 3 and 4), computed by the annual report's code."""
    _require_staff(caller, agency_id)
    _check_year(year)
    agency = await peers.agency(context, agency_id)
    return await compute_content(
        session,
        context,
        agency=agency,
        period=Period.of(year, period),
        narrative=NarrativeRead(),
        figures={},
        token=caller.token,
    )


def _sum_table2(fmt: str, contents: list[ReportContent]) -> list[Table2Block] | None:
    tables = [c.table2 for c in contents if c.table2 is not None]
    if not tables:
        return None
    blocks = assemble.table2_blocks(fmt, table2.cells(fmt, None, {}))
    for block in blocks:
        for row in block.rows:
            for index, _ in enumerate(row.cells):
                values = [
                    next(r for r in b.rows if r.key == row.key).cells[index]
                    for t in tables
                    for b in t
                    if b.key == block.key
                ]
                present = [v.value for v in values if v.value is not None]
                note = None
                if len(present) < len(values):
                    note = "部分机关未取得或未填报" if present else values[0].note
                row.cells[index] = Table2Cell(value=sum(present) if present else None, note=note)
    return blocks


async def division(session: AsyncSession, *, division_code: str, year: int) -> DivisionReportRead:
    """The division-level roll-up: the sum of the published reports of its agencies."""
    reports = await repository.published_in_division(session, division_code, year)
    if not reports:
        raise NotFound(
            f"行政区划 {division_code} 内尚无机关公布 {year} 年度报告，无法汇总。",
            code="no-published-reports",
        )
    contents = [ReportContent.model_validate(r.content) for r in reports]
    fmt = report_format(year)
    period = Period.of(year)
    content = assemble.content(
        agency_id=None,
        agency_name=f"行政区划 {division_code} 各机关汇总",
        division_code=division_code,
        period=period,
        narrative=NarrativeRead(),
        table2=_sum_table2(fmt, contents),
        table3=compute.add_grids(
            (assemble.grid3(c.table3) for c in contents), compute.empty_table3(fmt)
        ),
        table4=compute.add_grids(
            (assemble.grid4(c.table4) for c in contents), compute.empty_table4()
        ),
        problems=[p for c in contents for p in (f"{c.agency_name}：{x}" for x in c.problems)],
    )
    return DivisionReportRead(
        division_code=division_code,
        year=year,
        agencies=[
            AgencyIncluded(agency_id=r.agency_id, agency_name=r.agency_name, version=r.version)
            for r in reports
        ],
        content=content,
    )


async def create(
    session: AsyncSession, context: peers.Peers, *, caller: Principal, data: ReportCreate
) -> ReportRead:
    """A new draft; when the newest version is published, a correction copying its text."""
    _require_staff(caller, data.agency_id)
    _check_year(data.year)
    existing = await repository.versions(session, data.agency_id, data.year)
    if existing and existing[0].status != ReportStatus.PUBLISHED:
        state = STATUS_LABELS[ReportStatus(existing[0].status)]
        raise Conflict(
            f"该年度已有未公布的第 {existing[0].version} 版（{state}），请继续编辑该版本。",
            code="report-exists",
        )
    agency = await peers.agency(context, data.agency_id)
    previous = existing[0] if existing else None
    report = AnnualReport(
        agency_id=agency.id,
        agency_name=agency.name,
        division_code=agency.division_code,
        year=data.year,
        version=previous.version + 1 if previous else 1,
        status=ReportStatus.DRAFT,
        overview=previous.overview if previous else None,
        problems=previous.problems if previous else None,
        other_matters=previous.other_matters if previous else None,
        figures=dict(previous.figures) if previous else {},
        created_by=caller.subject,
    )
    session.add(report)
    await session.flush()
    return await _read(session, context, report, caller.token)


async def _editable(session: AsyncSession, caller: Principal, report_id: uuid.UUID) -> AnnualReport:
    report = await repository.get_for_update(session, report_id)
    if report is None or not caller.acts_for(report.agency_id):
        raise NotFound("未找到该年度报告，或您无权编辑。", code="report-not-found")
    return report


def _require_status(report: AnnualReport, status: ReportStatus, doing: str) -> None:
    if report.status != status:
        current = STATUS_LABELS[ReportStatus(report.status)]
        hint = (
            "已公布的报告不能修改，如需更正请新建一个版本。"
            if report.status == ReportStatus.PUBLISHED
            else ""
        )
        raise Conflict(
            f"报告当前为“{current}”，不能{doing}（须为“{STATUS_LABELS[status]}”）。{hint}",
            code="report-state",
        )


async def update(
    session: AsyncSession,
    context: peers.Peers,
    *,
    caller: Principal,
    report_id: uuid.UUID,
    data: ReportUpdate,
) -> ReportRead:
    report = await _editable(session, caller, report_id)
    _require_status(report, ReportStatus.DRAFT, "修改")
    fields = data.model_dump(exclude_unset=True)
    if "figures" in fields and data.figures is not None:
        problems = table2.validate_figures(report_format(report.year), data.figures)
        if problems:
            raise Unprocessable("表二填报有误：" + "；".join(problems), code="figures-invalid")
        report.figures = {**report.figures, **data.figures}
    for name in ("overview", "problems", "other_matters"):
        if name in fields:
            setattr(report, name, fields[name])
    report.updated_at = utcnow()
    await session.flush()
    return await _read(session, context, report, caller.token)


async def submit(
    session: AsyncSession, context: peers.Peers, *, caller: Principal, report_id: uuid.UUID
) -> ReportRead:
    report = await _editable(session, caller, report_id)
    _require_status(report, ReportStatus.DRAFT, "报送")
    if not (report.overview and report.overview.strip()):
        raise Unprocessable("报送前须填写“一、总体情况”。", code="overview-missing")
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = report.updated_at = utcnow()
    await session.flush()
    return await _read(session, context, report, caller.token)


async def return_to_draft(
    session: AsyncSession, context: peers.Peers, *, caller: Principal, report_id: uuid.UUID
) -> ReportRead:
    report = await _editable(session, caller, report_id)
    _require_status(report, ReportStatus.SUBMITTED, "退回修改")
    report.status = ReportStatus.DRAFT
    report.updated_at = utcnow()
    await session.flush()
    return await _read(session, context, report, caller.token)


async def publish(
    session: AsyncSession,
    context: peers.Peers,
    *,
    caller: Principal,
    report_id: uuid.UUID,
    body: PublishBody,
) -> ReportRead:
    """Compute the report one last time and freeze it."""
    report = await _editable(session, caller, report_id)
    _require_status(report, ReportStatus.SUBMITTED, "公布")
    read = await _read(session, context, report, caller.token)
    failed = [c for c in read.content.checks if not c.passed]
    if failed and not body.acknowledge_failed_checks:
        raise Unprocessable(
            "一致性校验未通过："
            + "；".join(f"{c.label}（{c.detail}）" for c in failed)
            + "。请核对办理记录；确需按现状公布的，请确认 acknowledge_failed_checks。",
            code="checks-failed",
        )
    report.content = read.content.model_dump(mode="json")
    report.status = ReportStatus.PUBLISHED
    report.published_at = report.updated_at = utcnow()
    report.published_by = caller.subject
    await session.flush()
    return await _read(session, context, report, caller.token)


# --- review cases (table 4) ----------------------------------------------------------------


def case_read(case: ReviewCase) -> ReviewCaseRead:
    kind = ReviewKind(case.kind)
    result = ReviewResult(case.result) if case.result else None
    return ReviewCaseRead(
        id=case.id,
        request_id=case.request_id,
        agency_id=case.agency_id,
        kind=kind,
        kind_label=REVIEW_KIND_LABELS[kind],
        case_number=case.case_number,
        filed_on=case.filed_on,
        result=result,
        result_label=REVIEW_RESULT_LABELS[result] if result else None,
        concluded_on=case.concluded_on,
    )


def _not_future(*dates: dt.date | None) -> None:
    today = _china_today()
    if any(d is not None and d > today for d in dates):
        raise Unprocessable(f"立案和审结日期不能晚于今天（{today}）。", code="date-in-future")


async def create_case(
    session: AsyncSession, *, caller: Principal, data: ReviewCaseCreate
) -> ReviewCaseRead:
    request = await repository.info_request(session, data.request_id)
    if request is None or not caller.acts_for(request.agency_id):
        raise NotFound("未找到该申请，或您无权登记其复议诉讼情况。", code="request-not-found")
    _not_future(data.filed_on, data.concluded_on)
    case = ReviewCase(
        request_id=request.id,
        agency_id=request.agency_id,
        kind=data.kind,
        case_number=data.case_number,
        filed_on=data.filed_on,
        result=data.result,
        concluded_on=data.concluded_on,
    )
    session.add(case)
    await session.flush()
    return case_read(case)


async def update_case(
    session: AsyncSession, *, caller: Principal, case_id: uuid.UUID, data: ReviewCaseUpdate
) -> ReviewCaseRead:
    case = await repository.review_case(session, case_id)
    if case is None or not caller.acts_for(case.agency_id):
        raise NotFound("未找到该复议诉讼案件，或您无权修改。", code="review-case-not-found")
    try:
        _check_conclusion(case.filed_on, data.result, data.concluded_on)
    except ValueError as exc:
        raise Unprocessable(str(exc), code="review-case-invalid") from None
    _not_future(data.concluded_on)
    case.result, case.concluded_on = data.result, data.concluded_on
    if data.case_number is not None:
        case.case_number = data.case_number
    case.updated_at = utcnow()
    await session.flush()
    return case_read(case)


async def list_cases(
    session: AsyncSession, *, caller: Principal, agency_id: uuid.UUID, year: int
) -> list[ReviewCaseRead]:
    _require_staff(caller, agency_id)
    period = Period.of(year)
    return [
        case_read(c)
        for c in await repository.review_cases(session, agency_id, period.start, period.end)
    ]
