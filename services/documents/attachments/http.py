"""Download headers: `Content-Disposition` with a UTF-8 file name, and `Range` parsing."""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import quote

from services.documents.attachments.checks import base_name
from services.documents.attachments.errors import RangeNotSatisfiable

# RFC 8187 attr-char: what may stay unencoded in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9 !#$&\'()+,\-.;=@\[\]^_`{}~]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$", re.IGNORECASE)
MAX_NAME = 200


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: `attachment; filename="ascii-fallback"; filename*=UTF-8''percent-encoded`.

    The name loses any directory part and control characters; the fallback keeps the
    extension so old clients still save a usable file.
    """
    name = _CONTROL.sub("", base_name(filename))[:MAX_NAME] or "download"
    path = PurePosixPath(name)
    stem = _ascii(path.stem).strip(" ._") or "download"
    fallback = stem + _ascii(path.suffix)
    encoded = quote(name, safe=_ATTR_CHARS)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _ascii(text: str) -> str:
    """Full-width letters folded to ASCII, other non-ASCII dropped, quote-unsafe to `_`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE_ASCII.sub("_", folded)


@dataclass(frozen=True)
class ByteRange:
    """An inclusive byte range of a file of `size` bytes."""

    start: int
    end: int
    size: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.size}"


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range a `Range` header asks for, or None to send the whole file (status 200).

    None for no header, a malformed one, or several ranges (allowed by RFC 9110 §14.2: a
    server may ignore Range). Raises `RangeNotSatisfiable` (416) when the one range asked
    for lies outside the file.
    """
    if not header or len(header) > 200:
        return None
    match = _RANGE.match(header)
    if match is None:
        return None
    first, last = match.group(1), match.group(2)
    if not first and not last:
        return None
    if not first:  # suffix range: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise RangeNotSatisfiable(size)
        return ByteRange(max(size - suffix, 0), size - 1, size)
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # syntactically invalid: ignored
    if start >= size:
        raise RangeNotSatisfiable(size)
    return ByteRange(start, min(end, size - 1), size)


def etag(sha256: str) -> str:
    """A strong ETag from the content's SHA-256 (content-addressed: it changes with the bytes)."""
    return f'"{sha256}"'


def etag_matches(header: str | None, current: str) -> bool:
    """Whether an `If-None-Match` (or `If-Range`) value names `current`; `*` matches anything.

    Weak validators (`W/"…"`) compare by their opaque tag, as If-None-Match requires.
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return current.removeprefix("W/") in tags
