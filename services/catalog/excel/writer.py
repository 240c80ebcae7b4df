"""Writes catalog items in the real layout: one sheet per domain, merged group headers,
■/□ for channels and √ for 公开对象, 公开方式 and 公开层级."""

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from services.catalog.excel import layout
from services.catalog.items.schemas import ItemContent

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
INVALID_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


def write(agency_name: str, sheets: Sequence[tuple[str, Sequence[ItemContent]]]) -> bytes:
    """An .xlsx of ``(domain name, items)`` sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for domain_name, items in sheets:
        _sheet(workbook, agency_name, domain_name, items)
    if not sheets:
        workbook.create_sheet("目录")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(workbook: Any, agency_name: str, domain_name: str, items: Sequence[ItemContent]) -> None:
    ws = workbook.create_sheet(domain_name.translate(INVALID_SHEET_CHARS)[:31])
    with_level3 = any(i.level3 for i in items)
    levels = list(layout.LEVEL_HEADERS[: 3 if with_level3 else 2])
    # (top header, sub headers or None for a single column spanning both header rows)
    headers: list[tuple[str, list[str] | None]] = [
        (layout.SEQ, None),
        (layout.MATTER, levels),
        (layout.ELEMENTS, None),
        (layout.BASIS, None),
        (layout.DEADLINE, None),
        (layout.SUBJECT, None),
        (layout.CHANNELS, list(layout.GROUPS[layout.CHANNELS])),
        (layout.AUDIENCE, list(layout.GROUPS[layout.AUDIENCE])),
        (layout.MODE, list(layout.GROUPS[layout.MODE])),
        (layout.LEVEL, list(layout.GROUPS[layout.LEVEL])),
        (layout.PHONE, None),
    ]
    width = sum(len(subs) if subs else 1 for _, subs in headers)
    ws.cell(1, 1, layout.title(agency_name, domain_name)).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).alignment = CENTRE
    column = 1
    for top, subs in headers:
        ws.cell(2, column, top)
        if subs is None:
            ws.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
            column += 1
            continue
        ws.merge_cells(
            start_row=2, start_column=column, end_row=2, end_column=column + len(subs) - 1
        )
        for offset, sub in enumerate(subs):
            ws.cell(3, column + offset, sub)
        column += len(subs)
    for row in (2, 3):
        for c in range(1, width + 1):
            cell = ws.cell(row, c)
            cell.font, cell.alignment, cell.border = Font(bold=True), CENTRE, BORDER
    for number, item in enumerate(items, start=1):
        _item_row(ws, 3 + number, number, item, with_level3)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 6
    for c, w in ((2, 16), (3, 16), (4 if with_level3 else 3, 16)):
        ws.column_dimensions[get_column_letter(c)].width = w
    first_text = 2 + len(levels)
    for offset, w in enumerate((40, 24, 20, 16)):
        ws.column_dimensions[get_column_letter(first_text + offset)].width = w
    ws.column_dimensions[get_column_letter(width)].width = 16
    ws.freeze_panes = ws.cell(4, 2 + len(levels))


def _item_row(ws: Any, row: int, number: int, item: ItemContent, with_level3: bool) -> None:
    elements = "\n".join(
        (layout.REQUIRED_MARK if e.required else layout.OPTIONAL_MARKS[0]) + e.name
        for e in item.elements
    )
    audience_marks = [
        ("√" + (f"（{item.audience_note}）" if item.audience_note else ""))
        if item.audience.value == value
        else ""
        for value in layout.GROUPS[layout.AUDIENCE].values()
    ]
    values: list[object] = [
        number,
        item.level1,
        item.level2 or "",
        *([item.level3 or ""] if with_level3 else []),
        elements,
        item.basis,
        item.deadline.text,
        item.subject,
        *(
            "■" if value in {c.value for c in item.channels} else "□"
            for value in layout.GROUPS[layout.CHANNELS].values()
        ),
        *audience_marks,
        *("√" if item.mode.value == v else "" for v in layout.GROUPS[layout.MODE].values()),
        *(
            "√" if v in {level.value for level in item.levels} else ""
            for v in layout.GROUPS[layout.LEVEL].values()
        ),
        item.phone or "",
    ]
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row, c, value if value != "" else None)
        cell.border = BORDER
        cell.alignment = WRAP if isinstance(value, str) and len(value) > 4 else CENTRE
