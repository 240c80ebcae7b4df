"""Chinese text analysis shared by every search adapter.

Folding (full-width → half-width, traditional → simplified, lower case), 发文字号 in one
canonical form, dictionary segmentation with rjieba, the sub-words that let a short query
find a word the segmenter kept longer, and pinyin initials for suggestions. Indexing and
querying go through the same functions, so both sides always agree.
"""

import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import opencc
import rjieba
from pypinyin import Style, lazy_pinyin

DEFAULT_WORD_FREQUENCY = 100_000

# Every bracket people type around the year of a 发文字号; NFKC already turned the
# full-width （）［］ into ASCII, so those are covered by ( ) [ ].
_OPEN = "〔[(【〖{<《「﹝"
_CLOSE = "〕])】〗}>》」﹞"
_DOC_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,16})\s*"
    rf"[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*[{re.escape(_CLOSE)}]\s*"
    r"第?\s*(?P<number>\d{1,6})\s*号"
)
# The year-and-number core of a 发文字号, indexed as one token so it never splits.
_CORE = re.compile(r"〔((?:19|20)\d\d)〕(\d{1,6})号")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDISH = re.compile(r"[\w〔〕]", re.UNICODE)
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, lower case."""
    text = unicodedata.normalize("NFKC", text)
    return str(_t2s().convert(text)).lower()


def fold_aligned(text: str) -> str:
    """A folded copy of the same length as ``text`` (for locating matches in stored text).

    Characters whose folding changes the length keep their original form; every bracket
    variant becomes 〔 / 〕 so a 发文字号 is found whatever brackets the document used.
    """
    chars = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        chars.append(folded if len(folded) == 1 else char)
    joined = "".join(chars)
    simplified = str(_t2s().convert(joined))
    if len(simplified) != len(joined):  # a phrase conversion changed the length: per character
        simplified = "".join(c2 if len(c2 := str(_t2s().convert(c))) == 1 else c for c in joined)
    return simplified.lower().translate(_BRACKETS)


_BRACKETS = str.maketrans(dict.fromkeys(_OPEN, "〔") | dict.fromkeys(_CLOSE, "〕"))


def canonical_doc_number(text: str) -> str:
    """``交政办发[2020] 78号`` → ``交政办发〔2020〕78号``; text without a number is only folded."""
    folded = fold(text).strip()
    match = _DOC_NUMBER.search(folded)
    if match is None:
        return _SPACES.sub("", folded)
    return f"{match['prefix']}〔{match['year']}〕{int(match['number'])}号"


def canonicalise_doc_numbers(folded: str) -> str:
    """Rewrite every 发文字号 inside already folded text into the canonical form."""
    return _DOC_NUMBER.sub(lambda m: f"{m['prefix']}〔{m['year']}〕{int(m['number'])}号", folded)


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
        for word, freq in vocabulary if vocabulary is not None else load_vocabulary():
            self._jieba.add_word(word, freq, None)

    def words(self, text: str) -> list[str]:
        """Index/query tokens of raw text: folded, 发文字号 canonical, punctuation dropped."""
        folded = canonicalise_doc_numbers(fold(text))
        tokens: list[str] = []
        position = 0
        for match in _CORE.finditer(folded):
            tokens += self._segment(folded[position : match.start()])
            tokens.append(f"{match[1]}-{match[2]}")
            position = match.end()
        tokens += self._segment(folded[position:])
        return tokens

    def _segment(self, text: str) -> list[str]:
        if not text:
            return []
        return [t for t in self._jieba.cut(text, False) if _WORDISH.search(t) and not t.isspace()]

    def subwords(self, tokens: Iterable[str]) -> list[str]:
        """Shorter words inside long tokens (公开 in 政务公开, 人民政府 in 人民政府办公室).

        Each token of three or more CJK characters contributes its dictionary sub-words and
        its character bigrams, so a two-character query still finds it.
        """
        out: list[str] = []
        for token in tokens:
            if len(token) < 3 or not _CJK.match(token):
                continue
            parts = {w for w in self._jieba.cut_all(token) if 2 <= len(w) < len(token)}
            parts.update(token[i : i + 2] for i in range(len(token) - 1))
            out += sorted(parts)
        return out


def initials(text: str) -> str:
    """One letter of pinyin initials per character: 政务公开 → zwgk; other characters kept."""
    return "".join(_initial(c) for c in fold(text))


@lru_cache(maxsize=8192)
def _initial(char: str) -> str:
    if not _CJK.match(char):
        return char
    letters = lazy_pinyin(char, style=Style.FIRST_LETTER)
    return letters[0][:1] if letters and letters[0] else char


def is_pinyin_query(text: str) -> bool:
    stripped = text.strip()
    return 2 <= len(stripped) <= 32 and stripped.isascii() and stripped.isalpha()
