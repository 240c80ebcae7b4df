"""Upload checks: disguised files are refused with a Chinese 415, zip bombs before extraction."""

import io
import os
import zipfile
from pathlib import Path

import pytest

from services.documents.attachments import (
    AttachmentTypeRefused,
    FileKind,
    UnsafeArchive,
    ZipLimits,
    check_archive,
    check_declared,
    inspect_file,
)
from tests.documents.attachments import files

HTML = b"<!DOCTYPE html>\n<html><head><title>\xe6\x96\x87\xe4\xbb\xb6</title></head></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_pdf_that_is_really_html_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "upload", HTML)
    with pytest.raises(AttachmentTypeRefused) as caught:
        inspect_file(path, "关于印发工作要点的通知.pdf")
    assert caught.value.status == 415
    assert caught.value.code == "attachment-type-refused"
    assert "关于印发工作要点的通知.pdf" in caught.value.detail
    assert "网页（HTML）" in caught.value.detail
    assert "PDF" in caught.value.detail


def test_an_exe_renamed_pdf_is_refused(tmp_path: Path) -> None:
    """FILE-01: magic bytes decide, not the name."""
    path = _write(tmp_path, "upload", EXE)
    with pytest.raises(AttachmentTypeRefused) as caught:
        inspect_file(path, "setup.pdf")
    assert caught.value.status == 415
    assert "可执行程序" in caught.value.detail


@pytest.mark.parametrize(
    ("data", "name", "hint"),
    [
        (files.pdf_bytes(), "report.docx", ".pdf"),
        (files.docx_bytes(["正文"]), "report.doc", ".docx"),
        (files.image_bytes("PNG"), "scan.jpg", ".png"),
        (files.image_bytes("JPEG"), "photo.png", ".jpg"),
        (files.xlsx_bytes(), "table.xls", ".xlsx"),
        (files.cfb_bytes("Workbook"), "table.doc", ".xls"),
        (files.zip_bytes({"a.txt": b"x"}), "a.docx", ".zip"),
    ],
)
def test_content_and_name_disagree(tmp_path: Path, data: bytes, name: str, hint: str) -> None:
    path = _write(tmp_path, "upload", data)
    with pytest.raises(AttachmentTypeRefused) as caught:
        inspect_file(path, name)
    assert f"应为 {hint}" in caught.value.detail


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (files.pdf_bytes(), "通知.PDF", FileKind.PDF),
        (files.ofd_bytes(), "通知.ofd", FileKind.OFD),
        (files.docx_bytes(["正文"]), "通知.docx", FileKind.DOCX),
        (files.docx_bytes(["正文"]), "通知.zip", FileKind.DOCX),
        (files.xlsx_bytes(), "表.xlsx", FileKind.XLSX),
        (files.cfb_bytes("WordDocument"), "通知.doc", FileKind.DOC),
        (files.cfb_bytes("WordDocument"), "通知.wps", FileKind.DOC),
        (files.cfb_bytes("CONTENTS"), "通知.wps", FileKind.WPS),
        (files.cfb_bytes("Workbook"), "表.xls", FileKind.XLS),
        (files.cfb_bytes("Workbook"), "表.et", FileKind.XLS),
        (files.image_bytes("PNG"), "图解.png", FileKind.PNG),
        (files.image_bytes("JPEG"), "图解.jpeg", FileKind.JPEG),
        (files.image_bytes("GIF"), "动图.gif", FileKind.GIF),
        (files.zip_bytes({"附件1.txt": b"x"}), "附件.zip", FileKind.ZIP),
    ],
)
def test_accepted_files(tmp_path: Path, data: bytes, name: str, kind: FileKind) -> None:
    assert inspect_file(_write(tmp_path, "upload", data), name) is kind


@pytest.mark.parametrize("name", ["virus.exe", "noextension", "page.html", "a.pdf.exe", ""])
def test_names_outside_the_allowed_extensions(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, "upload", files.pdf_bytes())
    with pytest.raises(AttachmentTypeRefused) as caught:
        inspect_file(path, name)
    assert "扩展名" in caught.value.detail
    assert "只接受" in caught.value.detail


def test_directory_parts_of_the_name_are_ignored() -> None:
    data = files.pdf_bytes()
    assert check_declared("C:\\Users\\张三\\桌面\\通知.pdf", FileKind.PDF, data) is FileKind.PDF
    assert check_declared("../../etc/通知.pdf", FileKind.PDF, data) is FileKind.PDF


# --- zip bombs ---------------------------------------------------------------------------


def test_high_ratio_archive_is_refused_before_extraction(tmp_path: Path) -> None:
    """FILE-01: compression ratio over the limit."""
    data = files.zip_bytes({"zeros.bin": b"\0" * (20 * 1024 * 1024)})
    assert len(data) < 100_000  # ~1000:1
    path = _write(tmp_path, "bomb.zip", data)
    with pytest.raises(UnsafeArchive) as caught:
        inspect_file(path, "附件.zip")
    assert caught.value.status == 422
    assert "压缩比" in caught.value.detail


def test_a_docx_carrying_a_bomb_is_refused(tmp_path: Path) -> None:
    document = files.docx_bytes(["正文"])
    buffer = io.BytesIO(document)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
    path = _write(tmp_path, "bomb.docx", buffer.getvalue())
    with pytest.raises(UnsafeArchive):
        inspect_file(path, "通知.docx")


def test_too_many_entries(tmp_path: Path) -> None:
    """FILE-01: more than 1,000 entries."""
    data = files.zip_bytes({f"f{index}.txt": b"x" for index in range(1001)})
    with pytest.raises(UnsafeArchive) as caught:
        inspect_file(_write(tmp_path, "many.zip", data), "many.zip")
    assert "1001" in caught.value.detail
    assert "1000" in caught.value.detail


def test_exactly_the_entry_limit_passes(tmp_path: Path) -> None:
    data = files.zip_bytes({f"f{index}.txt": b"x" for index in range(1000)})
    assert inspect_file(_write(tmp_path, "many.zip", data), "many.zip") is FileKind.ZIP


def test_total_uncompressed_size_limit(tmp_path: Path) -> None:
    data = files.zip_bytes({"random.bin": os.urandom(3 * 1024 * 1024)}, zipfile.ZIP_STORED)
    path = _write(tmp_path, "big.zip", data)
    check_archive(path)  # fine with the defaults: incompressible, 3 MiB
    with pytest.raises(UnsafeArchive) as caught:
        check_archive(path, ZipLimits(max_total=2 * 1024 * 1024))
    assert "超过上限 2 MiB" in caught.value.detail


def test_small_but_highly_compressible_files_pass(tmp_path: Path) -> None:
    # 512 KiB of spaces compresses ~1000:1 but is below the ratio floor: not a bomb
    data = files.zip_bytes({"spaces.txt": b" " * (512 * 1024)})
    assert inspect_file(_write(tmp_path, "ok.zip", data), "ok.zip") is FileKind.ZIP


def test_an_entry_lying_about_its_size_is_judged_on_the_declared_size(tmp_path: Path) -> None:
    data = bytearray(files.zip_bytes({"zeros.bin": b"\0" * (4 * 1024 * 1024)}))
    # declare 4 KiB instead of 4 MiB in the central directory: the ratio looks harmless,
    # and zipfile then refuses to expand the entry past the declared size
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (4096).to_bytes(4, "little")
    path = _write(tmp_path, "liar.zip", bytes(data))
    check_archive(path)
    with zipfile.ZipFile(path) as archive, pytest.raises(zipfile.BadZipFile):
        archive.read("zeros.bin")


def test_corrupt_archive_is_refused(tmp_path: Path) -> None:
    data = files.zip_bytes({"a.txt": b"hello" * 100})
    path = _write(tmp_path, "broken.zip", data[: len(data) // 2])
    with pytest.raises(UnsafeArchive) as caught:
        inspect_file(path, "broken.zip")
    assert "已损坏" in caught.value.detail
