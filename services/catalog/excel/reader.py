"""Reads catalog workbooks into item rows (without domain), collecting every problem."""

import io
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from services.catalog.excel import layout
from services.catalog.excel.schemas import RowProblem
from services.catalog.items.models import CHANNEL_LABELS, Channel
from services.catalog.items.schemas import ItemContent
from services.common.validation_zh import message as chinese_message

MAX_ROWS = 5000
HEADER_SCAN_ROWS = 8
# ItemContent field → the column a problem with it is reported under.
FIELD_COLUMNS = {
    "level1": "一级事项",
    "level2": "二级事项",
    "level3": "三级事项",
    "elements": layout.ELEMENTS,
    "basis": layout.BASIS,
    "deadline": layout.DEADLINE,
    "subject": layout.SUBJECT,
    "channels": layout.CHANNELS,
    "audience": layout.AUDIENCE,
    "audience_note": layout.AUDIENCE,
    "mode": layout.MODE,
    "levels": layout.LEVEL,
    "phone": layout.PHONE,
}


class UnreadableWorkbook(Exception):
    """Not an .xlsx workbook at all."""


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]


@dataclass
class ParsedSheet:
    name: str
    rows: list[ParsedRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def read(data: bytes) -> list[ParsedSheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise UnreadableWorkbook(str(exc)) from None
    except Exception as exc:  # openpyxl raises assorted errors on malformed parts
        raise UnreadableWorkbook(type(exc).__name__) from None
    return [_sheet(ws) for ws in workbook.worksheets]


def _sheet(ws: Any) -> ParsedSheet:
    sheet = ParsedSheet(name=str(ws.title))
    header_row = next(
        (
            r
            for r in range(1, min(HEADER_SCAN_ROWS, ws.max_row) + 1)
            if any(
                layout.fold(ws.cell(r, c).value) in (layout.SEQ, layout.MATTER)
                for c in range(1, ws.max_column + 1)
            )
        ),
        None,
    )
    if header_row is None:
        sheet.problems.append(_problem(sheet, None, None, "找不到表头（“序号”“公开事项”所在的行）"))
        return sheet
    columns = _columns(ws, header_row)
    missing = [
        name
        for name, present in (
            ("一级事项", "level1" in columns.values()),
            (layout.ELEMENTS, "elements" in columns.values()),
            (layout.DEADLINE, "deadline" in columns.values()),
            (layout.SUBJECT, "subject" in columns.values()),
            (layout.CHANNELS, any(k.startswith("channel") for k in columns.values())),
            (layout.AUDIENCE, any(k.startswith("audience:") for k in columns.values())),
            (layout.MODE, any(k.startswith("mode:") for k in columns.values())),
            (layout.LEVEL, any(k.startswith("level:") for k in columns.values())),
        )
        if not present
    ]
    if missing:
        sheet.problems.append(_problem(sheet, None, None, "缺少栏目：" + "、".join(missing)))
        return sheet
    first = header_row + 2
    if ws.max_row - first + 1 > MAX_ROWS:
        sheet.problems.append(_problem(sheet, None, None, f"行数超过 {MAX_ROWS}，请分文件导入"))
        return sheet
    for r in range(first, ws.max_row + 1):
        cells = {key: ws.cell(r, c).value for c, key in columns.items()}
        if all(layout.fold(v) == "" for k, v in cells.items() if k != "seq"):
            continue
        _row(sheet, r, cells)
    return sheet


def _columns(ws: Any, header_row: int) -> dict[int, str]:
    """Column number → what it holds, from the two header rows (merged groups resolved)."""
    merged_top: dict[int, str] = {}
    for bounds in ws.merged_cells.ranges:
        if bounds.min_row <= header_row <= bounds.max_row:
            top = layout.fold(ws.cell(bounds.min_row, bounds.min_col).value)
            for c in range(bounds.min_col, bounds.max_col + 1):
                merged_top[c] = top
    groups = {layout.fold(g): g for g in layout.GROUPS}
    subs = {
        g: {layout.fold(label): value for label, value in labels.items()}
        for g, labels in layout.GROUPS.items()
    }
    singles = {
        layout.fold(layout.SEQ): "seq",
        layout.fold(layout.ELEMENTS): "elements",
        layout.fold("公开内容"): "elements",
        layout.fold(layout.BASIS): "basis",
        layout.fold(layout.DEADLINE): "deadline",
        layout.fold(layout.SUBJECT): "subject",
        layout.fold(layout.PHONE): "phone",
    }
    levels = {layout.fold(h): f"level{i}" for i, h in enumerate(layout.LEVEL_HEADERS, start=1)}
    columns: dict[int, str] = {}
    for c in range(1, ws.max_column + 1):
        top = merged_top.get(c) or layout.fold(ws.cell(header_row, c).value)
        sub = layout.fold(ws.cell(header_row + 1, c).value)
        if top == layout.fold(layout.MATTER) and sub in levels:
            columns[c] = levels[sub]
        elif top in levels:
            columns[c] = levels[top]
        elif top in groups:
            group = groups[top]
            if sub in subs[group]:
                prefix = {layout.CHANNELS: "channel", layout.AUDIENCE: "audience",
                          layout.MODE: "mode", layout.LEVEL: "level"}[group]  # fmt: skip
                columns[c] = f"{prefix}:{subs[group][sub]}"
            elif group == layout.CHANNELS and not sub:
                columns[c] = "channels_text"
        elif top in singles:
            columns[c] = singles[top]
    return columns


def _problem(sheet: ParsedSheet, row: int | None, column: str | None, message: str) -> RowProblem:
    return RowProblem(sheet=sheet.name, row=row, column=column, message=message)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _mark(value: object) -> tuple[bool, str] | None:
    """(marked, text after the mark), or None when the cell holds no recognisable mark."""
    text = _text(value)
    if layout.fold(text) in layout.NO_MARKS:
        return False, ""
    if text[:1] in layout.YES_MARKS:
        return True, text[1:].strip(" :：()（）")
    return None


def _elements(text: str) -> list[dict[str, Any]]:
    elements: list[dict[str, Any]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(layout.REQUIRED_MARK):
            elements.append({"name": line[1:].strip(), "required": True})
        elif line.startswith(layout.OPTIONAL_MARKS):
            elements.append({"name": line[1:].strip(), "required": False})
        else:
            for part in line.replace("；", "、").replace(";", "、").split("、"):
                if part.strip():
                    elements.append({"name": part.strip(), "required": True})
    return elements


def _channels_from_text(text: str) -> tuple[list[str], list[str]]:
    by_label = {layout.fold(label): c.value for c, label in CHANNEL_LABELS.items()}
    found, unknown = [], []
    for part in text.replace("，", "、").replace(",", "、").replace("；", "、").split("、"):
        key = layout.fold(part)
        if not key:
            continue
        if key in by_label:
            found.append(by_label[key])
        else:
            unknown.append(part.strip())
    return found, unknown


def _row(sheet: ParsedSheet, number: int, cells: dict[str, Any]) -> None:
    problems_before = len(sheet.problems)
    values: dict[str, Any] = {
        "level1": _text(cells.get("level1")),
        "level2": _text(cells.get("level2")) or None,
        "level3": _text(cells.get("level3")) or None,
        "elements": _elements(_text(cells.get("elements"))),
        "basis": _text(cells.get("basis")),
        "deadline": {"text": _text(cells.get("deadline"))},
        "subject": _text(cells.get("subject")),
        "phone": _text(cells.get("phone")) or None,
    }
    channels: list[str] = []
    audiences: list[tuple[str, str]] = []
    modes: list[str] = []
    levels: list[str] = []
    for key, raw in cells.items():
        if ":" not in key:
            continue
        prefix, value = key.split(":", 1)
        column = {"channel": layout.CHANNELS, "audience": layout.AUDIENCE, "mode": layout.MODE,
                  "level": layout.LEVEL}[prefix]  # fmt: skip
        mark = _mark(raw)
        if mark is None:
            sheet.problems.append(_problem(
                sheet, number, column, f"无法识别的标记“{_text(raw)[:10]}”，请用 ■/□ 或 √/留空"
            ))  # fmt: skip
            continue
        marked, rest = mark
        if not marked:
            continue
        if prefix == "channel":
            channels.append(value)
        elif prefix == "audience":
            audiences.append((value, rest))
        elif prefix == "mode":
            modes.append(value)
        else:
            levels.append(value)
    if "channels_text" in cells:
        found, unknown = _channels_from_text(_text(cells["channels_text"]))
        channels.extend(found)
        if unknown:
            sheet.problems.append(_problem(
                sheet, number, layout.CHANNELS, "无法识别的渠道：" + "、".join(unknown)
            ))  # fmt: skip
    if len(audiences) != 1:
        sheet.problems.append(
            _problem(sheet, number, layout.AUDIENCE, "须在“全社会”“特定群体”中勾选一项")
        )
    if len(modes) != 1:
        sheet.problems.append(_problem(sheet, number, layout.MODE, "须在“主动”“依申请”中勾选一项"))
    if len(sheet.problems) > problems_before:
        return
    values["channels"] = [c for c in Channel if c.value in channels]
    values["audience"] = audiences[0][0]
    values["audience_note"] = audiences[0][1] or None
    values["mode"] = modes[0]
    values["levels"] = levels
    values["domain_id"] = uuid.UUID(int=0)  # a placeholder: the sheet decides the domain
    try:
        ItemContent.model_validate(values)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(part) for part in error["loc"]]
            where = FIELD_COLUMNS.get(loc[0]) if loc else None
            sheet.problems.append(_problem(sheet, number, where, chinese_message(error)))
        return
    sheet.rows.append(ParsedRow(number=number, values=values))
