"""The upload check: content type from the bytes, matched against the file name's extension."""

from pathlib import Path, PurePosixPath, PureWindowsPath

from services.documents.attachments.errors import AttachmentTypeRefused
from services.documents.attachments.kinds import SNIFF_BYTES, FileKind, describe, sniff_path
from services.documents.attachments.zipguard import ZipLimits, check_archive

# Extension → the content kinds a file so named may hold.
ALLOWED: dict[str, frozenset[FileKind]] = {
    ".pdf": frozenset({FileKind.PDF}),
    ".ofd": frozenset({FileKind.OFD}),
    # WPS Writer saves Word-compatible compound files; Works files read as WPS
    ".doc": frozenset({FileKind.DOC, FileKind.WPS}),
    ".wps": frozenset({FileKind.WPS, FileKind.DOC}),
    ".xls": frozenset({FileKind.XLS}),
    ".et": frozenset({FileKind.XLS}),  # WPS spreadsheet, Excel-compatible
    ".docx": frozenset({FileKind.DOCX}),
    ".xlsx": frozenset({FileKind.XLSX}),
    ".png": frozenset({FileKind.PNG}),
    ".jpg": frozenset({FileKind.JPEG}),
    ".jpeg": frozenset({FileKind.JPEG}),
    ".jpe": frozenset({FileKind.JPEG}),
    ".gif": frozenset({FileKind.GIF}),
    ".zip": frozenset({FileKind.ZIP, FileKind.DOCX, FileKind.XLSX, FileKind.OFD}),
}
ACCEPTED = "PDF、OFD、DOC/DOCX、XLS/XLSX、WPS、PNG/JPEG/GIF 图片和 ZIP 压缩包"


def base_name(filename: str) -> str:
    """The file name without any directory a browser or client sent along."""
    return PureWindowsPath(PurePosixPath(filename).name).name.strip()


def extension(filename: str) -> str:
    return PurePosixPath(base_name(filename).lower()).suffix


def check_declared(filename: str, kind: FileKind | None, head: bytes = b"") -> FileKind:
    """The content kind, when it is accepted and the name's extension agrees with it.

    Raises `AttachmentTypeRefused` (415) with a Chinese detail otherwise; `head` (the first
    bytes) only improves the message (`内容是网页（HTML）`).
    """
    name = base_name(filename) or "（无文件名）"
    suffix = extension(filename)
    if suffix not in ALLOWED:
        shown = f"“{suffix}”" if suffix else "（无扩展名）"
        raise AttachmentTypeRefused(
            f"文件“{name}”的扩展名{shown}不在允许范围内；只接受{ACCEPTED}。"
        )
    if kind is None:
        raise AttachmentTypeRefused(
            f"文件“{name}”的扩展名表明是{_expected(suffix)}，但内容是{describe(head)}，"
            f"不是可接受的格式；请上传原始文件（只接受{ACCEPTED}）。"
        )
    if kind not in ALLOWED[suffix]:
        raise AttachmentTypeRefused(
            f"文件“{name}”的扩展名表明是{_expected(suffix)}，但内容是{kind.label}；"
            f"请改正扩展名（应为 .{kind.value if kind is not FileKind.JPEG else 'jpg'}）"
            "或上传正确的文件。"
        )
    return kind


def _expected(suffix: str) -> str:
    return " / ".join(sorted({kind.label for kind in ALLOWED[suffix]}))


def inspect_file(path: Path, filename: str, limits: ZipLimits | None = None) -> FileKind:
    """Check an uploaded file completely: its kind, its name, and (for ZIPs) the bomb guard.

    Meant to run on the staged file before it is stored (`LocalStorage.save(verify=…)`).
    """
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    kind = check_declared(filename, sniff_path(path), head)
    if kind.is_zip_container:
        check_archive(path, limits)
    return kind
