"""Highlighted titles and snippets from stored text (measured far cheaper than an engine's
snippet generator): find the query's words in a folded copy of the same length, then mark
the same positions in the original text."""

import html
import re
from collections.abc import Sequence

from services.documents.search.analysis import fold_aligned, unify_brackets

SNIPPET_CHARS = 120
_BLANKS = re.compile(r"\s+")


def _cheap(text: str, needles: Sequence[str]) -> str:
    """Stored text is nearly always simplified and half-width already: lower case, brackets
    unified when a 发文字号 is sought, is enough to find the query's words in it."""
    # needles are folded (lower case): a needle without letters (Chinese, digits) matches the
    # text as it is, so a 13 KB body is lowered only for a query with letters in it
    cheap = text.lower() if any(n != n.upper() for n in needles) else text
    if any("〔" in n for n in needles):
        cheap = unify_brackets(cheap)
    return cheap


def _spans(text: str, needles: Sequence[str], thorough: bool) -> list[tuple[int, int]]:
    """Every match in the cheap form first; ``thorough`` folds fully (full-width,
    traditional → simplified) when that finds nothing."""
    spans = _find(_cheap(text, needles), needles)
    if spans or not thorough:
        return spans
    return _find(fold_aligned(text), needles)


def _first(folded: str, needles: Sequence[str]) -> int:
    """Where the earliest match starts (-1: none); a body need not be scanned to its end."""
    return min((p for n in needles if n and (p := folded.find(n)) != -1), default=-1)


def _find(folded: str, needles: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for needle in needles:
        if not needle:
            continue
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(text: str, spans: Sequence[tuple[int, int]], offset: int = 0) -> str:
    out: list[str] = []
    position = 0
    for span_start, span_end in spans:
        start, end = max(span_start - offset, 0), min(span_end - offset, len(text))
        if end <= 0 or start >= len(text) or start >= end:
            continue
        out += [html.escape(text[position:start]), "<em>", html.escape(text[start:end]), "</em>"]
        position = end
    out.append(html.escape(text[position:]))
    return "".join(out)


def contains_any(text: str, needles: Sequence[str], *, thorough: bool = False) -> bool:
    if not text:
        return False
    if _first(_cheap(text, needles), needles) != -1:
        return True
    return thorough and _first(fold_aligned(text), needles) != -1


def matched_in_attachment(main: Sequence[str], attachment: str, needles: Sequence[str]) -> bool:
    """Whether the words were found only in the attachment text (cheap checks first)."""
    if not needles or any(contains_any(t, needles) for t in main):
        return False
    if contains_any(attachment, needles):
        return True
    # full folding (traditional, full-width) costs ~1 ms on a 13 KB body: only when the
    # attachment holds the words in some spelling and the main text may not
    if not contains_any(attachment, needles, thorough=True):
        return False
    return not any(contains_any(t, needles, thorough=True) for t in main)


def highlight_whole(text: str, needles: Sequence[str]) -> str:
    return _mark(text, _spans(text, needles, thorough=True))


def snippet(text: str, needles: Sequence[str], size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters around the first match (or the opening), marked up; runs
    of blanks are collapsed in the window only (the whole text would cost more). Only the
    window is searched for further matches: a 13 KB body holds hundreds of 公开."""
    folded = _cheap(text, needles)
    first = _first(folded, needles)
    if first == -1:
        opening = _BLANKS.sub(" ", text[: size * 2]).strip()
        return html.escape(opening[:size]) + ("…" if len(text) > len(opening[:size]) else "")
    start = max(0, first - size // 4)
    end = min(len(text), start + size)
    reach = max(len(n) for n in needles)  # a match may straddle either edge of the window
    low = max(0, start - reach)
    inside = [
        (s + low, e + low)
        for s, e in _find(folded[low : end + reach], needles)
        if s + low < end and e + low > start
    ]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    marked = _mark(text[start:end], inside, offset=start)
    return prefix + _BLANKS.sub(" ", marked).strip() + suffix
