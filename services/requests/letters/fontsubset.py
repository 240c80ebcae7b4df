"""A small TrueType font holding just the characters of one letter, cut from Noto Serif SC.

The Noto CJK files have CFF outlines. fpdf2 embeds those as a CID-keyed font with its own
encoding CMap, which pypdf and other simple extractors misread once a document uses more
than 256 glyphs, and subsetting them with fontTools takes seconds per letter. Converting the
glyphs a letter uses to quadratic (TrueType) outlines gives fpdf2 a small ``glyf`` font
that it embeds with the standard Identity-H encoding. Converted glyphs are kept in memory,
so the common characters of official letters are converted once per process.
"""

import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import OPTIMIZE_FONT_SPEED, TTFont

NOTDEF = ".notdef"
MAX_CURVE_ERROR = 1.0  # font units (1/1000 em): invisible at letter sizes
FAMILY = "Noto Serif SC"
POSTSCRIPT_NAME = "NotoSerifSC-Regular"


@dataclass
class _Source:
    """One opened source font and the glyphs already converted from it."""

    font: Any
    cmap: dict[int, str]
    glyphs: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_sources: dict[Path, _Source] = {}
_sources_lock = threading.Lock()


def _source(font_path: Path) -> _Source:
    # one per font and process, opened once even when the first letters come in together;
    # read into memory so no file handle stays open
    with _sources_lock:
        source = _sources.get(font_path)
        if source is None:
            font = TTFont(io.BytesIO(font_path.read_bytes()), lazy=True)
            source = _Source(font=font, cmap=dict(font.getBestCmap() or {}))
            _sources[font_path] = source
        return source


def font_characters(font_path: Path) -> frozenset[int]:
    """The code points a font has glyphs for."""
    return frozenset(_source(font_path).cmap)


def truetype_subset(font_path: Path, characters: Iterable[str]) -> bytes:
    """A TrueType font with the glyphs of ``characters`` that the source font has."""
    source = _source(font_path)
    mapping = {
        ord(char): source.cmap[ord(char)] for char in set(characters) if ord(char) in source.cmap
    }
    order = [NOTDEF, *sorted(set(mapping.values()) - {NOTDEF})]
    with source.lock:  # fontTools tables are not safe to read from several threads
        glyph_set = source.font.getGlyphSet()
        metrics = source.font["hmtx"].metrics
        for name in order:
            if name not in source.glyphs:
                pen = TTGlyphPen(None)
                glyph_set[name].draw(Cu2QuPen(pen, MAX_CURVE_ERROR, reverse_direction=True))
                source.glyphs[name] = pen.glyph()
        glyphs = {name: source.glyphs[name] for name in order}
        advances = {name: metrics[name][0] for name in order}
        units_per_em = source.font["head"].unitsPerEm
        hhea = source.font["hhea"]
        os2 = source.font["OS/2"]
        ascent, descent = hhea.ascent, hhea.descent
        typo = (os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap)
        win = (os2.usWinAscent, os2.usWinDescent)

    builder = FontBuilder(units_per_em, isTTF=True)
    builder.font.cfg[OPTIMIZE_FONT_SPEED] = True  # fpdf2 subsets and recompiles it anyway
    builder.setupGlyphOrder(order)
    builder.setupCharacterMap(mapping)
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    builder.setupHorizontalMetrics(
        {name: (advances[name], getattr(glyf[name], "xMin", 0)) for name in order}
    )
    builder.setupHorizontalHeader(ascent=ascent, descent=descent)
    builder.setupNameTable(
        {"familyName": FAMILY, "styleName": "Regular", "psName": POSTSCRIPT_NAME}
    )
    builder.setupOS2(
        sTypoAscender=typo[0],
        sTypoDescender=typo[1],
        sTypoLineGap=typo[2],
        usWinAscent=win[0],
        usWinDescent=win[1],
        fsType=0,
    )
    builder.setupPost()
    buffer = io.BytesIO()
    builder.save(buffer)
    return buffer.getvalue()
