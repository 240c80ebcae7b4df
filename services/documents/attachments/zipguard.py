"""Zip-bomb guard: refuse an archive from its central directory, before anything is expanded.

Applies to every ZIP container we accept (ZIP, DOCX, XLSX, OFD). The declared sizes are what
is checked; Python's zipfile never expands an entry past its declared size, so a lying entry
cannot get round the limits when it is read later.
"""

import zipfile
from dataclasses import dataclass
from pathlib import Path

from services.documents.attachments.errors import UnsafeArchive

MIB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 1000
    max_ratio: float = 100.0  # uncompressed / compressed, for the whole archive and each entry
    max_total: int = 512 * MIB  # sum of the entries' uncompressed sizes
    ratio_floor: int = 1 * MIB  # below this many uncompressed bytes a high ratio is harmless


def check_archive(path: Path, limits: ZipLimits | None = None) -> None:
    """Raise `UnsafeArchive` with a Chinese detail unless the archive is safe to expand."""
    limits = limits or ZipLimits()
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise UnsafeArchive("压缩文件已损坏，无法读取其目录，请重新生成文件后上传。") from exc
    if len(entries) > limits.max_entries:
        raise UnsafeArchive(
            f"压缩文件包含 {len(entries)} 个文件，超过上限 {limits.max_entries} 个，"
            "请拆分后分别上传。"
        )
    total = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries)
    if total > limits.max_total:
        raise UnsafeArchive(
            f"压缩文件解压后共 {total // MIB} MiB，超过上限 {limits.max_total // MIB} MiB，"
            "请拆分后分别上传。"
        )
    if total > limits.ratio_floor and total > limits.max_ratio * max(packed, 1):
        raise UnsafeArchive(_ratio_message(total, packed, limits))
    for entry in entries:
        if entry.file_size > limits.ratio_floor and entry.file_size > limits.max_ratio * max(
            entry.compress_size, 1
        ):
            raise UnsafeArchive(_ratio_message(entry.file_size, entry.compress_size, limits))


def _ratio_message(total: int, packed: int, limits: ZipLimits) -> str:
    ratio = total / max(packed, 1)
    return (
        f"压缩文件的压缩比约为 {ratio:.0f}:1，超过上限 {limits.max_ratio:.0f}:1，"
        "疑似“压缩炸弹”，已拒绝。"
    )
