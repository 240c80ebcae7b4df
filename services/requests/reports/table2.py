"""Table 2 (主动公开政府信息情况): documents-service counts plus the figures staff enter."""

from collections.abc import Mapping
from dataclasses import dataclass

from services.requests.reports import layout

NOT_OBTAINED = "未取得"
NOT_ENTERED = "未填报"
# The documents service's names of the 第二十条第（一）项 rows and columns (its ReportRow).
DOCUMENT_COUNTS = ("issued", "repealed", "in_force")

Figure = int | float


@dataclass(frozen=True)
class Cell2:
    key: str
    value: Figure | None
    note: str | None


def cells(
    fmt: str,
    documents: Mapping[str, Mapping[str, int]] | None,
    figures: Mapping[str, Figure],
) -> dict[str, Cell2]:
    """Every table-2 cell; ``documents`` is None when the documents service gave no counts."""
    out: dict[str, Cell2] = {}
    for block in layout.table2(fmt):
        for row in block.rows:
            for column in block.columns:
                key = block.cell_key(row, column)
                if row.source == "documents":
                    count = (documents or {}).get(row.key, {}).get(column.documents or column.key)
                    note = NOT_OBTAINED if count is None else None
                    out[key] = Cell2(key, count, note)
                else:
                    value = figures.get(key)
                    out[key] = Cell2(key, value, NOT_ENTERED if value is None else None)
    return out


def validate_figures(fmt: str, figures: Mapping[str, Figure]) -> list[str]:
    """Problems with staff-entered figures, as Chinese sentences naming the cell."""
    allowed = layout.staff_cells(fmt)
    problems = []
    for key, value in figures.items():
        column = allowed.get(key)
        if column is None:
            problems.append(
                f"{key}：不是本年度格式需要填报的栏目，可填报：{'、'.join(sorted(allowed))}"
            )
            continue
        if not column.decimal and not float(value).is_integer():
            problems.append(f"{key}（{column.label}）：应为整数")
        if not column.signed and value < 0:
            problems.append(f"{key}（{column.label}）：不能为负数")
    return problems
