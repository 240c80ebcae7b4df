"""A composed letter as PDF, with the Chinese font embedded (subset to the characters used).

The font is Noto Serif SC (SIL OFL 1.1) from the PyPI package ``pylopdf-fonts-zh-cn``, an
unmodified copy of the upstream Noto CJK files: it covers the whole of GB 18030's common
repertoire, so names and descriptions typed by applicants render, and nothing is fetched at
run time. Only the glyphs a letter uses are embedded, converted to TrueType outlines
(``fontsubset``). A character the font lacks (a rare
extension-B ideograph, an emoji) is printed as 〓, the customary mark for a missing
character, instead of failing.
"""

import tempfile
from pathlib import Path

import pylopdf_fonts_zh_cn
from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from services.requests.letters.compose import Letter
from services.requests.letters.fontsubset import font_characters, truetype_subset
from services.requests.letters.templates import BlockStyle

MISSING_MARK = "〓"
FONT_FAMILY = "letter"
BODY_SIZE = 16  # pt, 三号
TITLE_SIZE = 22  # pt, 二号
LINE_MM = 9.9  # 28 pt
TITLE_LINE_MM = 12.7  # 36 pt

ALIGN = {
    BlockStyle.TITLE: Align.C,
    BlockStyle.CENTERED: Align.C,
    BlockStyle.PLAIN: Align.L,
    BlockStyle.BODY: Align.J,
    BlockStyle.RIGHT: Align.R,
}


def default_font_path() -> Path:
    return pylopdf_fonts_zh_cn.serif_path()


def prepare_pdf_font(font_path: Path | None = None) -> None:
    """Open the font ahead of the first letter (about a second); call it at start-up."""
    font_characters(font_path or default_font_path())


def replace_missing(text: str, font_path: Path) -> tuple[str, frozenset[str]]:
    """``text`` with every character the font lacks replaced by 〓, and those characters."""
    available = font_characters(font_path)
    missing = frozenset(c for c in text if c != "\n" and ord(c) not in available)
    if not missing:
        return text, missing
    return "".join(MISSING_MARK if c in missing else c for c in text), missing


def render_pdf(letter: Letter, *, font_path: Path | None = None) -> bytes:
    """The letter as PDF bytes (A4, 公文 margins), with the font subset embedded."""
    font = font_path or default_font_path()
    blocks = []
    for block in letter.blocks:
        text, _missing = replace_missing(block.text, font)
        if block.style is BlockStyle.BODY:
            # two full-width spaces: the first-line indent of a Chinese paragraph
            text = "\u3000\u3000" + text
        blocks.append((block.style, text))
    characters = {" ", MISSING_MARK}.union(*(text for _style, text in blocks))
    with tempfile.TemporaryDirectory(prefix="gongkai-letter-") as scratch:
        subset = Path(scratch) / "letter.ttf"
        subset.write_bytes(truetype_subset(font, characters))
        return _layout(letter.title, blocks, subset)


def _layout(title: str, blocks: list[tuple[BlockStyle, str]], font: Path) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Gongkai")
    pdf.set_margins(left=28, top=37, right=26)
    pdf.set_auto_page_break(auto=True, margin=35)
    pdf.add_font(FONT_FAMILY, "", str(font))
    pdf.add_page()
    for style, text in blocks:
        is_title = style is BlockStyle.TITLE
        pdf.set_font(FONT_FAMILY, size=TITLE_SIZE if is_title else BODY_SIZE)
        pdf.multi_cell(
            w=0,
            h=TITLE_LINE_MM if is_title else LINE_MM,
            text=text,
            align=ALIGN[style],
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
            wrapmode=WrapMode.CHAR,
        )
        if is_title:
            pdf.ln(LINE_MM)
    return bytes(pdf.output())
