"""Character classes for Chinese line layout (clreq), as pure functions of one character.

Full-width punctuation occupies one em, but its ink sits in one half of it:
opening brackets and quotes on the right (the blank half is on the left), closing
brackets, quotes and — in mainland (GB) fonts — the stops 、，。：；！？ on the left.
Compression and the line-edge rules only need to know which side is blank.
"""

from __future__ import annotations

import unicodedata

from ..normalize import is_chinese_context, is_han

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

SPACE = " "
ZERO_WIDTH_SPACE = "\u200b"  # an explicit break opportunity
WORD_JOINER = "\u2060"  # explicitly no break
NO_BREAK_SPACE = "\u00a0"


def is_opening(char: str) -> bool:
    return char in OPENING


def is_closing(char: str) -> bool:
    return char in CLOSING


def is_cjk(char: str) -> bool:
    """Han, kana, CJK and full-width punctuation, and the curly quotes, dashes and
    ellipsis that Chinese text shares with Latin (in a zh document they are CJK marks)."""
    return is_chinese_context(char) or 0x2010 <= ord(char) <= 0x206F or char in "·"


def is_latin(char: str) -> bool:
    """A character of a Western word or number: letters, digits, and the punctuation
    inside them (5.2%, R&D, www.chinatorch.gov.cn). Runs of these never break."""
    return not (char.isspace() or is_cjk(char) or is_format(char))


def is_latin_alnum(char: str) -> bool:
    """A Latin letter or digit (or %, part of the number) that keeps its distance from Han."""
    return (char.isalnum() or char == "%") and not is_chinese_context(char)


def is_format(char: str) -> bool:
    """Invisible format characters (ZWSP, word joiner, variation selectors …)."""
    return unicodedata.category(char) in ("Cf", "Mn", "Me") or 0xFE00 <= ord(char) <= 0xFE0F


def is_han_latin_boundary(left: str, right: str) -> bool:
    """clreq §3.4: a quarter em goes between a Han character and a Western letter or digit."""
    return (is_han(left) and is_latin_alnum(right)) or (is_latin_alnum(left) and is_han(right))


def takes_justification(char: str) -> bool:
    """Does this character take inter-character justification space around it?

    Latin words and numbers never do (their letters stay together), nor do the halves
    of —— and …… (they must read as one line of dots or one rule).
    """
    return char == SPACE or (is_cjk(char) and char not in DOUBLED)


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
    "is_cjk",
    "is_closing",
    "is_han",
    "is_han_latin_boundary",
    "is_latin",
    "is_latin_alnum",
    "is_opening",
    "takes_justification",
]
