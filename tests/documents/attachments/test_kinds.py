"""Sniffing: the kind comes from the bytes, for real files of every accepted kind."""

from pathlib import Path

import pytest

from services.documents.attachments import SNIFF_BYTES, FileKind, sniff, sniff_path
from services.documents.attachments.kinds import describe
from tests.documents.attachments import files

REAL_FILES = {
    FileKind.PDF: files.pdf_bytes,
    FileKind.DOCX: lambda: files.docx_bytes(["第一段"]),
    FileKind.XLSX: files.xlsx_bytes,
    FileKind.OFD: files.ofd_bytes,
    FileKind.ZIP: lambda: files.zip_bytes({"a.txt": b"hello", "b/c.txt": b"world"}),
    FileKind.PNG: lambda: files.image_bytes("PNG"),
    FileKind.JPEG: lambda: files.image_bytes("JPEG"),
    FileKind.GIF: lambda: files.image_bytes("GIF"),
    FileKind.DOC: lambda: files.cfb_bytes("WordDocument"),
    FileKind.XLS: lambda: files.cfb_bytes("Workbook"),
    FileKind.WPS: lambda: files.cfb_bytes("CONTENTS"),
}


def test_every_accepted_kind_has_a_real_sample() -> None:
    assert set(REAL_FILES) == set(FileKind)


@pytest.mark.parametrize("kind", list(FileKind))
def test_sniff_real_files(kind: FileKind, tmp_path: Path) -> None:
    data = REAL_FILES[kind]()
    assert sniff(data[:SNIFF_BYTES]) is kind
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    assert sniff_path(path) is kind
    assert kind.label
    assert "/" in kind.media_type


def test_old_excel_book_stream() -> None:
    assert sniff(files.cfb_bytes("Book")) is FileKind.XLS


def test_compound_file_with_directory_beyond_the_head(tmp_path: Path) -> None:
    # the directory sits at sector 20 (byte 10752), past the first 8 KiB
    data = files.cfb_bytes("WordDocument", directory_at=20)
    assert len(data) > SNIFF_BYTES
    assert sniff(data[:SNIFF_BYTES]) is None
    path = tmp_path / "old.doc"
    path.write_bytes(data)
    assert sniff_path(path) is FileKind.DOC


def test_compound_file_directory_chain_over_sectors(tmp_path: Path) -> None:
    data = files.cfb_bytes("Workbook", directory_sectors=3)
    path = tmp_path / "book.xls"
    path.write_bytes(data)
    assert sniff_path(path) is FileKind.XLS


def test_compound_file_of_another_application_is_not_accepted() -> None:
    assert sniff(files.cfb_bytes("PowerPoint Document")) is None


def test_docx_whose_word_part_is_beyond_the_head(tmp_path: Path) -> None:
    padding = bytes(range(256)) * 64  # incompressible enough to push word/ past 8 KiB
    data = files.zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "docProps/thumbnail.bin": padding,
            "word/document.xml": b"<w:document/>",
        },
    )
    path = tmp_path / "late.docx"
    path.write_bytes(data)
    assert sniff_path(path) is FileKind.DOCX


@pytest.mark.parametrize(
    ("head", "described"),
    [
        (b"<!DOCTYPE html><html><body>404</body></html>", "网页（HTML）"),
        (b"\xef\xbb\xbf  <html lang='zh'>", "网页（HTML）"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "可执行程序（EXE）"),
        (b"\x7fELF\x02\x01\x01", "可执行程序（ELF）"),
        (b"#!/bin/sh\nrm -rf /", "脚本"),
        (b"Rar!\x1a\x07\x00", "RAR 压缩包"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "7z 压缩包"),
        (b"<?xml version='1.0'?><svg/>", "XML 文本"),
        ("政府信息公开".encode(), "纯文本"),
        (b"", "空文件"),
        (bytes(range(128, 256)), "无法识别的格式"),
    ],
)
def test_unaccepted_content_is_not_sniffed_and_is_described(head: bytes, described: str) -> None:
    assert sniff(head) is None
    assert describe(head) == described


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"%PD",
        b"PK\x03\x04",  # a truncated local header
        b"PK\x03\x04" + b"\xff" * 40,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # a truncated compound-file header
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000,
    ],
)
def test_truncated_and_corrupt_heads_do_not_raise(head: bytes, tmp_path: Path) -> None:
    assert sniff(head) in (None, FileKind.ZIP)
    path = tmp_path / "broken.bin"
    path.write_bytes(head)
    assert sniff_path(path) in (None, FileKind.ZIP)


def test_compound_file_with_a_looping_directory_chain(tmp_path: Path) -> None:
    data = bytearray(files.cfb_bytes("WordDocument", directory_at=1, directory_sectors=2))
    # make the FAT entry of sector 2 point back to sector 1
    fat_offset = 512 + 2 * 4
    data[fat_offset : fat_offset + 4] = (1).to_bytes(4, "little")
    path = tmp_path / "loop.doc"
    path.write_bytes(bytes(data))
    assert sniff_path(path) is FileKind.DOC


def test_missing_file_is_none(tmp_path: Path) -> None:
    assert sniff_path(tmp_path / "absent.pdf") is None
