"""The report as DOCX: the official tables with merged header cells, Chinese fonts named.

Like the reply letters (``services.requests.letters.word``), DOCX names its fonts: 仿宋 for
text, 黑体 for headings, set in the East Asian slot as well so Word uses them for Chinese.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from services.requests.reports.schemas import ReportContent
from services.requests.reports.sheets import Sheet, check_lines, sections

TEXT_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"


def _write(paragraph: Paragraph, text: str, *, font: str, size: float, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    properties = run._element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = properties.makeelement(qn("w:rFonts"), {})
        properties.append(fonts)
    fonts.set(qn("w:eastAsia"), font)


def _table(document: object, sheet: Sheet, width_mm: float) -> None:
    table = document.add_table(rows=sheet.rows, cols=sheet.columns)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    unit = width_mm / sum(sheet.widths)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            cell.width = Mm(unit * sheet.widths[index])
    for spec in sheet.cells:
        cell = table.cell(spec.row, spec.col)
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(table.cell(spec.row + spec.rowspan - 1, spec.col + spec.colspan - 1))
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _write(paragraph, spec.text, font=HEADING_FONT if spec.header else TEXT_FONT, size=10.5)


def render_docx(content: ReportContent) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(25)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _write(title, content.title, font=TITLE_FONT, size=22)
    for part in sections(content):
        _write(document.add_paragraph(), part.heading, font=HEADING_FONT, size=16)
        if part.sheet is not None:
            _table(document, part.sheet, 170)
        else:
            lines = [line for line in (part.text or "").splitlines() if line.strip()] or ["无。"]
            for line in lines:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(32)
                _write(paragraph, line.strip(), font=TEXT_FONT, size=16)
    _write(document.add_paragraph(), "数据校验", font=HEADING_FONT, size=16)
    for line in check_lines(content):
        _write(document.add_paragraph(), line, font=TEXT_FONT, size=12)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
