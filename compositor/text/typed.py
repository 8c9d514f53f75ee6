"""What editors type where GB/T 15834-2011 (punctuation) and GB/T 15835-2011 (numbers)
print something else: each rule is a pure function from a text to the edits it makes.

``text/normalize.py`` applies them, with its own rules for ``, ; : ! ? ( )`` and stray
spaces, in one pipeline that build, check and import share. In Chinese context:

* straight ``"…"`` and ``'…'`` become “…” and ‘…’, paired in the order typed (so nested as
  typed); a text with an unpaired one keeps them all and ``doubts`` says so;
* a ``.`` ending a Chinese sentence becomes 。, also before a closing quote;
* ``...`` (three or more dots), a lone ``…`` and ``。。。`` become ……;
* ``--`` between Chinese characters becomes ——. A lone ``—`` is kept: GB/T 15834 (4.13)
  prints it as the 连接号 一字线 (研发—育苗—孵化, 北京—上海); ``doubts`` names one that
  stands alone, in case a 破折号 was meant;
* full-width digits and Latin letters, and the ％ and the ． of their numbers, become
  half-width (２０２２ → 2022, ＡＩ → AI, １２．３％ → 12.3%), as GB/T 15835 prints numbers.

Never touched (``protected_spans``): URLs and e-mail addresses (text/urls.py) and numbers
with their separators (3.5%, 3,000, v2.0, 10:30, 1:2). Latin text keeps its ASCII marks:
a rule acts only where the nearest deciding character is Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from compositor.text.classes import (
    CHINESE_CONTEXT,
    CLOSING_BRACKETS,
    HAN,
    is_chinese_context,
    is_han,
)
from compositor.text.urls import url_spans


@dataclass(frozen=True)
class Edit:
    """``text[start:end]`` becomes ``new``, by the rule named ``rule``."""

    start: int
    end: int
    new: str
    rule: str


@dataclass(frozen=True)
class Doubt:
    """A place where what was meant is unclear: the text is kept, ``check`` asks."""

    index: int
    rule: str


# A number with its separators, an optional unit letter before it (v2.0) and % after it.
NUMBER = re.compile(r"[A-Za-z]?[0-9]+(?:[.,:][0-9]+)+%?")
# Written identically in Chinese and Latin text, so they cannot tell which one we are in.
NEUTRAL = frozenset("“”‘’\"'—–-…·,:;()!?，：；（）！？ \t")
FULLWIDTH_ALNUM = {
    **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "％": "%",  # a percentage prints like the digits before it
}
FULLWIDTH_POINT = "．"
ELLIPSIS = "……"
DASH = "——"
_ELLIPSES = re.compile(r"\.{3,}|。{3,}|(?<!…)…(?!…)")
_DOUBLE_HYPHEN = re.compile(rf"(?<=[{CHINESE_CONTEXT}])--(?=[{CHINESE_CONTEXT}])")
_LONE_DASH = re.compile(rf"(?<=[{HAN}])—(?=[{HAN}])")
_HAN_NUMERAL_ENUMERATOR = re.compile(r"(?:^|(?<=[^\u4e00-\u9fff]))[一二三四五六七八九十]{1,3}\.")
QUOTES: dict[str, tuple[str, str]] = {'"': ("“", "”"), "'": ("‘", "’")}
# After a sentence's full stop comes the end, a space, Chinese text or a closing mark.
_AFTER_STOP = frozenset("\"'”’)）》」』】] \t\n")  # ] ends a picture's caption


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Where no rule changes a character: addresses and numbers."""
    spans = url_spans(text)
    spans.extend(match.span() for match in NUMBER.finditer(text))
    return spans


def fullwidth_edits(text: str) -> list[Edit]:
    """２０２２ → 2022, ＡＩ → AI, １２．３％ → 12.3% (GB/T 15835: numbers are half-width)."""
    edits = []
    for match in _FULLWIDTH.finditer(text):
        index, char = match.start(), match[0]
        if char != FULLWIDTH_POINT:
            edits.append(Edit(index, index + 1, FULLWIDTH_ALNUM[char], "fullwidth"))
        elif _digit(text, index - 1) and _digit(text, index + 1):
            edits.append(Edit(index, index + 1, ".", "fullwidth"))
    return edits


_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a％．]")


def _digit(text: str, index: int) -> bool:
    if not 0 <= index < len(text):
        return False
    return FULLWIDTH_ALNUM.get(text[index], text[index]) in "0123456789"


def ellipsis_edits(text: str) -> list[Edit]:
    edits = []
    for match in _ELLIPSES.finditer(text):
        start, end = match.span()
        if match[0] != ELLIPSIS and (match[0][0] == "。" or chinese_beside(text, start, end)):
            edits.append(Edit(start, end, ELLIPSIS, "ellipsis"))
    return edits


def dash_edits(text: str) -> list[Edit]:
    return [Edit(*m.span(), DASH, "dash") for m in _DOUBLE_HYPHEN.finditer(text)]


def quote_edits(text: str, protected: list[tuple[int, int]]) -> list[Edit]:
    """Straight quotes in Chinese context, paired in the order typed; a kind of quote with
    an odd count is left as typed (``doubts`` reports it)."""
    edits = []
    for straight, (opening, closing) in QUOTES.items():
        if straight not in text:
            continue
        marks = _straight_quotes(text, straight, protected)
        if len(marks) % 2:
            continue
        for first, second in zip(marks[::2], marks[1::2], strict=True):
            if _quoted_is_chinese(text, first, second):
                edits.append(Edit(first, first + 1, opening, "quotes"))
                edits.append(Edit(second, second + 1, closing, "quotes"))
    return edits


def _straight_quotes(text: str, quote: str, protected: list[tuple[int, int]]) -> list[int]:
    """Positions of ``quote`` that are quotes: not in an address, not an apostrophe (it's)."""
    found = []
    for match in re.finditer(re.escape(quote), text):
        index = match.start()
        if any(start <= index < end for start, end in protected):
            continue
        if quote == "'" and _alnum(text, index - 1) and _alnum(text, index + 1):
            continue
        found.append(index)
    return found


def _alnum(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and text[index].isalnum()


def _quoted_is_chinese(text: str, first: int, second: int) -> bool:
    inside = text[first + 1 : second]
    if any(is_chinese_context(c) and c not in NEUTRAL for c in inside):
        return True
    return chinese_beside(text, first, second + 1)


def full_stop_edits(text: str) -> list[Edit]:
    """A ``.`` ending a Chinese sentence: after Chinese text (or a Latin word or number in
    it, 增长15%.), before the end, a space, Chinese text or a closing mark."""
    edits = []
    for match in re.finditer(r"\.", text):
        if _ends_chinese_sentence(text, match.start()):
            edits.append(Edit(match.start(), match.end(), "。", "full_stop"))
    return edits


def _ends_chinese_sentence(text: str, index: int) -> bool:
    after = text[index + 1] if index + 1 < len(text) else ""
    if after and after not in _AFTER_STOP and not is_chinese_context(after):
        return False  # 3.5, a.jpg, e.g.: not a sentence's end
    if after == "." or (index > 0 and text[index - 1] == "."):
        return False  # dots: an ellipsis, or a leader
    start = index
    while start > 0 and (_run_char(text[start - 1]) or _separator(text, start - 1)):
        start -= 1
    if start == 0:
        return False  # 1. at the start: an enumerator
    before = text[start - 1]
    if not (is_han(before) or (start == index and before in CLOSING_BRACKETS)):
        return False
    if start < index and text[start:index].isdigit() and after and after not in _AFTER_STOP:
        return False  # ：1.加强 — an enumerator inside the text
    return not _han_numeral_enumerator(text, index)


def _run_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "%")


def _separator(text: str, index: int) -> bool:
    """The . , or : inside a number (5.2, 1,000, 10:30)."""
    return text[index] in ".,:" and _digit(text, index - 1) and _digit(text, index + 1)


def _han_numeral_enumerator(text: str, index: int) -> bool:
    """一.总体 — a Han enumerator typed with a dot is no sentence's end (``doubts`` asks)."""
    return any(m.end() == index + 1 for m in _HAN_NUMERAL_ENUMERATOR.finditer(text))


def chinese_beside(text: str, start: int, end: int) -> bool:
    """Is the nearest deciding character before ``start`` or from ``end`` on Chinese?"""
    before = _deciding(text[index] for index in range(start - 1, -1, -1))
    after = _deciding(text[index] for index in range(end, len(text)))
    return any(c is not None and is_chinese_context(c) for c in (before, after))


def _deciding(chars) -> str | None:
    return next((c for c in chars if c not in NEUTRAL and not c.isspace()), None)


def doubts(text: str) -> list[Doubt]:
    """What the rules leave as typed because they cannot tell what was meant."""
    found = []
    protected = protected_spans(text)
    for straight in QUOTES:
        marks = _straight_quotes(text, straight, protected)
        if len(marks) % 2 and any(chinese_beside(text, i, i + 1) for i in marks):
            found.append(Doubt(marks[-1], "unpaired_quote"))
    lone = list(_LONE_DASH.finditer(text))
    if len(lone) == 1 and "—" not in text[: lone[0].start()] + text[lone[0].end() :]:
        found.append(Doubt(lone[0].start(), "lone_dash"))
    enumerators = _HAN_NUMERAL_ENUMERATOR.finditer(text)
    found.extend(Doubt(m.end() - 1, "han_enumerator") for m in enumerators)
    return sorted(found, key=lambda doubt: doubt.index)
