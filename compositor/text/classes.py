"""Character classes for Chinese line layout (clreq), as pure functions of one character.

Full-width punctuation occupies one em, but its ink sits in one half of it:
opening brackets and quotes on the right (the blank half is on the left), closing
brackets, quotes and — in mainland (GB) fonts — the stops 、，。：；！？ on the left.
Compression and the line-edge rules only need to know which side is blank.
"""

from __future__ import annotations

import re
import unicodedata

# Blank half on the left: （《「『【〔〈“‘ and their rarer relatives.
OPENING = frozenset("（《「『【〔〈〖〘〚［｛“‘")
# Blank half on the right: closing brackets and quotes, and the GB stops.
CLOSING_BRACKETS = frozenset("）》」』】〕〉〗〙〛］｝”’")
STOPS = frozenset("、，。：；！？．")
CLOSING = CLOSING_BRACKETS | STOPS

# 避头尾: never first on a line. Besides the closing marks: middle dots, iteration marks,
# small kana, signs that follow a number, and the ASCII closers of Latin text.
NOT_AT_LINE_START = (
    CLOSING
    | frozenset("·・‥々〻ゝゞヽヾーぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ")
    | frozenset("%‰‱℃℉°′″")
    | frozenset(",.;:!?)]}")
)
# Never last on a line: opening marks, and signs that precede a number (¥12, $5, #3).
NOT_AT_LINE_END = OPENING | frozenset("([{¥￥$＄£€#＃№")

# Each drawn doubled (—— and ……), two ems that never split across lines.
DOUBLED = frozenset("—…")

# A list item's bullet as an editor types it (Markdown's - * +, and · •), and what prints
# for every one of them: U+2022, a full em wide and centred in the body face, so that the
# item's text stays on the character grid (clreq) and a typed hyphen never prints as one.
BULLETS = frozenset("-*+·•")
BULLET = "\u2022"

SPACE = " "
ZERO_WIDTH_SPACE = "\u200b"  # an explicit break opportunity
WORD_JOINER = "\u2060"  # explicitly no break
NO_BREAK_SPACE = "\u00a0"

# The one table of character classes, shared by the normaliser (text/normalize.py), line
# layout and preflight. Written as regular-expression classes: line layout classifies
# every character of every line several times, and a compiled class is many times faster
# than a loop over ranges.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CHINESE_CONTEXT = HAN + "\u3000-\u303f\u3040-\u30ff\ufe30-\ufe4f\uff00-\uffef"
# Western letters and digits (Latin with accents, Greek, Cyrillic) and %, part of a number.
LATIN_ALNUM = (
    "0-9A-Za-z%"
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"  # accented Latin, without × and ÷
    "\u0370-\u03ff\u0400-\u04ff"  # Greek, Cyrillic
)
# Characters around which justification space goes (see takes_justification).
STRETCH = f" {CHINESE_CONTEXT}\u00b7\u2010-\u2013\u2015-\u2025\u2027-\u206f"
_HAN = re.compile(f"[{HAN}]")
_CJK = re.compile(f"[{CHINESE_CONTEXT}\u00b7\u2010-\u206f]")
_STRETCH = re.compile(f"[{STRETCH}]")
_CHINESE_CONTEXT = re.compile(f"[{CHINESE_CONTEXT}]")
_LATIN_ALNUM = re.compile(f"[{LATIN_ALNUM}]")
_PAIR = re.compile(
    "(?<=[{closing}])(?=[{closing}{opening}])|(?<=[{opening}])(?=[{opening}])".format(
        closing=re.escape("".join(sorted(CLOSING))), opening=re.escape("".join(sorted(OPENING)))
    )
)
_HAN_LATIN = re.compile(f"(?<=[{HAN}])(?=[{LATIN_ALNUM}])|(?<=[{LATIN_ALNUM}])(?=[{HAN}])")


def is_han(char: str) -> bool:
    """A Han ideograph (汉字)."""
    return _HAN.match(char) is not None


def is_chinese_context(char: str) -> bool:
    """Han, CJK symbols and punctuation, kana, full-width forms."""
    return _CHINESE_CONTEXT.match(char) is not None


def is_opening(char: str) -> bool:
    return char in OPENING


def is_closing(char: str) -> bool:
    return char in CLOSING


def is_cjk(char: str) -> bool:
    """Han, kana, CJK and full-width punctuation, and the curly quotes, dashes and
    ellipsis that Chinese text shares with Latin (in a zh document they are CJK marks)."""
    return _CJK.match(char) is not None


def contains_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def is_latin(char: str) -> bool:
    """A character of a Western word or number: letters, digits, and the punctuation
    inside them (5.2%, R&D, www.chinatorch.gov.cn). Runs of these never break."""
    return not (char.isspace() or is_cjk(char) or is_format(char))


def is_latin_alnum(char: str) -> bool:
    """A Western letter or digit (or %, part of the number) that keeps its distance from Han."""
    return _LATIN_ALNUM.match(char) is not None


def is_format(char: str) -> bool:
    """Invisible format characters (ZWSP, word joiner, variation selectors …)."""
    return unicodedata.category(char) in ("Cf", "Mn", "Me") or 0xFE00 <= ord(char) <= 0xFE0F


def is_han_latin_boundary(left: str, right: str) -> bool:
    """clreq §3.4: a quarter em goes between a Han character and a Western letter or digit."""
    return _HAN_LATIN.search(left + right) is not None


def pair_boundaries(text: str) -> list[int]:
    """Every index ``i`` where ``text[i - 1]`` and ``text[i]`` are a ``compressible_pair``."""
    return [match.start() for match in _PAIR.finditer(text)]


def han_latin_boundaries(text: str) -> list[int]:
    """Every index ``i`` where ``text[i - 1]`` and ``text[i]`` are Han and Latin (either way)."""
    return [match.start() for match in _HAN_LATIN.finditer(text)]


def takes_justification(char: str) -> bool:
    """Does this character take inter-character justification space around it?

    Latin words and numbers never do (their letters stay together), nor do the halves
    of —— and …… (they must read as one line of dots or one rule).
    """
    return _STRETCH.match(char) is not None


def justification_flags(text: str) -> list[bool]:
    """``takes_justification`` of every character of ``text``."""
    flags = [False] * len(text)
    for match in _STRETCH.finditer(text):
        flags[match.start()] = True
    return flags


def compressible_pair(left: str, right: str) -> bool:
    """Two full-width marks whose blank halves meet: together they take 1.5 em.

    The blank between them is the right half of a closing mark or the left half of an
    opening one; an opening mark followed by a closing one ("（）") has none between.
    """
    if left in CLOSING:
        return right in CLOSING or right in OPENING
    if left in OPENING:
        return right in OPENING
    return False


__all__ = [
    "CLOSING",
    "DOUBLED",
    "NOT_AT_LINE_END",
    "NOT_AT_LINE_START",
    "OPENING",
    "compressible_pair",
    "han_latin_boundaries",
    "contains_cjk",
    "is_chinese_context",
    "is_cjk",
    "is_closing",
    "is_han",
    "is_han_latin_boundary",
    "is_latin",
    "is_latin_alnum",
    "is_opening",
    "justification_flags",
    "pair_boundaries",
    "takes_justification",
]


# Emoji and pictographs: a bulletin never prints them (no shipped face has them, and the
# fallback faces are not asked). Mahjong to Symbols and Pictographs Extended-A, the
# miscellaneous symbols and dingbats, the variation selector that asks for the emoji
# form, and the keycap and flag pieces.
EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u20e3\U000e0020-\U000e007f"
_EMOJI = re.compile(f"[{EMOJI}]")


def is_emoji(char: str) -> bool:
    """Whether ``char`` is an emoji or pictograph (only asked of characters no face has)."""
    return _EMOJI.match(char) is not None
