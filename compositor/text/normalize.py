"""Chinese punctuation and spacing normalisation: pure text → text functions.

Shared by the importers (which store normalised text), the build (which normalises
whatever the editor typed) and ``compositor check`` (which reports every change, where
it was typed, and whose ``--fix`` writes them). ``normalize`` is idempotent.

``normalize_line`` runs the rules of text/typed.py (straight quotes, 。, ……, ——,
full-width digits and letters: GB/T 15834/15835 for what editors type, never inside a
number or an address) and then the two below, to their fixed point; ``changes`` says
what it changed, ``doubts`` what it left as typed because the intent is unclear.

The rules for ASCII marks and spaces (GB/T 15834 and clreq: marks in Chinese text are
the full-width ones):

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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# The one table of character classes (text/classes.py); is_han and is_chinese_context
# are named here too because the normaliser's rules are written in their terms.
from compositor.i18n import N_, _
from compositor.text import typed
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
    """What prints for what an editor typed: line breaks joined, then ``normalize_line``."""
    return normalize_line(join_lines(text))


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
# A layout prints some fields inside marks of its own, declared as data ([marks] in its
# layout.toml, "{}" standing for the field: section = "【{}】", credit = "（供稿：{}）").
# Editors who type the marks themselves would see them twice (docs/编辑指南.md tells them
# not to), so the marks of the layout at hand are taken off what they typed. The marks come
# in as an argument: this module knows no layout.
MARK_PLACES = {
    "section": N_("{marks} around a section title"),
    "subtitle": N_("{marks} before a subtitle"),
    "credit": N_("{marks} around a credit"),
}
# How an editor may type a mark's characters: ASCII brackets and colons for full-width ones,
# any run of dashes for a dash.
_TYPED_AS = {"（": "[(（]", "）": "[)）]", "：": "[:：]", ":": "[:：]", "(": "[(（]", ")": "[)）]"}
_DASHES = frozenset("—–－")
_ANY_DASHES = r"(?:[—–－]+|-{2,})"
# A pair of brackets a mark may put around everything else in it (（供稿：{}）).
_BRACKETS = {"（": "）", "(": ")", "【": "】", "〔": "〕", "[": "]"}
# （供稿：…） or （来源：…） at the end of a text; the source may hold brackets of its own,
# one level deep: （供稿：西部（重庆）科学城管委会）. The importers find credits with it too.
CREDIT = re.compile(
    r"[(（]\s*(?P<label>供稿|来源)\s*[:：]\s*"
    r"(?P<source>(?:[^()（）]|[(（][^()（）]*[)）])*?)\s*[)）]\s*$"
)


def mark_affixes(mark: str) -> tuple[str, str]:
    """A mark's text before and after its field: "（供稿：{}）" → ("（供稿：", "）")."""
    before, _field, after = mark.partition("{}")
    return before, after


def describe_mark(kind: str, mark: str) -> str:
    """The mark as a message names it: 【】 around a section title, （供稿：…） around a credit."""
    before, after = mark_affixes(mark)
    shown = before + ("…" if any(c.isalnum() for c in before + after) and after else "") + after
    return _(MARK_PLACES.get(kind, "{marks}")).format(marks=shown)


def strip_mark(mark: str | None, text: str) -> str:
    """``text`` without ``mark`` ("【{}】") typed around it, in any of the forms an editor
    types it (ASCII brackets and colons, any run of dashes, spaces); a pair of brackets
    around the whole mark may be left out (供稿：X for （供稿：{}）). No mark: ``text``."""
    if not mark:
        return text
    for before, after in _typed_forms(*mark_affixes(mark)):
        pattern = rf"^\s*{_typed(before)}\s*(?P<text>.*?)\s*{_typed(after)}\s*$"
        if match := re.match(pattern, text, re.S):
            return match["text"]
    return text


def _typed_forms(before: str, after: str) -> list[tuple[str, str]]:
    """The mark whole, and without the brackets around it when words are left inside."""
    forms = [(before, after)]
    if before[:1] in _BRACKETS and after.endswith(_BRACKETS[before[0]]) and before[1:]:
        forms.append((before[1:], after[:-1]))
    return [(b, a) for b, a in forms if b or a]


def _typed(affix: str) -> str:
    """A regular expression for ``affix`` as editors type it, spaces allowed between."""
    parts: list[str] = []
    for char in affix:
        if char.isspace():
            continue
        if char in _DASHES:
            if parts and parts[-1] == _ANY_DASHES:
                continue
            parts.append(_ANY_DASHES)
        else:
            parts.append(_TYPED_AS.get(char, re.escape(char)))
    return r"\s*".join(parts)


def strip_layout_marks(kind: str, text: str, marks: Mapping[str, str]) -> str:
    """``text`` without the marks the layout (``marks``, its [marks]) prints around a field
    of ``kind`` (section, subtitle, credit; a kind without a mark is returned as is)."""
    return strip_mark(marks.get(kind), text)


def normalize_field(kind: str, text: str, marks: Mapping[str, str]) -> str:
    """What the build prints for an editor's field: the marks the layout adds around a
    field of ``kind`` (``marks``, its [marks]) removed, then ``normalize``. ``kind`` is
    section, subtitle, credit, or anything else (title, lead, body)."""
    return normalize(strip_layout_marks(kind, join_lines(text), marks))


# --- the pipeline: what editors type → what prints ---------------------------------

# The rules below reach their fixed point in one pass on ordinary text; a second pass is
# needed only where one rule makes another apply (a space removed brings a . next to Han).
MAX_PASSES = 4


def normalize_line(text: str) -> str:
    """Every rule of text/typed.py, then ``, ; : ! ? ( )`` and stray spaces, to the
    fixed point: normalising twice gives what normalising once gave."""
    return _normalized(text).text


@dataclass(frozen=True)
class _Tracked:
    """A text being normalised, and for each of its characters the index of the typed
    character it still is (None for one a rule wrote), so that changes are reported
    where they were typed."""

    text: str
    kept: tuple[int | None, ...]


# Build, check and the preview's findings normalise every paragraph of an issue, and a
# watch or preview does it again after each save, where one paragraph changed: the same
# text gives the same result (a pure function), so results are kept (the sample has
# about 760 texts; kept, a warm rebuild reads it in 0.011 s instead of 0.017 s, and the
# preview's check takes 0.032 s instead of 0.050 s).
@lru_cache(maxsize=8192)
def _normalized(text: str) -> _Tracked:
    tracked = _Tracked(text, tuple(range(len(text))))
    for _pass in range(MAX_PASSES):
        normalized = _one_pass(tracked)
        if normalized.text == tracked.text:
            break
        tracked = normalized
    return tracked


def _one_pass(tracked: _Tracked) -> _Tracked:
    rules = (
        typed.fullwidth_edits,
        typed.ellipsis_edits,
        typed.dash_edits,
        lambda text: typed.quote_edits(text, typed.protected_spans(text)),
        typed.full_stop_edits,
        _punctuation_edits,
        _stray_space_edits,
    )
    for rule in rules:
        tracked = _apply(tracked, rule(tracked.text))
    return tracked


def _punctuation_edits(text: str) -> list[typed.Edit]:
    converted = normalize_punctuation(text)
    pairs = enumerate(zip(text, converted, strict=True))
    return [typed.Edit(i, i + 1, new, "punctuation") for i, (old, new) in pairs if old != new]


def _stray_space_edits(text: str) -> list[typed.Edit]:
    return [typed.Edit(s, e, "", "space") for s, e in _space_runs(text, _stray_boundary)]


def _apply(tracked: _Tracked, edits: list[typed.Edit]) -> _Tracked:
    """``edits`` made, except those that touch an address or a number."""
    if not edits:
        return tracked
    text = tracked.text
    protected = typed.protected_spans(text)
    out: list[str] = []
    kept: list[int | None] = []
    last = 0
    for edit in sorted(edits, key=lambda e: e.start):
        touches = any(s < max(edit.end, edit.start + 1) and edit.start < e for s, e in protected)
        if edit.start < last or touches:
            continue
        out.extend((text[last : edit.start], edit.new))
        kept.extend((*tracked.kept[last : edit.start], *[None] * len(edit.new)))
        last = edit.end
    out.append(text[last:])
    kept.extend(tracked.kept[last:])
    return _Tracked("".join(out), tuple(kept))


# --- what check reports -----------------------------------------------------------------

# Every message about typed text, in one place (plain sentences naming what to do).
CHANGE_MESSAGES = {
    "punctuation": N_(
        "half-width {old!r} in Chinese text: type the full-width {new!r} (the build converts it)"
    ),
    "space": N_(
        "stray space in Chinese text: delete it (the build removes it; the layout sets "
        "the spacing itself)"
    ),
    "quotes": N_(
        "straight quotes in Chinese text: type {new!r} for {old!r} (the build converts them)"
    ),
    "full_stop": N_(
        "a Chinese sentence ends with 。: type {new!r} for {old!r} (the build converts it)"
    ),
    "ellipsis": N_(
        "the Chinese ellipsis is …… (two …): type {new!r} for {old!r} (the build converts it)"
    ),
    "dash": N_("the Chinese dash (破折号) is ——: type {new!r} for {old!r} (the build converts it)"),
    "fullwidth": N_(
        "digits and Latin letters are half-width: type {new!r} for {old!r} (the "
        "build converts them)"
    ),
    "several": N_("type {new!r} for {old!r} in Chinese text ({rules}; the build converts it)"),
}
RULE_NAMES = {
    "punctuation": N_("full-width ，：；！？（）"),
    "space": N_("no stray spaces"),
    "quotes": N_("quotes “ ” ‘ ’"),
    "full_stop": N_("full stop 。"),
    "ellipsis": N_("ellipsis ……"),
    "dash": N_("dash ——"),
    "fullwidth": N_("half-width digits and letters"),
}
DOUBT_MESSAGES = {
    "unpaired_quote": N_(
        "a straight quote {char!r} without its partner, so it is printed as "
        "typed: type “ ” or ‘ ’ yourself, so that the quotes pair as you mean"
    ),
    "lone_dash": N_(
        "a single — between Chinese characters prints as a 连接号 (北京—上海): if you "
        "meant a 破折号, type ——"
    ),
    "han_enumerator": N_(
        "a Han number with a dot ({char!r}) is printed as typed: type 、 after a Han number (一、)"
    ),
}


@dataclass(frozen=True)
class Change:
    """One change the normaliser makes: ``text[start:end]`` (``old``) becomes ``new``."""

    start: int
    end: int
    old: str
    new: str
    rules: tuple[str, ...]

    @property
    def message(self) -> str:
        if len(self.rules) == 1:
            return _(CHANGE_MESSAGES[self.rules[0]]).format(old=self.old, new=self.new)
        rules = _(", ").join(_(RULE_NAMES[rule]) for rule in self.rules)
        return _(CHANGE_MESSAGES["several"]).format(old=self.old, new=self.new, rules=rules)


@dataclass(frozen=True)
class Doubt:
    """A place the normaliser leaves as typed because it cannot tell what was meant."""

    index: int
    message: str


def changes(text: str) -> list[Change]:
    """What ``normalize_line`` changes in ``text``, as edits of ``text`` that do not
    overlap: made in order, they give ``normalize_line(text)`` (``apply_changes``)."""
    normalized = _normalized(text)
    found: list[Change] = []
    # Between two typed characters the rules kept, what was typed became what is there now.
    anchors = [(-1, -1)]
    anchors.extend((k, j) for j, k in enumerate(normalized.kept) if k is not None)
    anchors.append((len(text), len(normalized.text)))
    for (k1, j1), (k2, j2) in zip(anchors, anchors[1:], strict=False):
        if k2 - k1 > 1 or j2 - j1 > 1:
            found.extend(_split(text, k1 + 1, k2, normalized.text[j1 + 1 : j2]))
    return found


def _split(text: str, start: int, end: int, new: str) -> list[Change]:
    """One changed stretch as the changes an editor reads one by one (``, `` → ``，``
    is a mark and a space); a stretch no rule explains piece by piece stays whole."""
    pieces = _pieces(text[start:end], new)
    if pieces is None:
        old = text[start:end]
        return [Change(start, end, old, new, _rules_in(old, new) or ("punctuation",))]
    found, offset = [], start
    for old, replacement, rule in pieces:
        found.append(Change(offset, offset + len(old), old, replacement, (rule,)))
        offset += len(old)
    return [change for change in found if change.old != change.new]


# A changed stretch longer than this is reported whole (splitting it is a search).
MAX_SPLIT = 12


def _pieces(old: str, new: str) -> list[tuple[str, str, str]] | None:
    """``old`` → ``new`` as consecutive pieces each made by one rule (unchanged characters
    are pieces too), or None when there is no such split."""
    if len(old) > MAX_SPLIT:
        return None
    failed: set[tuple[int, int]] = set()  # (i, j) from which no split exists

    def split_from(i: int, j: int) -> list[tuple[str, str, str]] | None:
        if i == len(old) and j == len(new):
            return []
        if (i, j) in failed:
            return None
        if i < len(old) and j < len(new) and old[i] == new[j]:
            rest = split_from(i + 1, j + 1)
            if rest is not None:
                return [(old[i], new[j], "same"), *rest]
        for k in range(i + 1, len(old) + 1):
            for m in range(j, len(new) + 1):
                rule = _rule(old[i:k], new[j:m])
                if rule and (rest := split_from(k, m)) is not None:
                    return [(old[i:k], new[j:m], rule), *rest]
        failed.add((i, j))
        return None

    return split_from(0, 0)


def _rule(old: str, new: str) -> str | None:
    """The one rule that turns ``old`` into ``new``, if one does."""
    one_for_one = {
        "fullwidth": {**typed.FULLWIDTH_ALNUM, typed.FULLWIDTH_POINT: "."},
        "punctuation": HALFWIDTH_TO_FULLWIDTH,
        "quotes": {'"': "“”", "'": "‘’"},
        "full_stop": {".": "。"},
    }
    if len(old) == 1 and len(new) == 1:
        return next(
            (rule for rule, table in one_for_one.items() if new in table.get(old, "")), None
        )
    if new == typed.ELLIPSIS and (re.fullmatch(r"\.{3,}|。{3,}", old) or old == "…"):
        return "ellipsis"
    if old == "--" and new == typed.DASH:
        return "dash"
    if old and not old.strip(" ") and not new:
        return "space"
    return None


def _rules_in(old: str, new: str) -> tuple[str, ...]:
    """The rules that took part in a change no single rule explains."""
    found = {
        "fullwidth": any(c in typed.FULLWIDTH_ALNUM or c == typed.FULLWIDTH_POINT for c in old),
        "ellipsis": typed.ELLIPSIS in new,
        "dash": typed.DASH in new,
        "quotes": any(c in "\"'" for c in old) and any(c in "“”‘’" for c in new),
        "full_stop": "." in old and "。" in new,
        "punctuation": any(c in HALFWIDTH_TO_FULLWIDTH for c in old),
        "space": " " in old,
    }
    return tuple(rule for rule, applies in found.items() if applies)


def apply_changes(text: str, found: list[Change]) -> str:
    out, last = [], 0
    for change in sorted(found, key=lambda c: c.start):
        out.append(text[last : change.start])
        out.append(change.new)
        last = change.end
    out.append(text[last:])
    return "".join(out)


def doubts(text: str) -> list[Doubt]:
    """What the normaliser keeps as typed but an editor should decide."""
    return [
        Doubt(d.index, _(DOUBT_MESSAGES[d.rule]).format(char=text[d.index]))
        for d in typed.doubts(text)
    ]


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

    Whitespace is dropped and the marks the normaliser changes are folded to ASCII (runs
    of dots and dashes to one), so a line split
    across a page break, a title with a stray space and its normalised form all
    compare equal. Used by the importer's lose-nothing check and by tests.
    """
    folded = "".join(text.split()).translate(_FULLWIDTH_TO_HALFWIDTH).translate(_FOLDED_MARKS)
    return _FOLDED_RUNS.sub(lambda m: m[0][0], folded)


# What the typed rules change (text/typed.py), folded the same way: quotes to straight ones,
# runs of dots and dashes to one, full-width digits and letters to ASCII.
_FOLDED_MARKS = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "。": ".", "…": ".", "—": "-", "．": ".",
     **typed.FULLWIDTH_ALNUM}
)  # fmt: skip
_FOLDED_RUNS = re.compile(r"\.{2,}|-{2,}")
