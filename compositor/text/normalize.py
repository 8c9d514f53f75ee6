"""Chinese punctuation and spacing normalisation: pure text → text functions.

Shared by the legacy importer (which stores normalised text), the build (which
normalises whatever the editor typed) and ``compositor check`` (which warns about
half-width marks). Every function here is idempotent and only ever changes the
seven ASCII marks below or removes ASCII spaces; no other character is touched.

The rules (GB/T 15834 and clreq: marks in Chinese text are the full-width ones):

* An ASCII ``, : ; ( ) ! ?`` becomes full-width when the nearest *deciding*
  character on either side is Chinese (a Han character, CJK punctuation, kana or
  a full-width form). Spaces, curly quotes, dashes, the ellipsis and the marks
  themselves do not decide: they are written the same way in both scripts. Because
  a decision never depends on another mark, one pass reaches the fixed point.
* A ``:`` or ``,`` with an ASCII digit immediately on both sides stays ASCII: ratios
  and times (``1.4:41.8:56.8``, ``10:30``) and thousands separators (``1,000``).
* Parentheses are decided per matched pair, so both halves always agree: a pair is
  full-width when its content holds Chinese (``(7号文)``, ``西部(重庆)科学城``) or
  when the text just outside it is Chinese. So ``电话:(010)88656173`` becomes
  ``电话：（010）88656173`` — the area code sits in Chinese text, and Chinese
  bulletins print it with full-width brackets — while ``(010)88656173`` alone,
  or ``(see p. 3)`` in a Latin sentence, stays ASCII.
* Everything else in Latin context stays ASCII: ``R&D``, ``5.2%``, URLs such as
  ``www.chinatorch.gov.cn`` or ``http://x.cn`` (the colon sits between Latin letters).

Spacing between Han and Latin is the layout's job (a quarter em, see clreq), so
stray ASCII spaces typed or extracted there are removed, as are spaces next to
full-width punctuation and between Han and curly quotes, whose full-width glyphs
already carry their own space. Spaces between two Han characters are kept: they
are deliberate (产业 崛起的力量, 奋进新征程 建功新时代).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The one table of character classes (text/classes.py); is_han and is_chinese_context
# are named here too because the normaliser's rules are written in their terms.
from compositor.text.classes import (
    BULLET,
    BULLETS,
    is_chinese_context,
    is_han,
    is_han_latin_boundary,
)

HALFWIDTH_TO_FULLWIDTH = {
    ",": "，",
    ":": "：",
    ";": "；",
    "(": "（",
    ")": "）",
    "!": "！",
    "?": "？",
}
_MARKS = frozenset(HALFWIDTH_TO_FULLWIDTH) | frozenset(HALFWIDTH_TO_FULLWIDTH.values())
# Written identically in Chinese and Latin text, so they cannot tell which one we are in.
_NEUTRAL = frozenset("“”‘’\"'—–-…·")
# Marks that keep ASCII form between two digits: 1.4:41.8, 10:30, 1,000.
_BETWEEN_DIGITS = frozenset(":,")
_DIGITS = frozenset("0123456789")
_CURLY_QUOTES = frozenset("“”‘’")


def is_fullwidth_punctuation(char: str) -> bool:
    """CJK punctuation such as ，。、：《》（）; its glyph carries its own spacing."""
    code = ord(char)
    in_range = 0x3001 <= code <= 0x303F or 0xFF01 <= code <= 0xFF65
    return in_range and unicodedata.category(char).startswith("P")


def normalize(text: str) -> str:
    """All of the below, in the order that keeps the result stable."""
    return remove_stray_spaces(normalize_punctuation(join_lines(text)))


def normalize_item(marker: str, text: str) -> tuple[str, str]:
    """A list item as printed: a bullet becomes ``BULLET``; an enumerator keeps its form
    and is normalised with the item's text, as the start of a paragraph would be (its
    ASCII brackets in Chinese text become full-width: ``(1)实施`` → ``（1）实施``)."""
    if marker in BULLETS:
        return BULLET, normalize(text)
    printed = normalize(marker + text)
    # normalize changes marks one for one and removes only spaces, and a marker has none
    return printed[: len(marker)], printed[len(marker) :]


def join_lines(text: str) -> str:
    """A line break typed inside one text (a TOML multi-line title) is not a space in
    Chinese: "举办\n专题培训班" → "举办专题培训班". Between two Latin words it is one space."""
    return _LINE_BREAK.sub(lambda m: _join(text, m.start(), m.end()), text)


# Any white space on either side of the break goes with it (U+0085 NEL or U+3000 too).
_LINE_BREAK = re.compile(r"\s*\n\s*")


def _join(text: str, start: int, end: int) -> str:
    if start == 0 or end == len(text):
        return ""
    left, right = text[start - 1], text[end]
    return "" if is_chinese_context(left) or is_chinese_context(right) else " "


# --- what the layout adds around a field ---------------------------------------
# The layout prints 【section】, ——subtitle and （供稿：credit）; editors who type the
# marks themselves would see them twice (docs/编辑指南.md tells them not to).
LAYOUT_MARKS = {
    "section": "【】 around a section title",
    "subtitle": "—— before a subtitle",
    "credit": "（供稿：…） around a credit",
}
_SECTION_BRACKETS = re.compile(r"^\s*【\s*(?P<text>.*?)\s*】\s*$", re.S)
_SUBTITLE_DASHES = re.compile(r"^\s*(?:[—–－]+|-{2,})\s*")
_CREDIT_OPEN = re.compile(r"^\s*供稿\s*[:：]\s*")
# （供稿：…） or （来源：…） at the end of a text; the source may hold brackets of its own,
# one level deep: （供稿：西部（重庆）科学城管委会）. The importers find credits with it too.
CREDIT = re.compile(
    r"[(（]\s*(?P<label>供稿|来源)\s*[:：]\s*"
    r"(?P<source>(?:[^()（）]|[(（][^()（）]*[)）])*?)\s*[)）]\s*$"
)


def strip_layout_marks(kind: str, text: str) -> str:
    """``text`` without the marks the layout prints around a field of ``kind``
    (``section``, ``subtitle`` or ``credit``; any other kind is returned as is)."""
    if kind == "section":
        match = _SECTION_BRACKETS.match(text)
        return match["text"] if match else text
    if kind == "subtitle":
        return _SUBTITLE_DASHES.sub("", text)
    if kind == "credit":
        return strip_credit(text)
    return text


def strip_credit(text: str) -> str:
    """（供稿：西部（重庆）科学城管委会） → 西部（重庆）科学城管委会, and 供稿：X → X;
    brackets inside the source are kept."""
    match = CREDIT.search(text)
    if match and not text[: match.start()].strip():
        return match["source"]
    return _CREDIT_OPEN.sub("", text, count=1)


def normalize_field(kind: str, text: str) -> str:
    """What the build prints for an editor's field: marks the layout adds removed, then
    ``normalize``. ``kind`` is section, subtitle, credit, or anything else (title, lead, body)."""
    return normalize(strip_layout_marks(kind, join_lines(text)))


@dataclass(frozen=True)
class Fix:
    """One change the normaliser makes: ``text[start:end]`` becomes ``replacement``."""

    start: int
    end: int
    replacement: str
    message: str


def suggested_fixes(text: str) -> list[Fix]:
    """The character-level changes ``normalize`` makes, each with a message for an editor:
    half-width marks in Chinese context and stray spaces (for ``compositor check``)."""
    fixes = [
        Fix(
            index,
            index + 1,
            HALFWIDTH_TO_FULLWIDTH[mark],
            f"half-width {mark!r} in Chinese text: type the full-width "
            f"{HALFWIDTH_TO_FULLWIDTH[mark]!r} (the build converts it)",
        )
        for index, mark in find_halfwidth_punctuation(text)
    ]
    for start, end in stray_space_runs(text):
        fixes.append(
            Fix(
                start,
                end,
                "",
                "stray space in Chinese text: delete it (the build removes it; the layout "
                "sets the spacing itself)",
            )
        )
    return sorted(fixes, key=lambda fix: fix.start)


def normalize_punctuation(text: str) -> str:
    """ASCII , : ; ( ) ! ? in Chinese context → ，：；（）！？ (same length, see module doc)."""
    chars = list(text)
    pairs = _match_parentheses(text)
    for index, char in enumerate(text):
        if char not in HALFWIDTH_TO_FULLWIDTH or char in "()":
            continue
        if char in _BETWEEN_DIGITS and _between_digits(text, index):
            continue
        if _chinese_beside(text, index, index):
            chars[index] = HALFWIDTH_TO_FULLWIDTH[char]
    for open_index, close_index in pairs:
        if _parentheses_are_chinese(text, open_index, close_index):
            for index in {open_index, close_index}:
                chars[index] = HALFWIDTH_TO_FULLWIDTH[text[index]]
    return "".join(chars)


def find_halfwidth_punctuation(text: str) -> list[tuple[int, str]]:
    """Positions of ASCII marks that stand in Chinese context (for warnings)."""
    normalized = normalize_punctuation(text)
    pairs = enumerate(zip(text, normalized, strict=True))
    return [(index, old) for index, (old, new) in pairs if old != new]


def remove_han_latin_spaces(text: str) -> str:
    """Drop ASCII spaces between Han and a Latin letter or digit: "2000 多家" → "2000多家"."""
    return _remove_spaces(text, is_han_latin_boundary)


def remove_stray_spaces(text: str) -> str:
    """Han–Latin spaces, and spaces next to full-width punctuation: "区。 （供" → "区。（供".

    Also spaces between Han and a curly quote, which Chinese text sets full-width.
    """
    return _remove_spaces(text, _stray_boundary)


def _match_parentheses(text: str) -> list[tuple[int, int]]:
    """Matched ASCII ( ) pairs as (open, close) indices; unmatched halves pair with themselves."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for index, char in enumerate(text):
        if char == "(":
            stack.append(index)
        elif char == ")":
            pairs.append((stack.pop(), index) if stack else (index, index))
    pairs.extend((index, index) for index in stack)
    return pairs


def _parentheses_are_chinese(text: str, open_index: int, close_index: int) -> bool:
    inside = text[open_index + 1 : close_index]
    if any(is_chinese_context(c) and c not in _MARKS for c in inside):
        return True
    return _chinese_beside(text, open_index, close_index)


def _chinese_beside(text: str, start: int, end: int) -> bool:
    """Is the deciding character before ``start`` or after ``end`` Chinese?"""
    before = _deciding_char(text, range(start - 1, -1, -1))
    after = _deciding_char(text, range(end + 1, len(text)))
    return any(c is not None and is_chinese_context(c) for c in (before, after))


def _deciding_char(text: str, indices: range) -> str | None:
    for index in indices:
        char = text[index]
        if char.isspace() or char in _NEUTRAL or char in _MARKS:
            continue
        return char
    return None


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1] in _DIGITS and text[index + 1] in _DIGITS


def _stray_boundary(left: str, right: str) -> bool:
    return (
        is_han_latin_boundary(left, right)
        or is_fullwidth_punctuation(left)
        or is_fullwidth_punctuation(right)
        # Curly quotes are full-width in Chinese text: 形成 “研发” 的 → 形成“研发”的.
        or (is_han(left) and right in _CURLY_QUOTES)
        or (left in _CURLY_QUOTES and is_han(right))
    )


def stray_space_runs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each run of spaces that ``remove_stray_spaces`` removes.

    Judged on the text as ``normalize`` sees it (half-width marks already full-width),
    so ``会议强调, 要`` reports the space after the comma too."""
    return _space_runs(normalize_punctuation(text), _stray_boundary)


def _space_runs(text: str, is_stray) -> list[tuple[int, int]]:
    """Runs of ASCII spaces whose neighbours satisfy ``is_stray(left, right)``.

    A run's fate depends only on its two neighbours, which removal never changes,
    so removing them twice changes nothing more.
    """
    runs = []
    for match in re.finditer(" +", text):
        start, end = match.span()
        if start > 0 and end < len(text) and is_stray(text[start - 1], text[end]):
            runs.append((start, end))
    return runs


def _remove_spaces(text: str, is_stray) -> str:
    out, last = [], 0
    for start, end in _space_runs(text, is_stray):
        out.append(text[last:start])
        last = end
    out.append(text[last:])
    return "".join(out)


_FULLWIDTH_TO_HALFWIDTH = str.maketrans({v: k for k, v in HALFWIDTH_TO_FULLWIDTH.items()})


def fold_for_comparison(text: str) -> str:
    """Reduce text to what two renderings of the same words share, whatever their context.

    Whitespace is dropped and the seven marks are folded to ASCII, so a line split
    across a page break, a title with a stray space and its normalised form all
    compare equal. Used by the importer's lose-nothing check and by tests.
    """
    return "".join(text.split()).translate(_FULLWIDTH_TO_HALFWIDTH)
