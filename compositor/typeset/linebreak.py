"""Where a line of Chinese text may end, and where it does (clreq 避头尾, greedy fill).

Pure functions: the text, each character's advance, the measure. Pango's own
breaking (UAX #14) is too strict for Chinese — it forbids breaks before “ and ……,
so lines end short — and too loose in places (it splits 100|万). These rules
replace it for Chinese text; the WeasyPrint seam calls ``choose_break`` once per line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..layout import Typesetting
from .classes import (
    DOUBLED,
    NO_BREAK_SPACE,
    NOT_AT_LINE_END,
    NOT_AT_LINE_START,
    SPACE,
    WORD_JOINER,
    ZERO_WIDTH_SPACE,
    is_format,
    is_han,
    is_latin,
)
from .spacing import end_trim, interior_gaps, start_gap

# A break that leaves the line less than this share of the measure full is not worth
# taking just to avoid a one-character last line.
MIN_FILL_FOR_PULL = 0.6
EPSILON = 1e-6


def can_break_before(text: str, index: int) -> bool:
    """May a line end just before ``text[index]`` (spaces there are dropped)?"""
    if not 0 < index < len(text):
        return False
    after = text[index]
    if after == SPACE:
        return False  # break after the spaces, never before them
    before_index = index - 1
    while before_index >= 0 and text[before_index] == SPACE:
        before_index -= 1
    if before_index < 0:
        return False  # nothing but spaces before: the line would be empty
    before = text[before_index]
    spaced = before_index < index - 1
    if after in NOT_AT_LINE_START or before in NOT_AT_LINE_END:
        return False
    if before == ZERO_WIDTH_SPACE:
        return True
    if WORD_JOINER in (before, after) or NO_BREAK_SPACE in (before, after) or is_format(after):
        return False
    if spaced:
        return True
    if before == after and before in DOUBLED:
        return False  # —— and …… are one mark
    if is_latin(before) and is_latin(after):
        return False  # inside a word or number
    return not (before.isdigit() and is_han(after))  # a number keeps its unit: 100万, 2022年


def is_short_tail(text: str) -> bool:
    """A last line of one character, or one character and the marks that must follow it."""
    core = text.strip().rstrip("".join(NOT_AT_LINE_START))
    return len(core) <= 1


@dataclass(frozen=True)
class Break:
    """The line is ``text[:end]``; the next one starts at ``resume`` (None: no next line)."""

    end: int
    resume: int | None


class NeedMoreText(Exception):
    """The measured advances ran out before a break could be decided."""


def choose_break(
    text: str,
    advances: list[float],
    em: float,
    max_width: float | None,
    settings: Typesetting,
    *,
    at_line_start: bool = True,
    break_anywhere: bool = False,
) -> Break:
    """The longest legal first line of ``text`` that fits ``max_width`` (None: no limit).

    ``advances`` may cover only a prefix of ``text``; ``NeedMoreText`` asks for more.
    When nothing legal fits, the line overflows up to the first legal break, or — with
    ``break_anywhere`` (CSS overflow-wrap: anywhere) — breaks between any two characters.
    A break that would leave a one-character last line is moved one step earlier.
    The end of ``text`` counts as a line end: its closing mark is set half width.
    """
    if max_width is None:
        if len(advances) < len(text):
            raise NeedMoreText
        return Break(len(text), None)
    gaps = interior_gaps(text[: len(advances)], advances, em, settings)
    width = start_gap(text, advances, em, settings) if at_line_start else 0.0
    fitting: list[Break] = []  # legal breaks that fit, in order
    overflowing: Break | None = None  # the first legal break, when none fits
    fitting_chars = 0  # how many characters fit, for a break anywhere
    end = 0  # the line without its trailing spaces is text[:end]
    for index in range(1, len(text) + 1):
        if index > len(advances):
            raise NeedMoreText
        width += advances[index - 1] + gaps[index - 1]
        if text[index - 1] != SPACE:
            end = index
        line_width = _trimmed_width(text, end, index, width, advances, gaps, em, settings)
        fits = end > 0 and line_width <= max_width + EPSILON
        if index == len(text):
            if fits:
                return Break(len(text), None)
            break
        if fits:
            fitting_chars = index
        if can_break_before(text, index):
            if fits:
                fitting.append(Break(end, index))
            elif overflowing is None:
                overflowing = Break(end, index)
        if width - 2 * em > max_width and (fitting or overflowing):
            break  # no longer line can fit: a character adds more than a trim removes
    if fitting:
        return _avoid_short_tail(text, fitting, max_width, advances, gaps)
    if break_anywhere:
        chars = max(fitting_chars, 1)
        return Break(chars, chars) if chars < len(text) else Break(len(text), None)
    if overflowing is not None:
        return overflowing
    return Break(len(text), None)


def _trimmed_width(text, end, index, width, advances, gaps, em, settings) -> float:
    """Width of the line ``text[:end]``, given the width of ``text[:index]`` (the
    characters between are trailing spaces), with its closing mark set half width."""
    for position in range(end, index):
        width -= advances[position] + gaps[position]
    last = slice(max(end - 1, 0), end)
    return width - end_trim(text[last], advances[last], em, settings)


def _avoid_short_tail(
    text: str, fitting: list[Break], max_width: float, advances: list[float], gaps: list[float]
) -> Break:
    chosen = fitting[-1]
    if chosen.resume is None or not is_short_tail(text[chosen.resume :]):
        return chosen
    for candidate in reversed(fitting[:-1]):
        if is_short_tail(text[candidate.resume :]):
            continue
        filled = sum(advances[: candidate.end]) + sum(gaps[: candidate.end])
        if filled >= MIN_FILL_FOR_PULL * max_width:
            return candidate
        break
    return chosen


__all__ = ["Break", "NeedMoreText", "can_break_before", "choose_break", "is_short_tail"]
