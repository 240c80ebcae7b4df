"""The report's tables computed from records: pure functions, no database and no HTTP.

Table 3 (domain.md §2.2) counts each request of a period once in 一 (received in the period)
or 二 (received before and still open at its start), and once in an outcome row (closed in the
period) or in 四 (still open at its end). Table 4 (§2.3) counts each reconsideration or
lawsuit filed by the period's end and not concluded before its start: under its result when
concluded in the period, otherwise under 尚未审结. Totals are counted on their own, not summed
from the cells, so that the consistency checks can catch a request that fell through a row.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from services.requests.replies import RefusalGround, ReplyType, outcome_row, report_format
from services.requests.reports import layout
from services.requests.reports.layout import (
    CARRIED_IN_ROW,
    CARRIED_OUT_ROW,
    NEW_ROW,
    TOTAL_ROW,
)
from services.requests.reports.periods import Period

TOTAL = "total"
Grid = dict[str, dict[str, int]]


@dataclass(frozen=True)
class RequestFact:
    """What the report needs of one request (no personal data)."""

    column: str  # ApplicantColumn value
    received_on: dt.date | None
    closed_on: dt.date | None
    reply_type: str | None
    refusal_ground: str | None


@dataclass(frozen=True)
class ReviewFact:
    """One 行政复议 or 行政诉讼 about a request's handling."""

    kind: str  # reconsideration | litigation_direct | litigation_after
    result: str | None  # upheld | corrected | other; None while pending
    filed_on: dt.date
    concluded_on: dt.date | None


def empty_table3(fmt: str) -> Grid:
    columns = [c.key for c in layout.table3_columns()]
    return {row.key: dict.fromkeys(columns, 0) for row in layout.table3_rows(fmt)}


def table3(facts: Iterable[RequestFact], period: Period) -> Grid:
    fmt = report_format(period.year)
    grid = empty_table3(fmt)
    columns = {c.key for c in layout.table3_columns()} - {TOTAL}

    def add(row: str, column: str) -> None:
        if row in grid:  # an outcome key the layout lacks is caught by the checks
            grid[row][column] += 1
            grid[row][TOTAL] += 1

    for fact in facts:
        received, closed = fact.received_on, fact.closed_on
        if received is None or received > period.end:
            continue
        if closed is not None and closed < period.start:
            continue
        column = fact.column if fact.column in columns else "other"
        add(NEW_ROW if received >= period.start else CARRIED_IN_ROW, column)
        if closed is not None and closed <= period.end and fact.reply_type is not None:
            ground = RefusalGround(fact.refusal_ground) if fact.refusal_ground else None
            add(outcome_row(ReplyType(fact.reply_type), ground, period.year).key, column)
            add(TOTAL_ROW, column)
        else:
            add(CARRIED_OUT_ROW, column)
    return grid


def empty_table4() -> Grid:
    columns = [c.key for c in layout.table4_columns()]
    return {key: dict.fromkeys(columns, 0) for key, _, _ in layout.table4_groups()}


def table4(facts: Iterable[ReviewFact], period: Period) -> Grid:
    grid = empty_table4()
    for fact in facts:
        if fact.kind not in grid or fact.filed_on > period.end:
            continue
        concluded = fact.concluded_on
        if concluded is not None and concluded < period.start:
            continue
        if concluded is not None and concluded <= period.end and fact.result is not None:
            column = fact.result
        else:
            column = "pending"
        if column in grid[fact.kind]:
            grid[fact.kind][column] += 1
        grid[fact.kind][TOTAL] += 1
    return grid


def add_grids(grids: Iterable[Mapping[str, Mapping[str, int]]], template: Grid) -> Grid:
    """Cell-wise sum (the division-level roll-up of several agencies' tables)."""
    total = {row: dict(cells) for row, cells in template.items()}
    for grid in grids:
        for row, cells in grid.items():
            for column, value in cells.items():
                if row in total and column in total[row]:
                    total[row][column] += value
    return total
