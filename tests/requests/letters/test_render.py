"""Generated letters open as DOCX and PDF and say who, when and on what legal ground."""

import hashlib
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pypdf import PdfReader

from services.requests.letters import (
    LetterFormat,
    LetterKind,
    ReplyType,
    compose_letter,
    default_legal_ground,
    render_docx,
    render_letter,
    render_pdf,
)
from services.requests.letters.context import clean_text
from services.requests.letters.pdf import MISSING_MARK, default_font_path
from tests.requests.letters.builders import (
    APPLICANT,
    CONSULTATIONS,
    THIRD_PARTY,
    every_letter,
    letter_context,
)

WHITESPACE = re.compile(r"\s+")


def pdf_text(content: bytes) -> str:
    """The PDF's text without whitespace (pypdf spaces out CJK glyphs and breaks lines)."""
    reader = PdfReader(io.BytesIO(content))
    return WHITESPACE.sub("", "".join(page.extract_text() for page in reader.pages))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def expected_phrases(kind: LetterKind, reply_type: ReplyType | None) -> list[str]:
    ground = default_legal_ground(kind, reply_type, letter_context(kind, reply_type).refusal_ground)
    addressee = THIRD_PARTY if kind in CONSULTATIONS else APPLICANT
    return [addressee, "2026年11月2日", "2026年11月23日", ground, "GK-2026-000123"]


@pytest.mark.parametrize(("kind", "reply_type"), every_letter())
def test_every_letter_opens_as_docx_with_applicant_dates_and_ground(
    kind: LetterKind, reply_type: ReplyType | None
) -> None:
    rendered = render_letter(letter_context(kind, reply_type), LetterFormat.DOCX)
    assert rendered.filename.endswith("-GK-2026-000123.docx")
    assert rendered.media_type.endswith("wordprocessingml.document")
    text = docx_text(rendered.content)
    for phrase in expected_phrases(kind, reply_type):
        assert phrase in text
    assert text.startswith(rendered.letter.title)


@pytest.mark.parametrize(("kind", "reply_type"), every_letter())
def test_every_letter_opens_as_pdf_with_applicant_dates_and_ground(
    kind: LetterKind, reply_type: ReplyType | None
) -> None:
    rendered = render_letter(letter_context(kind, reply_type), LetterFormat.PDF)
    assert rendered.content.startswith(b"%PDF-")
    assert rendered.media_type == "application/pdf"
    text = pdf_text(rendered.content)
    for phrase in expected_phrases(kind, reply_type):
        assert WHITESPACE.sub("", phrase) in text
    if kind in CONSULTATIONS:
        assert APPLICANT not in text


def test_the_pdf_embeds_a_subset_of_the_chinese_font() -> None:
    content = render_pdf(compose_letter(letter_context()))
    reader = PdfReader(io.BytesIO(content))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    font = next(iter(fonts.values())).get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    assert "NotoSerifSC" in str(font["/BaseFont"])
    assert any(key in descriptor for key in ("/FontFile2", "/FontFile3"))
    assert len(content) < 200_000  # a subset, not the 11 MB font


def test_the_font_is_the_unmodified_upstream_noto_serif_sc() -> None:
    # notofonts/noto-cjk Serif/SubsetOTF/SC/NotoSerifSC-Regular.otf, as the package states
    digest = hashlib.sha256(default_font_path().read_bytes()).hexdigest()
    assert digest == "e8f396decc1f0963a016a989c3d8852e863d1350996f573860a80767c83a1cd3"


def test_the_docx_sets_the_east_asian_font() -> None:
    document = Document(io.BytesIO(render_docx(compose_letter(letter_context()))))
    run = document.paragraphs[1].runs[0]
    fonts = run._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")


def test_a_thousand_chinese_characters_render_over_pages() -> None:
    common = "政府信息公开申请答复书本机关收到您提出的依法予以不经审查属于可以规定负责"
    description = "".join(common[i % len(common)] for i in range(1_000))
    content = render_pdf(compose_letter(letter_context(request_description=description)))
    assert len(PdfReader(io.BytesIO(content)).pages) >= 2
    assert description in pdf_text(content)


def test_characters_the_font_lacks_become_the_missing_mark_without_failing() -> None:
    name = "𠀀李😀"
    context = letter_context(applicant_name=name)
    pdf = pdf_text(render_pdf(compose_letter(context)))
    assert f"{MISSING_MARK}李{MISSING_MARK}：" in pdf
    assert name in docx_text(render_docx(compose_letter(context)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=40), description=st.text(max_size=300))
def test_any_text_is_refused_with_a_reason_or_renders_in_both_formats(
    name: str, description: str
) -> None:
    if not clean_text(name) or not clean_text(description):
        with pytest.raises(ValidationError, match=r"不能为空|at least 1 character"):
            letter_context(applicant_name=name, request_description=description)
        return
    letter = compose_letter(letter_context(applicant_name=name, request_description=description))
    assert render_docx(letter).startswith(b"PK")
    assert render_pdf(letter).startswith(b"%PDF-")


def test_each_line_of_a_value_is_its_own_indented_paragraph() -> None:
    context = letter_context(LetterKind.FEE_NOTICE, fee_explanation=["第一步。", "第二步。"])
    document = Document(io.BytesIO(render_docx(compose_letter(context))))
    paragraphs = {paragraph.text: paragraph for paragraph in document.paragraphs}
    assert "计算过程：第一步。" in paragraphs
    assert paragraphs["第二步。"].paragraph_format.first_line_indent is not None


def test_letters_render_concurrently_in_threads() -> None:
    # routes render in a thread pool; the shared font cache must not be corrupted
    names = ["赵钱孙", "周吴郑", "冯陈褚", "蒋沈韩"]
    with ThreadPoolExecutor(max_workers=4) as pool:
        contents = list(
            pool.map(
                lambda name: render_pdf(compose_letter(letter_context(applicant_name=name))),
                names,
            )
        )
    for name, content in zip(names, contents, strict=True):
        assert f"{name}：" in pdf_text(content)
