"""Real small files of every accepted kind, built here (fpdf2, python-docx, Pillow, zipfile)."""

import io
import struct
import zipfile

import pylopdf_fonts_zh_cn
from docx import Document
from fpdf import FPDF
from PIL import Image

FREE = 0xFFFFFFFF
END = 0xFFFFFFFE
FAT_SECTOR = 0xFFFFFFFD


def pdf_bytes(*lines: str) -> bytes:
    pdf = FPDF()
    for line in lines or ("Gongkai test page",):
        pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        pdf.cell(text=line)
    return bytes(pdf.output())


def chinese_pdf_bytes(*lines: str) -> bytes:
    """A PDF with Chinese text (Noto Sans SC from pylopdf-fonts-zh-cn, subset embedded)."""
    pdf = FPDF()
    pdf.add_font("noto", fname=str(pylopdf_fonts_zh_cn.sans_path()))
    pdf.add_page()
    pdf.set_font("noto", size=14)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_bytes(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
            "xl/worksheets/sheet1.xml": b"<worksheet/>",
        }
    )


def ofd_bytes() -> bytes:
    return zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"})


def image_bytes(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def _directory_entry(name: str, kind: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    entry = encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
    entry += struct.pack("<III", FREE, FREE, 1 if kind == 5 else FREE)  # siblings, child
    entry += b"\0" * 16 + b"\0" * 4 + b"\0" * 16  # CLSID, state bits, times
    entry += struct.pack("<IQ", END, 0)  # start sector, size
    return entry.ljust(128, b"\0")


def cfb_bytes(stream: str, *, directory_at: int = 1, directory_sectors: int = 1) -> bytes:
    """An OLE2 compound file (512-byte sectors) whose root holds one empty stream.

    Sector 0 is the FAT; the directory starts at sector `directory_at` and runs over
    `directory_sectors` sectors, the named stream's entry in the last one.
    """
    sectors = directory_at + directory_sectors
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, 1, directory_at, 0)
    struct.pack_into("<IIIII", header, 0x38, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([FREE] * 108))
    fat = [FREE] * 128
    fat[0] = FAT_SECTOR
    chain = list(range(directory_at, sectors))
    for current, following in zip(chain, [*chain[1:], END], strict=True):
        fat[current] = following
    body = [struct.pack("<128I", *fat)]
    for number in range(1, sectors):
        if number < directory_at:
            body.append(b"\0" * 512)
        elif number == sectors - 1:
            entries = [_directory_entry(stream, 2)]
            if directory_sectors == 1:
                entries.insert(0, _directory_entry("Root Entry", 5))
            body.append(b"".join(entries).ljust(512, b"\0"))
        else:
            body.append(_directory_entry("Root Entry", 5).ljust(512, b"\0"))
    return bytes(header) + b"".join(body)
