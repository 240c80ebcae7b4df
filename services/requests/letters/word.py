"""A composed letter as an editable DOCX, laid out after the 公文 format (GB/T 9704).

DOCX names its fonts rather than embedding them: 仿宋 for the body and 宋体 for the title,
which every Chinese Word and WPS installation has; the East Asian font slot is set as well,
or Word would show Chinese in its Latin font.
"""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.run import Run

from services.requests.letters.compose import Letter
from services.requests.letters.templates import BlockStyle

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)

ALIGNMENT = {
    BlockStyle.TITLE: WD_ALIGN_PARAGRAPH.CENTER,
    BlockStyle.CENTERED: WD_ALIGN_PARAGRAPH.CENTER,
    BlockStyle.PLAIN: WD_ALIGN_PARAGRAPH.LEFT,
    BlockStyle.BODY: WD_ALIGN_PARAGRAPH.JUSTIFY,
    BlockStyle.RIGHT: WD_ALIGN_PARAGRAPH.RIGHT,
}


def render_docx(letter: Letter) -> bytes:
    """The letter as DOCX bytes."""
    document = Document()
    core = document.core_properties
    core.title = letter.title
    core.author = ""
    core.comments = ""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    for block in letter.blocks:
        paragraph = document.add_paragraph()
        paragraph.alignment = ALIGNMENT[block.style]
        layout = paragraph.paragraph_format
        layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        layout.line_spacing = Pt(36) if block.style is BlockStyle.TITLE else LINE
        layout.space_before = layout.space_after = Pt(0)
        if block.style is BlockStyle.BODY:
            layout.first_line_indent = BODY_SIZE * 2
        if block.style is BlockStyle.TITLE:
            layout.space_after = LINE
        run = paragraph.add_run(block.text)
        title = block.style is BlockStyle.TITLE
        _set_font(run, TITLE_FONT if title else BODY_FONT, TITLE_SIZE if title else BODY_SIZE)
        run.bold = title
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_font(run: Run, name: str, size: Pt) -> None:
    run.font.name = name
    run.font.size = size
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
