"""The official layout of the report's tables, per format, read from ``layout.json`` (data)."""

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    group: str | None = None
    decimal: bool = False
    signed: bool = False
    documents: str | None = None  # which documents-service count fills it (2019 format)


@dataclass(frozen=True)
class Table2Row:
    key: str
    label: str
    source: str  # "documents" or "staff"


@dataclass(frozen=True)
class Table2Block:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Table2Row, ...]

    def cell_key(self, row: Table2Row, column: Column) -> str:
        return f"{self.key}.{row.key}.{column.key}"


@dataclass(frozen=True)
class Table3Row:
    key: str
    section: str
    group: str | None = None
    item: str | None = None

    @property
    def is_outcome(self) -> bool:
        return self.key.startswith("3.") and self.key != TOTAL_ROW


TOTAL_ROW = "3.7"
NEW_ROW, CARRIED_IN_ROW, CARRIED_OUT_ROW = "1", "2", "4"


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("services.requests.reports").joinpath("layout.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@functools.cache
def table2(fmt: str) -> tuple[Table2Block, ...]:
    return tuple(
        Table2Block(
            key=b["key"],
            title=b["title"],
            columns=tuple(Column(**c) for c in b["columns"]),
            rows=tuple(Table2Row(**r) for r in b["rows"]),
        )
        for b in _data()["table2"][fmt]
    )


def staff_cells(fmt: str) -> dict[str, Column]:
    """The table-2 cells staff enter in this format, by ``block.row.column`` key."""
    return {
        block.cell_key(row, column): column
        for block in table2(fmt)
        for row in block.rows
        if row.source == "staff"
        for column in block.columns
    }


@functools.cache
def table3_columns() -> tuple[Column, ...]:
    return tuple(Column(**c) for c in _data()["table3"]["columns"])


@functools.cache
def table3_rows(fmt: str) -> tuple[Table3Row, ...]:
    rows = _data()["table3"]["rows"]
    parts = rows["common_head"] + rows[f"other_{fmt}"] + rows["common_tail"]
    return tuple(Table3Row(**r) for r in parts)


@functools.cache
def table4_groups() -> tuple[tuple[str, str, str | None], ...]:
    return tuple((g["key"], g["label"], g.get("parent")) for g in _data()["table4"]["groups"])


@functools.cache
def table4_columns() -> tuple[Column, ...]:
    return tuple(Column(**c) for c in _data()["table4"]["columns"])
