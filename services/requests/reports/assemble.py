"""Put computed tables, narrative and check results together as a ``ReportContent`` (pure)."""

import uuid
from collections.abc import Mapping

from services.common.db import utcnow
from services.requests.replies import report_format
from services.requests.reports import checks, layout
from services.requests.reports.compute import Grid
from services.requests.reports.periods import Period, PeriodKind
from services.requests.reports.schemas import (
    CheckRead,
    ColumnRead,
    NarrativeRead,
    ReportContent,
    Table2Block,
    Table2Cell,
    Table2Row,
    Table3,
    Table3Row,
    Table4,
    Table4Group,
)
from services.requests.reports.table2 import Cell2

TEMPLATE_LABELS = {
    "2019": "国办公开办函〔2019〕60号格式",
    "2021": "国办公开办函〔2021〕30号格式",
}


def table2_blocks(fmt: str, cells: Mapping[str, Cell2]) -> list[Table2Block]:
    return [
        Table2Block(
            key=block.key,
            title=block.title,
            columns=[ColumnRead(key=c.key, label=c.label) for c in block.columns],
            rows=[
                Table2Row(
                    key=row.key,
                    label=row.label,
                    source=row.source,
                    cells=[
                        Table2Cell(
                            value=cells[block.cell_key(row, c)].value,
                            note=cells[block.cell_key(row, c)].note,
                        )
                        for c in block.columns
                    ],
                )
                for row in block.rows
            ],
        )
        for block in layout.table2(fmt)
    ]


def table3_read(fmt: str, grid: Grid) -> Table3:
    return Table3(
        columns=[
            ColumnRead(key=c.key, label=c.label, group=c.group) for c in layout.table3_columns()
        ],
        rows=[
            Table3Row(key=r.key, section=r.section, group=r.group, item=r.item, cells=grid[r.key])
            for r in layout.table3_rows(fmt)
        ],
    )


def table4_read(grid: Grid) -> Table4:
    return Table4(
        columns=[ColumnRead(key=c.key, label=c.label) for c in layout.table4_columns()],
        groups=[
            Table4Group(key=key, label=label, parent=parent, cells=grid[key])
            for key, label, parent in layout.table4_groups()
        ],
    )


def grid3(table: Table3) -> Grid:
    return {row.key: dict(row.cells) for row in table.rows}


def grid4(table: Table4) -> Grid:
    return {group.key: dict(group.cells) for group in table.groups}


def title(agency_name: str, period: Period) -> str:
    if period.kind is PeriodKind.YEAR:
        return f"{agency_name}{period.year}年政府信息公开工作年度报告"
    return f"{agency_name}{period.label}政府信息公开工作统计"


def content(
    *,
    agency_id: uuid.UUID | None,
    agency_name: str,
    division_code: str | None,
    period: Period,
    narrative: NarrativeRead,
    table2: list[Table2Block] | None,
    table3: Grid,
    table4: Grid,
    problems: list[str],
) -> ReportContent:
    fmt = report_format(period.year)
    results = checks.table3_checks(table3, fmt) + checks.table4_checks(table4)
    return ReportContent(
        title=title(agency_name, period),
        agency_id=agency_id,
        agency_name=agency_name,
        division_code=division_code,
        year=period.year,
        period=period.kind,
        period_label=period.label,
        start=period.start,
        end=period.end,
        template=fmt,
        template_label=TEMPLATE_LABELS.get(fmt, fmt),
        narrative=narrative,
        table2=table2,
        table3=table3_read(fmt, table3),
        table4=table4_read(table4),
        checks=[
            CheckRead(key=c.key, label=c.label, passed=c.passed, detail=c.detail) for c in results
        ],
        checks_passed=all(c.passed for c in results),
        problems=problems,
        generated_at=utcnow(),
    )
