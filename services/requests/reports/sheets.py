"""The report's tables as grids of merged cells, laid out like the official tables.

HTML, DOCX and PDF draw the same ``Sheet``s, so the three outputs cannot disagree about a
number or a merged header.
"""

from dataclasses import dataclass, field

from services.requests.reports.schemas import ReportContent, Table2Block, Table3, Table4

TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class SheetCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    number: bool = False


@dataclass
class Sheet:
    title: str
    columns: int
    widths: list[float]  # relative column widths
    cells: list[SheetCell] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return max((c.row + c.rowspan for c in self.cells), default=0)

    def add(self, row: int, col: int, text: str, **kwargs: int | bool) -> None:
        self.cells.append(SheetCell(row, col, text, **kwargs))  # type: ignore[arg-type]


def number(value: int | float | None, note: str | None = None) -> str:
    if value is None:
        return note or ""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(int(value))


def table2_sheet(blocks: list[Table2Block]) -> Sheet:
    width = max(len(b.columns) for b in blocks)
    sheet = Sheet("二、主动公开政府信息情况", 1 + width, [2.2] + [1.0] * width)
    row = 0
    for block in blocks:
        sheet.add(row, 0, block.title, colspan=1 + width, header=True)
        sheet.add(row + 1, 0, "信息内容", header=True)
        spans = [1] * len(block.columns)
        spans[-1] = width - len(block.columns) + 1  # the last column fills the row
        col = 1
        for column, span in zip(block.columns, spans, strict=True):
            sheet.add(row + 1, col, column.label, colspan=span, header=True)
            col += span
        row += 2
        for data in block.rows:
            sheet.add(row, 0, data.label)
            col = 1
            for cell, span in zip(data.cells, spans, strict=True):
                sheet.add(row, col, number(cell.value, cell.note), colspan=span, number=True)
                col += span
            row += 1
    return sheet


def _runs(values: list[str | None]) -> list[int]:
    """For each position, the length of the run of equal values starting there (0 inside)."""
    runs = [0] * len(values)
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            runs[start] = index - start
            start = index
    return runs


def table3_sheet(table: Table3) -> Sheet:
    parts = [c for c in table.columns if c.group]
    sheet = Sheet(
        "三、收到和处理政府信息公开申请情况",
        3 + len(table.columns),
        [1.3, 1.6, 3.0] + [1.0] * len(table.columns),
    )
    sheet.add(0, 0, TABLE3_NOTE, rowspan=3, colspan=3, header=True)
    sheet.add(0, 3, "申请人情况", colspan=len(table.columns), header=True)
    col = 3
    for column in table.columns:
        if column.group is None:
            sheet.add(1, col, column.label, rowspan=2, header=True)
        elif column is parts[0]:
            sheet.add(1, col, column.group, colspan=len(parts), header=True)
        if column.group is not None:
            sheet.add(2, col, column.label, header=True)
        col += 1
    sections = _runs([r.section if r.group else None for r in table.rows])
    groups = _runs([f"{r.section}|{r.group}" if r.item else None for r in table.rows])
    for index, data in enumerate(table.rows):
        row = 3 + index
        if data.group is None:
            sheet.add(row, 0, data.section, colspan=3)
        else:
            if sections[index]:
                sheet.add(row, 0, data.section, rowspan=sections[index])
            if data.item is None:
                sheet.add(row, 1, data.group, colspan=2)
            else:
                if groups[index]:
                    sheet.add(row, 1, data.group, rowspan=groups[index])
                sheet.add(row, 2, data.item)
        for offset, column in enumerate(table.columns):
            sheet.add(row, 3 + offset, str(data.cells[column.key]), number=True)
    return sheet


def table4_sheet(table: Table4) -> Sheet:
    n = len(table.columns)
    sheet = Sheet(
        "四、政府信息公开行政复议、行政诉讼情况",
        n * len(table.groups),
        [1.0] * n * len(table.groups),
    )
    col = 0
    parents: dict[str, int] = {}
    for group in table.groups:
        if group.parent is None:
            sheet.add(0, col, group.label, colspan=n, header=True)
            for offset, column in enumerate(table.columns):
                sheet.add(1, col + offset, column.label, rowspan=2, header=True)
        else:
            if group.parent not in parents:
                span = n * sum(1 for g in table.groups if g.parent == group.parent)
                sheet.add(0, col, group.parent, colspan=span, header=True)
                parents[group.parent] = col
            sheet.add(1, col, group.label, colspan=n, header=True)
            for offset, column in enumerate(table.columns):
                sheet.add(2, col + offset, column.label, header=True)
        for offset, column in enumerate(table.columns):
            sheet.add(3, col + offset, str(group.cells[column.key]), number=True)
        col += n
    return sheet


@dataclass(frozen=True)
class Section:
    heading: str
    text: str | None = None
    sheet: Sheet | None = None


def sections(content: ReportContent) -> list[Section]:
    """The report's six sections in the official order (interim figures: tables only)."""
    narrative = content.narrative
    out = []
    if content.table2 is not None:
        out.append(Section("一、总体情况", narrative.overview or ""))
        out.append(Section("二、主动公开政府信息情况", sheet=table2_sheet(content.table2)))
    out.append(Section("三、收到和处理政府信息公开申请情况", sheet=table3_sheet(content.table3)))
    out.append(
        Section("四、政府信息公开行政复议、行政诉讼情况", sheet=table4_sheet(content.table4))
    )
    if content.table2 is not None:
        out.append(Section("五、存在的主要问题及改进情况", narrative.problems or ""))
        out.append(Section("六、其他需要报告的事项", narrative.other_matters or ""))
    return out


def check_lines(content: ReportContent) -> list[str]:
    lines = [f"{'通过' if c.passed else '未通过'}：{c.label}（{c.detail}）" for c in content.checks]
    return lines + [f"问题：{p}" for p in content.problems]
