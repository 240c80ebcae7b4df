"""Chinese text analysis shared by every search adapter.

Folding (full-width → half-width, traditional → simplified, lower case), 发文字号 in one
canonical form, dictionary segmentation with rjieba, the sub-words that let a short query
find a word the segmenter kept longer, and pinyin initials for suggestions. Indexing and
querying go through the same functions, so both sides always agree.
"""

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import opencc
import rjieba

DEFAULT_WORD_FREQUENCY = 100_000

# Every bracket people type around the year of a 发文字号; folding already turned the
# full-width （）［］ into ASCII, so those are covered by ( ) [ ].
_OPEN = "〔[(【〖{<《「﹝"
_CLOSE = "〕])】〗}>》」﹞"
_DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,16})\s*"
    rf"[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*[{re.escape(_CLOSE)}]\s*"
    r"第?\s*(?P<number>\d{1,6})\s*号"
)
# The bracketed year and number of a 发文字号, found from its opening bracket: a pattern
# that starts with a character set lets the scan skip ahead in C (a look-behind first made
# every character a match attempt: 5x slower over a document body).
_NUMBER_TAIL = re.compile(
    rf"[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*"
    rf"[{re.escape(_CLOSE)}]\s*第?\s*(?P<number>\d{{1,6}})\s*号"
)
# The year-and-number core of a 发文字号, indexed as one token so it never splits.
_CORE = re.compile(r"〔((?:19|20)\d\d)〕(\d{1,6})号")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A token is a run of letters and digits (Python's [^\W_]; the embedded engine's tokenizer
# cuts the same space-joined text at the same places).
TOKEN = re.compile(r"[^\W_]+")
_SPACES = re.compile(r"\s+")
_SUBWORD_TABLE_SIZE = 500_000


# Full-width ASCII (ＡＢＣ１２３，（）) → half-width, ideographic space → space. A translation
# table rather than NFKC: the same folding for this text at a tenth of the cost.
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def half_width(text: str) -> str:
    """ＡＢＣ１２３（） → ABC123(); a regex finds the few full-width characters fast."""
    # the few distinct characters present, each replaced in C (no Python call per match)
    for char in set(_FULL_WIDTH.findall(text)):
        text = text.replace(char, " " if char == "\u3000" else chr(ord(char) - 0xFEE0))
    return text


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Full-width → half-width, traditional → simplified, lower case."""
    return str(_t2s().convert(half_width(text))).lower()


def fold_aligned(text: str) -> str:
    """A folded copy of the same length as ``text`` (for locating matches in stored text).

    Every bracket variant becomes 〔 / 〕 so a 发文字号 is found whatever brackets the
    document used.
    """
    joined = half_width(text)
    simplified = str(_t2s().convert(joined))
    if len(simplified) != len(joined):  # a phrase conversion changed the length: per character
        simplified = "".join(c2 if len(c2 := str(_t2s().convert(c))) == 1 else c for c in joined)
    return unify_brackets(simplified.lower())


_BRACKET_CHARS = re.compile(f"[{re.escape(_OPEN + _CLOSE)}]")


def unify_brackets(text: str) -> str:
    """Every bracket a 发文字号 may use → 〔 / 〕 (same length). The few distinct brackets
    present are each replaced in C: ``str.translate`` looks every character of a 13 KB body
    up in a dict, 10x slower."""
    for char in set(_BRACKET_CHARS.findall(text)):
        text = text.replace(char, "〔" if char in _OPEN else "〕")
    return text


def canonical_doc_number(text: str) -> str:
    """``交政办发[2020] 78号`` → ``交政办发〔2020〕78号``; text without a number is only folded."""
    folded = fold(text).strip()
    match = _DOC_NUMBER.search(folded)
    if match is None:
        return _SPACES.sub("", folded)
    return f"{match['prefix']}〔{match['year']}〕{int(match['number'])}号"


def canonicalise_doc_numbers(folded: str) -> str:
    """Rewrite every 发文字号 inside already folded text into the canonical form."""
    # Only the brackets, spaces and number change; the prefix stays as written, so the scan
    # needs no look back over it (10x faster than matching the whole number). A number
    # follows a Chinese character, possibly after spaces (which go too).
    pieces: list[str] = []
    position = 0
    for match in _NUMBER_TAIL.finditer(folded):
        start = match.start()
        while start > position and folded[start - 1].isspace():
            start -= 1
        if start == 0 or not "\u4e00" <= folded[start - 1] <= "\u9fff":
            continue
        pieces += [folded[position:start], f"〔{match['year']}〕{int(match['number'])}号"]
        position = match.end()
    if not pieces:
        return folded
    pieces.append(folded[position:])
    return "".join(pieces)


def find_doc_numbers(text: str) -> list[str]:
    """The canonical 发文字号 found in ``text`` (e.g. in a query)."""
    folded = fold(text)
    return [
        f"{m['prefix']}〔{m['year']}〕{int(m['number'])}号" for m in _DOC_NUMBER.finditer(folded)
    ]


def doc_number_candidates(number: str) -> list[str]:
    """A canonical number and the same with shorter prefixes: text before a 发文字号 (查找…,
    发文字号…) is glued to it by the pattern, so the exact match tries every suffix."""
    match = _DOC_NUMBER.fullmatch(number)
    if match is None:
        return [number]
    prefix, rest = match["prefix"], number[len(match["prefix"]) :]
    return [prefix[i:] + rest for i in range(max(len(prefix) - 1, 1))]


def load_vocabulary(extra_files: Iterable[Path] = ()) -> list[tuple[str, int]]:
    """The packaged government vocabulary plus an administrator's files (same format)."""
    packaged = resources.files(__package__).joinpath("vocabulary.txt").read_text("utf-8")
    texts = [packaged] + [Path(p).read_text("utf-8") for p in extra_files]
    words: list[tuple[str, int]] = []
    for text in texts:
        for raw in text.splitlines():
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            words.append((fold(parts[0]), freq or DEFAULT_WORD_FREQUENCY))
    return words


@dataclass(frozen=True)
class AgencyAliases:
    """Groups of names for the same agency (市府办 ↔ 市人民政府办公室), supplied as data."""

    groups: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, groups: Iterable[Iterable[str]]) -> "AgencyAliases":
        folded = []
        for group in groups:
            names = tuple(dict.fromkeys(fold(n).strip() for n in group if n.strip()))
            if len(names) > 1:
                folded.append(names)
        return cls(tuple(folded))

    def variants(self, term: str) -> list[str]:
        """``term`` and every spelling obtained by swapping one alias for another."""
        result = [term]
        for group in self.groups:
            for name in sorted(group, key=len, reverse=True):
                if name in term:
                    result += [term.replace(name, other) for other in group if other != name]
                    break
        return list(dict.fromkeys(result))


class Analyzer:
    """Segments folded text; one instance per process (the dictionary loads once)."""

    def __init__(self, vocabulary: Sequence[tuple[str, int]] | None = None) -> None:
        self._jieba = rjieba.Jieba()
        self._lock = threading.Lock()
        self._subword_table: dict[str, str] = {}
        for word, freq in vocabulary if vocabulary is not None else load_vocabulary():
            self._jieba.add_word(word, freq, None)

    def segment(self, text: str) -> list[str]:
        """Raw text folded, 发文字号 canonical and segmented: the segmenter's pieces.

        Punctuation and blanks stay in (as their own pieces); ``TOKEN`` picks the real
        tokens out, here for queries and in the engine's own tokenizer for documents, which
        keeps the per-word Python work off the indexing path.
        """
        folded = canonicalise_doc_numbers(fold(text))
        if "〔" not in folded:  # no 发文字号 core: one call, no scan
            return self._jieba.cut(folded, False)
        pieces: list[str] = []
        position = 0
        for match in _CORE.finditer(folded):
            pieces += self._jieba.cut(folded[position : match.start()], False)
            pieces.append(f" {match[1]}n{match[2]} ")  # the year-number core: one token
            position = match.end()
        pieces += self._jieba.cut(folded[position:], False)
        return pieces

    def segmented(self, text: str) -> str:
        """``segment`` joined by spaces (what the engines index)."""
        return " ".join(self.segment(text))

    def words(self, text: str) -> list[str]:
        """Index/query tokens of raw text: folded, 发文字号 canonical, punctuation dropped."""
        return TOKEN.findall(self.segmented(text))

    def subwords(self, tokens: Iterable[str]) -> list[str]:
        """Shorter words inside long tokens (公开 in 政务公开, 人民政府 in 人民政府办公室).

        Each token of three or more CJK characters contributes its dictionary sub-words and
        its character bigrams, so a two-character query still finds it.
        """
        out: list[str] = []
        for token in tokens:
            if len(token) >= 3:
                out += self._subwords_of(token)
        return out

    def subword_text(self, pieces: Iterable[str]) -> str:
        """``subwords`` of the distinct pieces, joined by spaces (the indexing fast path).

        Each distinct piece is looked up in a per-process table filled on first sight, so a
        document costs one set difference and a C-level map, not a Python loop per word.
        """
        distinct = set(pieces)
        table = self._subword_table
        if len(table) > _SUBWORD_TABLE_SIZE:  # a new table; readers keep the old one
            self._subword_table = table = {}
        for piece in distinct.difference(table):
            table[piece] = " ".join(self._subwords_of(piece)) if len(piece) >= 3 else ""
        return " ".join(filter(None, map(table.__getitem__, distinct)))

    @lru_cache(maxsize=200_000)  # noqa: B019 (one analyzer per process, kept for its life)
    def _subwords_of(self, token: str) -> tuple[str, ...]:
        if not _CJK.match(token):
            return ()
        parts = {w for w in self._jieba.cut_all(token) if 2 <= len(w) < len(token)}
        parts.update(token[i : i + 2] for i in range(len(token) - 1))
        return tuple(sorted(parts))


def initials(text: str) -> str:
    """One letter of pinyin initials per character: 政务公开 → zwgk; other characters kept."""
    return "".join(_initial(c) for c in fold(text))


@lru_cache(maxsize=8192)
def _initial(char: str) -> str:
    if not _CJK.match(char):
        return char
    # imported on first use: pypinyin's dictionaries take ~1 s to load, which every
    # process start (and every test server) would otherwise pay
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415

    letters = lazy_pinyin(char, style=Style.FIRST_LETTER)
    return letters[0][:1] if letters and letters[0] else char


def is_pinyin_query(text: str) -> bool:
    stripped = text.strip()
    return 2 <= len(stripped) <= 32 and stripped.isascii() and stripped.isalpha()
