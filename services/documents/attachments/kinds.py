"""What a file is, told from its bytes (magic numbers and container contents), never its name.

`sniff(head)` reads the first bytes (`SNIFF_BYTES` are enough for everything but a container
whose directory lies further on); `sniff_path(path)` reads a whole file's container
directory (ZIP central directory, OLE2 compound-file directory) and is the one to trust.
"""

import codecs
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

SNIFF_BYTES = 8192


class FileKind(StrEnum):
    """The attachment types the law's publication practice needs; values are stable."""

    PDF = "pdf"
    OFD = "ofd"  # GB/T 33190, the Chinese fixed-layout format (a ZIP holding OFD.xml)
    DOC = "doc"
    XLS = "xls"
    WPS = "wps"
    DOCX = "docx"
    XLSX = "xlsx"
    PNG = "png"
    JPEG = "jpeg"
    GIF = "gif"
    ZIP = "zip"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self]

    @property
    def is_zip_container(self) -> bool:
        return self in (FileKind.OFD, FileKind.DOCX, FileKind.XLSX, FileKind.ZIP)


_LABELS = {
    FileKind.PDF: "PDF 文件",
    FileKind.OFD: "OFD 版式文件",
    FileKind.DOC: "Word 文档（DOC）",
    FileKind.XLS: "Excel 表格（XLS）",
    FileKind.WPS: "WPS 文档",
    FileKind.DOCX: "Word 文档（DOCX）",
    FileKind.XLSX: "Excel 表格（XLSX）",
    FileKind.PNG: "PNG 图片",
    FileKind.JPEG: "JPEG 图片",
    FileKind.GIF: "GIF 图片",
    FileKind.ZIP: "ZIP 压缩包",
}
_MEDIA_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.OFD: "application/ofd",
    FileKind.DOC: "application/msword",
    FileKind.XLS: "application/vnd.ms-excel",
    FileKind.WPS: "application/vnd.ms-works",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PNG: "image/png",
    FileKind.JPEG: "image/jpeg",
    FileKind.GIF: "image/gif",
    FileKind.ZIP: "application/zip",
}

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # an archive, an empty archive
_LOCAL_HEADER = re.compile(rb"PK\x03\x04")

ReadAt = Callable[[int, int], bytes]


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes begin; None when it is none of the accepted kinds.

    A ZIP whose entries in `head` do not show what it holds is `ZIP`; an OLE2 compound file
    whose directory is not within `head` is None (use `sniff_path` on the whole file).
    """
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return FileKind.GIF
    if head.startswith(_ZIP_MAGICS):
        return _zip_kind(_local_names(head))
    if head.startswith(_CFB_MAGIC):
        return _cfb_kind(_cfb_names(_bytes_reader(head)))
    return None


def sniff_path(path: Path) -> FileKind | None:
    """The kind of a whole file, reading a container's directory where it has one."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            if head.startswith(_ZIP_MAGICS):
                return _zip_kind(_central_names(path) or _local_names(head))
            if head.startswith(_CFB_MAGIC):

                def read_at(offset: int, length: int) -> bytes:
                    handle.seek(offset)
                    return handle.read(length)

                return _cfb_kind(_cfb_names(read_at))
    except OSError:
        return None
    return sniff(head)


def _zip_kind(names: Iterable[str]) -> FileKind:
    listed = list(names)
    if any(name.lower() == "ofd.xml" for name in listed):
        return FileKind.OFD
    if "[Content_Types].xml" in listed:
        if any(name.startswith("word/") for name in listed):
            return FileKind.DOCX
        if any(name.startswith("xl/") for name in listed):
            return FileKind.XLSX
    return FileKind.ZIP


def _local_names(head: bytes) -> list[str]:
    """Entry names of the local file headers found in the first bytes of a ZIP."""
    names: list[str] = []
    for match in _LOCAL_HEADER.finditer(head):
        start = match.start()
        if start + 30 > len(head):
            break
        name_length = struct.unpack_from("<H", head, start + 26)[0]
        raw = head[start + 30 : start + 30 + name_length]
        names.append(raw.decode("utf-8", errors="replace"))
    return names


def _central_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return []


# --- OLE2 compound files (MS-CFB) ---------------------------------------------------------

_END_OF_CHAIN = 0xFFFFFFFE
_MAX_SECTORS = 50_000  # a directory or FAT longer than this is not a real document


def _bytes_reader(data: bytes) -> ReadAt:
    return lambda offset, length: data[offset : offset + length]


def _cfb_kind(names: set[str]) -> FileKind | None:
    if "WordDocument" in names:
        return FileKind.DOC
    if "Workbook" in names or "Book" in names:
        return FileKind.XLS
    if "CONTENTS" in names:  # Works / WPS word processor
        return FileKind.WPS
    return None


def _cfb_names(read_at: ReadAt) -> set[str]:
    """Names of the entries in a compound file's directory (empty when it cannot be read)."""
    header = read_at(0, 512)
    if len(header) < 512:
        return set()
    shift = struct.unpack_from("<H", header, 0x1E)[0]
    if shift not in (9, 12):
        return set()
    size = 1 << shift
    fat_count, first_directory = struct.unpack_from("<II", header, 0x2C)
    difat = struct.unpack_from("<109I", header, 0x4C)[: min(fat_count, 109)]

    def sector(number: int) -> bytes:
        return read_at((number + 1) * size, size)

    fat: list[int] = []
    for number in difat:
        data = sector(number)
        if len(data) < size:
            break
        fat.extend(struct.unpack(f"<{size // 4}I", data))
    names: set[str] = set()
    seen: set[int] = set()
    current = first_directory
    while current != _END_OF_CHAIN and current not in seen and len(seen) < _MAX_SECTORS:
        seen.add(current)
        data = sector(current)
        if len(data) < size:
            break
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", data, offset + 0x40)[0]
            if 2 <= length <= 64:
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = fat[current] if current < len(fat) else _END_OF_CHAIN
    return names


# --- what a refused file is, for the message --------------------------------------------

_HTML = re.compile(rb"^\s*(?:<!doctype\s+html|<html|<head|<body|<meta|<script|<!--)", re.I)


def describe(head: bytes) -> str:
    """What unaccepted content looks like, in Chinese, for an error message."""
    stripped = head.removeprefix(b"\xef\xbb\xbf")
    if _HTML.match(stripped):
        return "网页（HTML）"
    if stripped.startswith(b"MZ"):
        return "可执行程序（EXE）"
    if stripped.startswith(b"\x7fELF"):
        return "可执行程序（ELF）"
    if stripped.startswith(b"#!"):
        return "脚本"
    if stripped.startswith(b"Rar!"):
        return "RAR 压缩包"
    if stripped.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "7z 压缩包"
    if stripped.lstrip().startswith(b"<?xml"):
        return "XML 文本"
    if stripped.startswith(_CFB_MAGIC):
        return "无法识别的 Office 复合文档"
    if not stripped:
        return "空文件"
    try:  # incremental, so a character cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8")().decode(stripped[:1024], final=False)
    except UnicodeDecodeError:
        return "无法识别的格式"
    return "纯文本"
