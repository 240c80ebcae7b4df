"""Bodies of the annual-report API and the computed report itself (``ReportContent``)."""

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.requests.reports.models import ReportStatus, ReviewKind, ReviewResult
from services.requests.reports.periods import PeriodKind

FIRST_YEAR = 2019  # the first report year with a State Council table format
Narrative = Annotated[str, Field(max_length=50_000)]
Figure = Annotated[float, Field(ge=-1e12, le=1e12)] | Annotated[int, Field(ge=-(10**12), le=10**12)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnRead(BaseModel):
    key: str
    label: str
    group: str | None = None


class Table2Cell(BaseModel):
    value: int | float | None
    note: str | None = Field(None, description="未取得（文件服务未提供）或未填报")


class Table2Row(BaseModel):
    key: str
    label: str
    source: str = Field(description="documents：取自文件服务；staff：工作人员填报")
    cells: list[Table2Cell]


class Table2Block(BaseModel):
    key: str
    title: str
    columns: list[ColumnRead]
    rows: list[Table2Row]


class Table3Row(BaseModel):
    key: str
    section: str
    group: str | None
    item: str | None
    cells: dict[str, int]


class Table3(BaseModel):
    columns: list[ColumnRead]
    rows: list[Table3Row]


class Table4Group(BaseModel):
    key: str
    label: str
    parent: str | None
    cells: dict[str, int]


class Table4(BaseModel):
    columns: list[ColumnRead]
    groups: list[Table4Group]


class CheckRead(BaseModel):
    key: str
    label: str
    passed: bool
    detail: str


class NarrativeRead(BaseModel):
    overview: str | None = Field(None, description="一、总体情况")
    problems: str | None = Field(None, description="五、存在的主要问题及改进情况")
    other_matters: str | None = Field(None, description="六、其他需要报告的事项")


class ReportContent(BaseModel):
    """The report as computed (or as frozen when published)."""

    title: str
    agency_id: uuid.UUID | None
    agency_name: str
    division_code: str | None
    year: int
    period: PeriodKind
    period_label: str
    start: dt.date
    end: dt.date
    template: str = Field(description="表格格式：2019（国办公开办函〔2019〕60号）或 2021")
    template_label: str
    narrative: NarrativeRead
    table2: list[Table2Block] | None = Field(description="主动公开情况；期中统计不含此表")
    table3: Table3
    table4: Table4
    checks: list[CheckRead]
    checks_passed: bool
    problems: list[str] = Field(description="生成报告时遇到的问题（如文件服务未提供统计）")
    generated_at: dt.datetime


class ReportRead(BaseModel):
    id: uuid.UUID | None = Field(description="未保存的预览为空")
    agency_id: uuid.UUID
    year: int
    version: int
    status: ReportStatus | None = Field(description="未保存的预览为空")
    status_label: str
    figures: dict[str, int | float]
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    content: ReportContent


class ReportCreate(Strict):
    agency_id: uuid.UUID
    year: int = Field(ge=FIRST_YEAR, le=2100)


class ReportUpdate(Strict):
    overview: Narrative | None = None
    problems: Narrative | None = None
    other_matters: Narrative | None = None
    figures: dict[Annotated[str, Field(max_length=60)], Figure] | None = Field(
        None,
        max_length=40,
        description="表二中由工作人员填报的栏目，键为“块.行.栏”，如 20.5.licence.decisions",
    )


class PublishBody(Strict):
    acknowledge_failed_checks: bool = Field(
        False, description="一致性校验未通过时仍要公布，须明确确认"
    )


class AgencyIncluded(BaseModel):
    agency_id: uuid.UUID
    agency_name: str
    version: int


class DivisionReportRead(BaseModel):
    division_code: str
    year: int
    agencies: list[AgencyIncluded]
    content: ReportContent


class ReviewCaseCreate(Strict):
    request_id: uuid.UUID
    kind: ReviewKind
    case_number: str | None = Field(None, max_length=100)
    filed_on: dt.date
    result: ReviewResult | None = None
    concluded_on: dt.date | None = None

    @model_validator(mode="after")
    def _concluded(self) -> "ReviewCaseCreate":
        _check_conclusion(self.filed_on, self.result, self.concluded_on)
        return self


class ReviewCaseUpdate(Strict):
    result: ReviewResult | None
    concluded_on: dt.date | None
    case_number: str | None = Field(None, max_length=100)


def _check_conclusion(
    filed_on: dt.date, result: ReviewResult | None, concluded_on: dt.date | None
) -> None:
    if filed_on.year < FIRST_YEAR:
        raise ValueError(f"立案日期应在 {FIRST_YEAR} 年之后")
    if (result is None) != (concluded_on is None):
        raise ValueError("审结的案件须同时填写结果和审结日期；尚未审结的两者都不填")
    if concluded_on is not None and concluded_on < filed_on:
        raise ValueError("审结日期不能早于立案日期")


class ReviewCaseRead(BaseModel):
    id: uuid.UUID
    request_id: uuid.UUID
    agency_id: uuid.UUID
    kind: ReviewKind
    kind_label: str
    case_number: str | None
    filed_on: dt.date
    result: ReviewResult | None
    result_label: str | None
    concluded_on: dt.date | None


class ReviewCaseList(BaseModel):
    items: list[ReviewCaseRead]
