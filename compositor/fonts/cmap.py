"""The code points a font maps, read straight from its ``cmap`` table.

fontTools' ``getBestCmap`` maps every code point to a glyph *name*, and for CFF fonts
naming glyphs means parsing the CFF charset: 0.18 s for the five shipped CJK fonts,
paid by every cold build before layout starts. The coverage check only needs the set
of code points, which a format 12 subtable (the one CJK fonts use, and the one
``getBestCmap`` prefers) lists as ranges: reading them takes a few milliseconds.
Fonts without a format 12 subtable go through fontTools as before.
"""

from __future__ import annotations

import struct
from io import BytesIO

# The subtable fontTools' getBestCmap would choose first: full Unicode (3, 10) or (0, 6).
FULL_UNICODE = ((3, 10), (0, 6), (0, 4))
SEGMENTED_COVERAGE = 12


def mapped_code_points(font_data: bytes) -> frozenset[int]:
    """Every code point the font's preferred cmap subtable maps to a glyph."""
    from fontTools.ttLib import TTFont  # not at import: every CLI command imports fontset

    font = TTFont(BytesIO(font_data), lazy=True)
    if font.reader is None or "cmap" not in font.reader:
        return frozenset()  # a font without a cmap draws no character
    ranges = _format12_ranges(font.reader["cmap"])
    if ranges is None:
        return frozenset(font.getBestCmap() or ())
    return frozenset(code for first, last in ranges for code in range(first, last + 1))


def _format12_ranges(table: bytes) -> list[tuple[int, int]] | None:
    """(first, last) code points of each group of the preferred subtable, when that
    subtable is a format 12 one; None otherwise (or if the table is malformed)."""
    try:
        _version, count = struct.unpack_from(">HH", table)
        offsets: dict[tuple[int, int], int] = {}
        for index in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", table, 4 + 8 * index)
            offsets.setdefault((platform, encoding), offset)
        offset = next((offsets[key] for key in FULL_UNICODE if key in offsets), None)
        if offset is None or struct.unpack_from(">H", table, offset)[0] != SEGMENTED_COVERAGE:
            return None
        (groups,) = struct.unpack_from(">L", table, offset + 12)
        records = table[offset + 16 : offset + 16 + 12 * groups]
        if len(records) != 12 * groups:
            return None  # truncated
        return [(first, last) for first, last, _glyph in struct.iter_unpack(">LLL", records)]
    except struct.error:
        return None
