"""Lend a CJK face the Latin glyphs it lacks, from a Latin face of matching design.

Noto Serif/Sans CJK SC carry only the Latin a Chinese text needs (pinyin, ASCII,
Latin-1): no Ł ź Š Ž, no €. A bulletin's international news needs them, so
``compositor fonts build`` copies what the cut CJK face lacks from Noto Serif (the Song
weights) or Noto Sans (Hei, Kai) of the same weight. Only missing characters are
added, after every existing glyph: the glyphs and glyph ids of what the face already
had do not change, and in a CID-keyed CFF face a new glyph's CID is its glyph id
(see rebuild.identity_cids). TrueType outlines become CFF charstrings for the CFF
faces (exactly: a quadratic Bézier is a cubic with derived control points).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.reverseContourPen import ReverseContourPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

if TYPE_CHECKING:
    from fontTools.ttLib.tables._g_l_y_f import Glyph

# The font dict of a CID-keyed Noto CJK face that holds its proportional Latin: new
# Latin glyphs join the font dict of this letter.
LATIN_REFERENCE = "A"
# A vertical origin for faces without a VORG table: the one of this glyph.
VERTICAL_REFERENCE = "中"
# How far (font units) a quadratic approximation of a cubic curve may stray.
CUBIC_TO_QUADRATIC_ERROR = 1.0
# The letters whose heights the lent glyphs are scaled to meet: x-height and cap height.
HEIGHT_REFERENCES = "xH"


@dataclass(frozen=True)
class LatinFace:
    """Where the glyphs a face lacks come from."""

    package: str  # Debian package that installs ``file``
    file: Path
    name: str  # full name (nameID 4) expected in ``file``


@dataclass(frozen=True)
class Merged:
    """What was copied into a face: the code points, in the order of their new glyphs."""

    code_points: tuple[int, ...]

    def ranges(self) -> str:
        """``U+0104–U+0109 U+20AC``: the code points as runs, for the manifest."""
        runs: list[list[int]] = []
        for code_point in self.code_points:
            if runs and code_point == runs[-1][1] + 1:
                runs[-1][1] = code_point
            else:
                runs.append([code_point, code_point])
        return " ".join(
            f"U+{first:04X}" if first == last else f"U+{first:04X}–U+{last:04X}"
            for first, last in runs
        )


def merge_missing(font: TTFont, donor: TTFont, code_points: Iterable[int]) -> Merged:
    """Copy into ``font`` the glyphs of ``code_points`` that it lacks and ``donor`` has.

    ``font`` is changed in place; save and reopen it before reading it further.
    """
    for tag in font.reader.keys() if font.reader else ():
        font[tag]  # decompile all: a table copied raw would keep the old glyph count
    own = font.getBestCmap()
    theirs = donor.getBestCmap()
    wanted = tuple(sorted({cp for cp in code_points if cp not in own and cp in theirs}))
    if not wanted:
        return Merged(())
    scale = design_scale(font, donor)
    origin = _vertical_origin(font)
    glyph_set = donor.getGlyphSet()
    order = list(font.getGlyphOrder())
    cff = _is_cff(font)
    names = []
    for code_point in wanted:
        source = theirs[code_point]
        width = round(donor["hmtx"][source][0] * scale)
        outline = DecomposingRecordingPen(glyph_set)  # composites (Ł = L + stroke) as outlines
        glyph_set[source].draw(outline)
        bounds = BoundsPen(None)
        outline.replay(TransformPen(bounds, (scale, 0, 0, scale, 0, 0)))
        x_min, _, _, y_max = (round(v) for v in bounds.bounds or (0, 0, 0, 0))
        name = f"cid{len(order):05d}" if cff else _free_name(order, code_point)
        if cff:
            _add_charstring(font, name, outline, scale, width, reverse=not _is_cff(donor))
        else:
            font["glyf"].glyphs[name] = _glyf_glyph(outline, scale, cubic=_is_cff(donor))
        order.append(name)
        names.append(name)
        font["hmtx"].metrics[name] = (width, x_min)
        if "vmtx" in font:
            empty = bounds.bounds is None
            font["vmtx"].metrics[name] = (font["head"].unitsPerEm, 0 if empty else origin - y_max)
    if cff:
        font["CFF "].cff.topDictIndex[0].charset = order
    font.setGlyphOrder(order)
    if not cff:
        font["glyf"].glyphOrder = order
    _map(font, dict(zip(wanted, names, strict=True)))
    font["OS/2"].recalcUnicodeRanges(font)
    return Merged(wanted)


def _map(font: TTFont, mapping: dict[int, str]) -> None:
    """Add ``mapping`` to the face's Unicode cmaps: a 16-bit one (format 4) takes only
    the BMP; code points beyond it (Extension B, lent to the fallback face) go into a
    format 12 table, made from the BMP one if the face has none."""
    cmap = font["cmap"]
    tables = [table for table in cmap.tables if table.isUnicode()]
    if any(code_point > 0xFFFF for code_point in mapping) and not any(
        table.format == 12 for table in tables
    ):
        from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

        full = CmapSubtable.newSubtable(12)
        full.platformID, full.platEncID, full.language = 3, 10, 0
        full.cmap = dict(font.getBestCmap())
        cmap.tables.append(full)
        cmap.tables.sort(key=lambda table: (table.platformID, table.platEncID, table.language))
        tables.append(full)
    for table in tables:
        wide = table.format in (12, 13)
        table.cmap.update({cp: name for cp, name in mapping.items() if wide or cp <= 0xFFFF})


def _add_charstring(
    font: TTFont,
    name: str,
    outline: DecomposingRecordingPen,
    scale: float,
    width: int,
    reverse: bool,
) -> None:
    """Append one glyph to a CFF table, in the font dict of the face's Latin letters.

    TrueType contours run clockwise, PostScript ones counter-clockwise: ``reverse``
    turns a TrueType outline round (quadratic curves become exact cubics on the way).
    """
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    fd_index = None
    private = top.Private if hasattr(top, "Private") else None
    if hasattr(top, "FDArray"):
        latin = font.getBestCmap()[ord(LATIN_REFERENCE)]
        fd_index = top.FDSelect[font.getGlyphID(latin)]
        private = top.FDArray[fd_index].Private
    # A charstring stores its width as the difference from nominalWidthX, or not at
    # all when it equals defaultWidthX (CFF spec, Technical Note #5176 §15).
    nominal = getattr(private, "nominalWidthX", 0)
    default = getattr(private, "defaultWidthX", 0)
    pen = T2CharStringPen(None if width == default else width - nominal, None)
    turned = ReverseContourPen(pen) if reverse else pen
    outline.replay(TransformPen(turned, (scale, 0, 0, scale, 0, 0)))
    charstring = pen.getCharString(private=private, globalSubrs=cff.GlobalSubrs)
    strings = top.CharStrings
    if strings.charStringsAreIndexed:
        strings.charStrings[name] = len(strings.charStringsIndex)
        strings.charStringsIndex.append(charstring)
    else:
        strings.charStrings[name] = charstring
    if fd_index is not None:
        top.FDSelect.append(fd_index)


def design_scale(font: TTFont, donor: TTFont) -> float:
    """How much to enlarge the donor's outlines so they stand as tall as the face's own
    Latin: the em ratio times the geometric mean of the x-height and cap-height ratios
    (Source Han's Latin is 2–5 % taller in caps than Noto Serif/Sans), to 3 decimals so
    that the build stays reproducible. One factor per face keeps stroke weights even."""
    scale = font["head"].unitsPerEm / donor["head"].unitsPerEm
    ratio = 1.0
    for letter in HEIGHT_REFERENCES:
        own, theirs = _top(font, letter), _top(donor, letter)
        if own is None or theirs is None:
            return scale
        ratio *= own / (theirs * scale)
    return round(scale * ratio ** (1 / len(HEIGHT_REFERENCES)), 3)


def _top(font: TTFont, letter: str) -> float | None:
    glyph = font.getBestCmap().get(ord(letter))
    if glyph is None:
        return None
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[glyph].draw(pen)
    return pen.bounds[3] if pen.bounds and pen.bounds[3] > 0 else None


def _glyf_glyph(outline: DecomposingRecordingPen, scale: float, cubic: bool) -> Glyph:
    """A TrueType glyph of ``outline``; cubic (PostScript) curves are approximated by
    quadratic ones and their contours turned round."""
    pen = TTGlyphPen(None)
    target = Cu2QuPen(pen, CUBIC_TO_QUADRATIC_ERROR, reverse_direction=True) if cubic else pen
    outline.replay(TransformPen(target, (scale, 0, 0, scale, 0, 0)))
    return pen.glyph()


def _is_cff(font: TTFont) -> bool:
    return "CFF " in font


def _vertical_origin(font: TTFont) -> int:
    """Where a glyph's top sits for vertical metrics: the VORG default, or the origin
    of the face's own ideographs (top side bearing + top)."""
    if "VORG" in font:
        return font["VORG"].defaultVertOriginY
    reference = font.getBestCmap().get(ord(VERTICAL_REFERENCE))
    if "vmtx" not in font or "glyf" not in font or reference is None:
        return font["hhea"].ascent  # a face without 中: the fallback face (补字)
    glyph = font["glyf"][reference]
    glyph.recalcBounds(font["glyf"])
    return font["vmtx"][reference][1] + glyph.yMax


def _free_name(order: list[str], code_point: int) -> str:
    name = f"uni{code_point:04X}"
    while name in order:
        name += ".merged"
    return name
