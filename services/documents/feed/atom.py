"""The documents feed as Atom 1.0 (RFC 4287) for feed readers and 政务新媒体 editors.

Each entry is a document (id ``urn:uuid:…``, so a reader replaces an entry it already has);
a withdrawn document is an RFC 6721 ``at:deleted-entry`` with its id and time only.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from services.documents.feed.schemas import FeedItem
from services.documents.records.schemas import DocumentRead

ATOM = "http://www.w3.org/2005/Atom"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
SUMMARY_CHARS = 200
ET.register_namespace("", ATOM)
ET.register_namespace("at", TOMBSTONES)


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, item: FeedItem, document: DocumentRead, base: str) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", f"urn:uuid:{item.id}")
    _add(entry, "title", document.title)
    _add(entry, "updated", _time(item.time))
    if document.published_at is not None:
        _add(entry, "published", _time(document.published_at))
    _add(entry, "link", rel="alternate", href=f"{base}/api/v1/documents/{item.id}")
    author = _add(entry, "author")
    lead = next((a for a in document.agencies if a.lead), None)
    _add(author, "name", lead.name if lead else "")
    _add(entry, "category", term=document.type.code, label=document.type.name)
    if document.subject is not None:
        _add(entry, "category", term=document.subject.code, label=document.subject.name)
    lines = [document.doc_number or "", document.body_text[:SUMMARY_CHARS]]
    _add(entry, "summary", "\n".join(line for line in lines if line), type="text")


def render(items: Sequence[FeedItem], *, base: str, self_url: str, title: str) -> bytes:
    """UTF-8 Atom; ``base`` is the public origin the links point at."""
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    newest = max((i.time for i in items), default=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    _add(feed, "updated", _time(newest))
    _add(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    _add(_add(feed, "author"), "name", "Gongkai 政务公开")
    _add(feed, "generator", "Gongkai")
    for item in items:
        if isinstance(item.data, DocumentRead):
            _entry(feed, item, item.data, base)
        else:
            ET.SubElement(
                feed, f"{{{TOMBSTONES}}}deleted-entry",
                {"ref": f"urn:uuid:{item.id}", "when": _time(item.time)},
            )  # fmt: skip
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
