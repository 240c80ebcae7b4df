"""Attachments: type sniffing, upload checks, the zip-bomb guard, content storage, text
extraction and download headers. Pure code (no tables, no routes); the documents service wires
it into its attachment routes.
"""

from services.documents.attachments.checks import ALLOWED, check_declared, inspect_file
from services.documents.attachments.errors import (
    AttachmentTooLarge,
    AttachmentTypeRefused,
    BlobNotFound,
    RangeNotSatisfiable,
    UnsafeArchive,
)
from services.documents.attachments.http import (
    ByteRange,
    content_disposition,
    etag,
    etag_matches,
    parse_range,
)
from services.documents.attachments.kinds import SNIFF_BYTES, FileKind, sniff, sniff_path
from services.documents.attachments.storage import (
    LocalStorage,
    Storage,
    StoredBlob,
    read_chunks,
)
from services.documents.attachments.text import extract_text
from services.documents.attachments.zipguard import ZipLimits, check_archive

__all__ = [
    "ALLOWED",
    "SNIFF_BYTES",
    "AttachmentTooLarge",
    "AttachmentTypeRefused",
    "BlobNotFound",
    "ByteRange",
    "FileKind",
    "LocalStorage",
    "RangeNotSatisfiable",
    "Storage",
    "StoredBlob",
    "UnsafeArchive",
    "ZipLimits",
    "check_archive",
    "check_declared",
    "content_disposition",
    "etag",
    "etag_matches",
    "extract_text",
    "inspect_file",
    "parse_range",
    "read_chunks",
    "sniff",
    "sniff_path",
]
