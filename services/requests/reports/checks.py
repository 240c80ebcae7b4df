"""The consistency checks of domain.md §2.2 and §2.3; every one runs and every result is shown."""

from dataclasses import dataclass

from services.requests.reports import layout
from services.requests.reports.compute import TOTAL, Grid
from services.requests.reports.layout import CARRIED_IN_ROW, CARRIED_OUT_ROW, NEW_ROW, TOTAL_ROW


@dataclass(frozen=True)
class CheckResult:
    key: str
    label: str
    passed: bool
    detail: str


def _column_labels() -> dict[str, str]:
    return {c.key: c.label for c in layout.table3_columns()}


def table3_checks(grid: Grid, fmt: str) -> list[CheckResult]:
    labels = _column_labels()
    outcome_rows = [r.key for r in layout.table3_rows(fmt) if r.is_outcome]
    balance, outcomes, totals = [], [], []
    for column, label in labels.items():
        left = grid[NEW_ROW][column] + grid[CARRIED_IN_ROW][column]
        right = grid[TOTAL_ROW][column] + grid[CARRIED_OUT_ROW][column]
        if left != right:
            balance.append(f"{label}：一＋二＝{left}，（七）总计＋四＝{right}")
        summed = sum(grid[row][column] for row in outcome_rows)
        if summed != grid[TOTAL_ROW][column]:
            outcomes.append(
                f"{label}：各项办理结果之和 {summed}，（七）总计 {grid[TOTAL_ROW][column]}"
            )
    parts = [c for c in labels if c != TOTAL]
    for row in layout.table3_rows(fmt):
        summed = sum(grid[row.key][c] for c in parts)
        if summed != grid[row.key][TOTAL]:
            name = " ".join(p for p in (row.section, row.group, row.item) if p)
            totals.append(f"{name}：各类申请人之和 {summed}，总计 {grid[row.key][TOTAL]}")
    return [
        CheckResult(
            "table3.balance",
            "每一列：本年新收＋上年结转＝本年度办理结果总计＋结转下年度继续办理",
            not balance,
            "；".join(balance) or "各列均相等",
        ),
        CheckResult(
            "table3.outcomes",
            "每一列：（七）总计＝各项办理结果之和（部分公开的只计入部分公开一项）",
            not outcomes,
            "；".join(outcomes) or "各列均相等",
        ),
        CheckResult(
            "table3.applicants",
            "每一行：总计＝自然人＋法人或其他组织五类之和",
            not totals,
            "；".join(totals) or "各行均相等",
        ),
    ]


def table4_checks(grid: Grid) -> list[CheckResult]:
    results = []
    columns = [c.key for c in layout.table4_columns() if c.key != TOTAL]
    for key, label, parent in layout.table4_groups():
        name = f"{parent}（{label}）" if parent else label
        summed = sum(grid[key][c] for c in columns)
        ok = summed == grid[key][TOTAL]
        results.append(
            CheckResult(
                f"table4.{key}",
                f"{name}：总计＝结果维持＋结果纠正＋其他结果＋尚未审结",
                ok,
                "相等" if ok else f"四项之和 {summed}，总计 {grid[key][TOTAL]}",
            )
        )
    return results
