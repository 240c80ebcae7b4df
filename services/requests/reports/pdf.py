"""The report as PDF (A4), tables drawn cell by cell with merged cells, CJK font embedded.

The font is the one the reply letters embed (``services.requests.letters.pdf``: Noto Serif SC
from ``pylopdf-fonts-zh-cn``, subset by fpdf2); characters it lacks print as 〓.
"""

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from services.requests.letters.pdf import default_font_path, replace_missing
from services.requests.reports.schemas import ReportContent
from services.requests.reports.sheets import Sheet, check_lines, sections

FAMILY = "report"
WIDTH_MM = 180.0
LINE_MM = 4.6
PAD_MM = 1.0


class _Writer:
    def __init__(self, font: Path) -> None:
        self.font = font
        self.pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        self.pdf.set_creator("Gongkai")
        self.pdf.set_margins(left=15, top=20, right=15)
        self.pdf.set_auto_page_break(auto=True, margin=20)
        self.pdf.add_font(FAMILY, "", str(font))
        self.pdf.add_page()

    def text(self, text: str, size: float, align: Align = Align.L, line: float = 8.0) -> None:
        clean, _ = replace_missing(text, self.font)
        self.pdf.set_font(FAMILY, size=size)
        self.pdf.multi_cell(
            w=0,
            h=line,
            text=clean,
            align=align,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            wrapmode=WrapMode.CHAR,
        )

    def _lines(self, text: str, width: float) -> int:
        lines = self.pdf.multi_cell(
            w=width - 2 * PAD_MM,
            h=LINE_MM,
            text=text,
            dry_run=True,
            output="LINES",
            wrapmode=WrapMode.CHAR,
        )
        return max(1, len(lines) if isinstance(lines, list) else 1)

    def sheet(self, sheet: Sheet) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, size=8)
        unit = WIDTH_MM / sum(sheet.widths)
        widths = [w * unit for w in sheet.widths]
        heights = [LINE_MM + 2 * PAD_MM] * sheet.rows
        cells = [(c, replace_missing(c.text, self.font)[0]) for c in sheet.cells]
        for cell, text in cells:  # a row is as tall as its tallest single-row cell
            if cell.rowspan == 1:
                width = sum(widths[cell.col : cell.col + cell.colspan])
                needed = self._lines(text, width) * LINE_MM + 2 * PAD_MM
                heights[cell.row] = max(heights[cell.row], needed)
        total = sum(heights)
        if pdf.get_y() + total > pdf.h - pdf.b_margin:
            pdf.add_page()
        top, left = pdf.get_y(), pdf.l_margin
        for cell, text in cells:
            x = left + sum(widths[: cell.col])
            y = top + sum(heights[: cell.row])
            w = sum(widths[cell.col : cell.col + cell.colspan])
            h = sum(heights[cell.row : cell.row + cell.rowspan])
            pdf.rect(x, y, w, h)
            used = self._lines(text, w) * LINE_MM
            pdf.set_xy(x + PAD_MM, y + max(PAD_MM, (h - used) / 2))
            pdf.multi_cell(
                w=w - 2 * PAD_MM,
                h=LINE_MM,
                text=text,
                align=Align.C,
                wrapmode=WrapMode.CHAR,
            )
        pdf.set_xy(left, top + total + 4)


def render_pdf(content: ReportContent, *, font_path: Path | None = None) -> bytes:
    writer = _Writer(font_path or default_font_path())
    writer.pdf.set_title(content.title)
    writer.text(content.title, 18, Align.C, line=10)
    for part in sections(content):
        writer.text(part.heading, 14)
        if part.sheet is not None:
            writer.sheet(part.sheet)
        else:
            lines = [line.strip() for line in (part.text or "").splitlines() if line.strip()]
            for line in lines or ["无。"]:
                writer.text("\u3000\u3000" + line, 12)
    writer.text("数据校验", 14)
    for line in check_lines(content):
        writer.text(line, 9, line=5)
    return bytes(writer.pdf.output())
