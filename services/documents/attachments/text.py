"""Text of PDF and DOCX attachments, for search. Never raises: a bad file gives "" and a log."""

import logging
import re
import warnings
from pathlib import Path

from docx import Document
from pypdf import PdfReader

from services.documents.attachments.errors import UnsafeArchive
from services.documents.attachments.kinds import FileKind
from services.documents.attachments.zipguard import ZipLimits, check_archive

logger = logging.getLogger("gongkai.documents.attachments")

# PostgreSQL cannot store NUL, and CID fonts often come out with NULs between characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_CHARS = 1_000_000  # enough for any document's search text
MAX_PAGES = 2_000
# DOCX text is read into memory: a tighter cap than for storing the file
DOCX_LIMITS = ZipLimits(max_total=200 * 1024 * 1024)


def extract_text(path: Path, kind: FileKind) -> str:
    """The text of a PDF or DOCX file ("" for other kinds, and for corrupt or encrypted files)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # malformed files warn a lot; the log says enough
            if kind is FileKind.PDF:
                return _clean(_pdf_text(path))
            if kind is FileKind.DOCX:
                return _clean(_docx_text(path))
    except UnsafeArchive as exc:
        logger.warning("no text from %s: %s", path.name, exc.detail)
    except Exception:  # any parser failure on a hostile file means "no text", not a 500
        logger.warning("no text from %s (%s): unreadable", path.name, kind, exc_info=True)
    return ""


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)[:MAX_CHARS].strip()


def _pdf_text(path: Path) -> str:
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        logger.info("no text from %s: encrypted PDF", path.name)
        return ""
    parts: list[str] = []
    length = 0
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or length >= MAX_CHARS:
            break
        try:
            text = page.extract_text() or ""
        except Exception:  # one broken page should not lose the others
            logger.warning("no text from page %d of %s", number + 1, path.name, exc_info=True)
            continue
        parts.append(text)
        length += len(text)
    return "\n".join(parts)[:MAX_CHARS].strip()


def _docx_text(path: Path) -> str:
    check_archive(path, DOCX_LIMITS)
    document = Document(str(path))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            # merged cells repeat their text in each grid cell
            parts.append("\t".join(dict.fromkeys(cells)))
    return "\n".join(part for part in parts if part)[:MAX_CHARS].strip()
