"""Import of legacy documents: raw text in, the fields found (and not found) out. Pure code."""

from services.documents.importer.parser import (
    decode_legacy_bytes,
    parse_legacy_file,
    parse_legacy_text,
    read_document,
)
from services.documents.importer.result import FieldReport, ImportField, ImportResult
from services.documents.importer.vocabulary import DisclosureMark

__all__ = [
    "DisclosureMark",
    "FieldReport",
    "ImportField",
    "ImportResult",
    "decode_legacy_bytes",
    "parse_legacy_file",
    "parse_legacy_text",
    "read_document",
]
