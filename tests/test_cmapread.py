"""cmapread reads the same code points as fontTools' getBestCmap, only faster."""

from __future__ import annotations

import io

import pytest
from conftest import ROOT
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont

from compositor.fonts.cmap import _format12_ranges, mapped_code_points

SHIPPED = sorted((ROOT / "fonts").glob("*.[ot]tf"))


def best_cmap(data: bytes) -> frozenset[int]:
    return frozenset(TTFont(io.BytesIO(data)).getBestCmap())


def cmap_format(data: bytes) -> set[int]:
    return {subtable.format for subtable in TTFont(io.BytesIO(data))["cmap"].tables}


def small_font(characters: str) -> bytes:
    """A TrueType font with one empty glyph per character."""
    names = [".notdef", *(f"glyph{n}" for n in range(len(characters)))]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): name for c, name in zip(characters, names[1:], strict=True)})
    builder.setupGlyf({name: TTGlyphPen(None).glyph() for name in names})
    builder.setupHorizontalMetrics({name: (500, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Test", "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    stream = io.BytesIO()
    builder.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_shipped_fonts_read_like_fonttools(path):
    data = path.read_bytes()
    # the fast path is the one taken for the fonts every build checks
    assert _format12_ranges(TTFont(io.BytesIO(data)).reader["cmap"]) is not None
    assert mapped_code_points(data) == best_cmap(data)


def test_supplementary_plane_font_is_read_from_its_format_12_subtable():
    data = small_font("火炬𠀀𪚥")  # two Han characters beyond the BMP
    assert 12 in cmap_format(data)
    assert mapped_code_points(data) == best_cmap(data) == {ord(c) for c in "火炬𠀀𪚥"}


def test_bmp_only_font_falls_back_to_fonttools():
    data = small_font("火炬动态")
    assert cmap_format(data) == {4}
    assert mapped_code_points(data) == {ord(c) for c in "火炬动态"}


def test_truncated_table_is_not_read_as_ranges():
    data = (ROOT / "fonts" / "CompositorSong-Regular.otf").read_bytes()
    table = TTFont(io.BytesIO(data)).reader["cmap"]
    assert _format12_ranges(table[:40]) is None  # cut in the subtable directory
    assert _format12_ranges(table[:-12]) is None  # the last group cut off
