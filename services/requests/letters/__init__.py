"""Letters about a request (答复书, 补正/延期告知书, 征求意见函, 收费通知书) as DOCX and PDF.

Pure: no tables, no routes. Build a ``LetterContext``, then ``render_letter`` (or
``compose_letter`` followed by ``render_docx`` / ``render_pdf``). Templates are text files
(``default_templates/``) that an administrator's directory can replace file by file.
"""

from dataclasses import dataclass
from enum import StrEnum

from services.requests.letters.compose import Block, Letter, compose_letter
from services.requests.letters.context import PLACEHOLDERS, LetterContext, format_date
from services.requests.letters.errors import LetterContextError, LetterTemplateError
from services.requests.letters.kinds import (
    LETTER_KIND_LABELS,
    REFUSAL_GROUND_LABELS,
    REPLY_TYPE_LABELS,
    TEMPLATE_NAMES,
    LetterKind,
    default_legal_ground,
    template_name,
)
from services.requests.letters.pdf import prepare_pdf_font, render_pdf
from services.requests.letters.templates import (
    BlockStyle,
    LetterTemplate,
    LetterTemplates,
    parse_template,
)
from services.requests.letters.word import render_docx
from services.requests.replies import RefusalGround, ReplyType


class LetterFormat(StrEnum):
    DOCX = "docx"
    PDF = "pdf"


MEDIA_TYPES = {
    LetterFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    LetterFormat.PDF: "application/pdf",
}


@dataclass(frozen=True)
class RenderedLetter:
    """A letter file: its bytes, media type and a download name."""

    content: bytes
    media_type: str
    filename: str
    letter: Letter


def render_letter(
    context: LetterContext,
    letter_format: LetterFormat,
    *,
    templates: LetterTemplates | None = None,
) -> RenderedLetter:
    """Compose the letter of ``context`` from the templates in force and render it."""
    letter = compose_letter(context, templates)
    content = render_docx(letter) if letter_format is LetterFormat.DOCX else render_pdf(letter)
    return RenderedLetter(
        content=content,
        media_type=MEDIA_TYPES[letter_format],
        filename=f"{letter.file_stem}.{letter_format.value}",
        letter=letter,
    )


__all__ = [
    "LETTER_KIND_LABELS",
    "MEDIA_TYPES",
    "PLACEHOLDERS",
    "REFUSAL_GROUND_LABELS",
    "REPLY_TYPE_LABELS",
    "TEMPLATE_NAMES",
    "Block",
    "BlockStyle",
    "Letter",
    "LetterContext",
    "LetterContextError",
    "LetterFormat",
    "LetterKind",
    "LetterTemplate",
    "LetterTemplateError",
    "LetterTemplates",
    "RefusalGround",
    "RenderedLetter",
    "ReplyType",
    "compose_letter",
    "default_legal_ground",
    "format_date",
    "parse_template",
    "prepare_pdf_font",
    "render_docx",
    "render_letter",
    "render_pdf",
    "template_name",
]
