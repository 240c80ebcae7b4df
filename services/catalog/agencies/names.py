"""Agency names as people type them: 市府办 for 市人民政府办公室, full-width letters, spaces."""

import unicodedata
from collections.abc import Iterable

# (abbreviation, full form) pairs; a query is also tried with one replaced by the other.
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("府办", "人民政府办公室"),
    ("政府办", "人民政府办公室"),
    ("政办", "人民政府办公室"),
    ("政府", "人民政府"),
)
SEPARATOR = "|"


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, no whitespace and no separator."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch != SEPARATOR)


def search_text(names: Iterable[str | None]) -> str:
    """Every name in one column, each between separators so a match never spans two names."""
    parts = [normalise(n) for n in names if n]
    return SEPARATOR + SEPARATOR.join(p for p in parts if p) + SEPARATOR


def query_variants(query: str) -> list[str]:
    """The query and its forms with an abbreviation expanded or a full form abbreviated."""
    q = normalise(query)
    variants = [q]
    for short, full in ABBREVIATIONS:
        if full in q:
            variants.append(q.replace(full, short))
        elif short in q:
            variants.append(q.replace(short, full))
    return list(dict.fromkeys(v for v in variants if v))
