"""Text extraction from PDF and DOCX for search; corrupt or hostile files give "" and a log."""

import io
import logging
import zipfile
from pathlib import Path

import pytest
from fpdf import FPDF

from services.documents.attachments import FileKind, extract_text
from tests.documents.attachments import files


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.pdf", files.pdf_bytes("Open Government Notice 2020", "Page two"))
    text = extract_text(path, FileKind.PDF)
    assert "Open Government Notice 2020" in text
    assert "Page two" in text


def test_chinese_pdf_text(tmp_path: Path) -> None:
    data = files.chinese_pdf_bytes("关于印发2020年政务公开工作要点的通知", "交政办发〔2020〕78号")
    text = extract_text(_write(tmp_path, "zh.pdf", data), FileKind.PDF)
    assert "关于印发2020年政务公开工作要点的通知" in text
    assert "交政办发〔2020〕78号" in text
    assert "\x00" not in text  # CID fonts come out with NULs between characters


def test_docx_text_with_a_table(tmp_path: Path) -> None:
    data = files.docx_bytes(
        ["关于印发2020年政务公开工作要点的通知", "各镇人民政府："],
        table=[["序号", "事项"], ["1", "政务公开标准目录"]],
    )
    text = extract_text(_write(tmp_path, "a.docx", data), FileKind.DOCX)
    assert "关于印发2020年政务公开工作要点的通知" in text
    assert "各镇人民政府：" in text
    assert "政务公开标准目录" in text


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n this is not really a pdf", FileKind.PDF),
        (b"", FileKind.PDF),
        (files.pdf_bytes("truncated")[:300], FileKind.PDF),
        (b"PK\x03\x04 broken zip", FileKind.DOCX),
        (files.docx_bytes(["截断"])[:2000], FileKind.DOCX),
        (
            files.zip_bytes({"[Content_Types].xml": b"<not xml", "word/document.xml": b"<"}),
            FileKind.DOCX,
        ),
        (files.pdf_bytes(), FileKind.DOCX),  # wrong kind passed in
    ],
)
def test_corrupt_files_give_empty_text_and_a_log(
    tmp_path: Path, data: bytes, kind: FileKind, caplog: pytest.LogCaptureFixture
) -> None:
    path = _write(tmp_path, "bad.bin", data)
    with caplog.at_level(logging.WARNING, logger="gongkai.documents.attachments"):
        assert extract_text(path, kind) == ""
    assert any("bad.bin" in record.getMessage() for record in caplog.records)


def test_docx_bomb_is_not_expanded(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    buffer = io.BytesIO(files.docx_bytes(["正文"]))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
    path = _write(tmp_path, "bomb.docx", buffer.getvalue())
    with caplog.at_level(logging.WARNING, logger="gongkai.documents.attachments"):
        assert extract_text(path, FileKind.DOCX) == ""
    assert any("压缩比" in record.getMessage() for record in caplog.records)


def test_missing_file_gives_empty_text(tmp_path: Path) -> None:
    assert extract_text(tmp_path / "absent.pdf", FileKind.PDF) == ""


@pytest.mark.parametrize("kind", [FileKind.PNG, FileKind.ZIP, FileKind.OFD, FileKind.DOC])
def test_other_kinds_have_no_text(tmp_path: Path, kind: FileKind) -> None:
    assert extract_text(_write(tmp_path, "x", files.pdf_bytes("hidden")), kind) == ""


def test_encrypted_pdf_gives_empty_text(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Locked text")
    path = _write(tmp_path, "locked.pdf", bytes(pdf.output()))
    assert extract_text(path, FileKind.PDF) == ""
