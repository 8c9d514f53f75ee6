"""Where a line of Chinese text may end, and where it does (clreq 避头尾, greedy fill).

Pure functions: the text, each character's advance, the measure. Pango's own
breaking (UAX #14) is too strict for Chinese — it forbids breaks before “ and ……,
so lines end short — and too loose in places (it splits 100|万). These rules
replace it for Chinese text; the WeasyPrint seam calls ``choose_break`` once per line.

URLs and e-mail addresses break only at their punctuation, as the Chicago Manual of
Style (17th ed., 7.42) puts it: after ``//`` or ``:``; before ``/ . - _ ? # % ~`` (and
``@``); before or after ``=`` and ``&``; never inside a word, and no hyphen is added.
And only when they must: an address that fits on a line of its own (with the marks
that may not start a line after it, ``。`` ``，``) moves whole to the next line, and
the line it leaves ends short — justified within ``max_justification`` or set flush
left by the seam. Only an address longer than the measure is broken.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from compositor.layout import Typesetting
from compositor.text.classes import (
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
from compositor.text.urls import url_spans
from compositor.typeset.spacing import end_trim, interior_gaps, start_gap

# A break that leaves the line less than this share of the measure full is not worth
# taking just to avoid a one-character last line.
MIN_FILL_FOR_PULL = 0.6
EPSILON = 1e-6

URL_BREAK_BEFORE = frozenset("/.-_?#%~@")
URL_BREAK_AROUND = frozenset("=&")


def url_break_before(url: str, index: int) -> bool:
    """May a URL or e-mail address break before ``url[index]`` (0 < index < len(url))?"""
    before, after = url[index - 1], url[index]
    if before in URL_BREAK_AROUND or after in URL_BREAK_AROUND:
        return True
    if before == "/" and url[index - 2 : index] == "//":
        return after != "/"  # after //
    if before == ":":
        return after != "/"  # after a colon, but https: // stays one
    if after == "/" and before in "/:":
        return False
    return after in URL_BREAK_BEFORE


@dataclass(frozen=True)
class UrlBreaks:
    """The break rules inside the URLs of a text that may continue one (``prefix``: the
    URL's part on earlier lines, which the seam remembers from the line before)."""

    text: str  # prefix + the text being broken
    offset: int  # len(prefix)
    spans: tuple[tuple[int, int], ...]  # in ``text``

    @classmethod
    def of(cls, text: str, prefix: str = "") -> UrlBreaks:
        whole = prefix + text
        return cls(whole, len(prefix), tuple(url_spans(whole)))

    def span_around(self, index: int) -> tuple[int, int] | None:
        """The URL that ``index`` (in the text being broken) falls strictly inside."""
        at = index + self.offset
        return next(((s, e) for s, e in self.spans if s < at < e), None)

    def rule(self, index: int) -> bool | None:
        """May the line break before ``index``? None: not inside a URL, the usual rules."""
        span = self.span_around(index)
        if span is None:
            return None
        start, end = span
        return url_break_before(self.text[start:end], index + self.offset - start)

    def starting_in(self, index: int) -> tuple[int, int] | None:
        """The URL ``index`` falls inside, in the text being broken's own indices, if it
        starts in that text after its first character (None: not inside one, or one
        that began on an earlier line or starts the text, so there is nothing to move)."""
        span = self.span_around(index)
        if span is None or span[0] - self.offset <= 0:
            return None
        return span[0] - self.offset, span[1] - self.offset

    def prefix_at(self, index: int) -> str:
        """The part before ``index`` of the URL it falls inside ("" if none)."""
        span = self.span_around(index)
        return self.text[span[0] : index + self.offset] if span else ""


def can_break_before(text: str, index: int, urls: UrlBreaks | None = None) -> bool:
    """May a line end just before ``text[index]`` (spaces there are dropped)?

    ``urls``: the text's URLs (``UrlBreaks.of(text)``), which break by rules of their own.
    """
    if not 0 < index < len(text):
        return False
    if urls is not None and (inside := urls.rule(index)) is not None:
        return inside
    after = text[index]
    if is_han(after) and is_han(text[index - 1]):
        return True  # the common case, decided first: any two Han characters
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


def next_break(text: str, index: int, urls: UrlBreaks | None = None) -> int:
    """The first place at or after ``index`` where a line may end (``len(text)``: none):
    after an address, the marks that may not start a line stay with it (。，)."""
    return next((i for i in range(index, len(text)) if can_break_before(text, i, urls)), len(text))


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
    gaps: list[float] | None = None,
    urls: UrlBreaks | None = None,
    measure: float | None = None,
) -> Break:
    """The longest legal first line of ``text`` that fits ``max_width`` (None: no limit).

    ``advances`` may cover only a prefix of ``text``; ``NeedMoreText`` asks for more.
    ``gaps`` may pass ``interior_gaps`` of the measured text; its ``[0]`` is ignored at a
    line start, else it is the gap after the character before ``text`` (in another run).
    When nothing legal fits, the line overflows up to the first legal break, or — with
    ``break_anywhere`` (CSS overflow-wrap: anywhere) — breaks between any two characters.
    A break that would leave a one-character last line is moved one step earlier.
    The end of ``text`` counts as a line end: its closing mark is set half width.
    ``urls`` (default ``UrlBreaks.of(text)``) gives the URLs in the text their own rules.
    A break inside an address that fits ``measure`` (a whole line of the paragraph;
    default ``max_width``) moves before it: the address goes whole to the next line.
    """
    if max_width is None:
        if len(advances) < len(text):
            raise NeedMoreText
        return Break(len(text), None)
    if gaps is None:
        gaps = interior_gaps(text[: len(advances)], advances, em, settings)
    if urls is None:
        urls = UrlBreaks.of(text)
    line = _Widths(text, advances, gaps, em, settings, at_line_start, max_width + 2 * em)
    if line.measured == len(text) and line.fits(len(text), max_width):
        return Break(len(text), None)
    fitting = _fitting_breaks(text, line, urls, max_width, min(line.measured, len(text) - 1))
    best = next(fitting, None)
    if best is not None:
        whole = _Addresses(text, advances, gaps, em, settings, urls, max(measure or 0, max_width))
        if (moved := whole.break_before(best, line, max_width)) is not None:
            return moved
        if not is_short_tail(text[best.resume :]):
            return best
        earlier = next(fitting, None)  # one step earlier: the tail gets two characters
        if (
            earlier is not None
            and line.width(earlier.end) >= MIN_FILL_FOR_PULL * max_width
            and whole.break_before(earlier, line, max_width) is None  # no address split
        ):
            return earlier
        return best
    if break_anywhere:
        chars = max(line.fitting_chars(max_width), 1)
        return Break(chars, chars) if chars < len(text) else Break(len(text), None)
    for index in range(1, len(text)):  # overflow to the first legal break
        if can_break_before(text, index, urls):
            return Break(line.end(index), index)
    return Break(len(text), None)


def _fitting_breaks(text, line, urls, max_width, below: int) -> Iterator[Break]:
    """Legal breaks before ``text[below]`` or earlier that fit, longest line first
    (lazily: few are tried before one fits)."""
    return (
        Break(line.end(index), index)
        for index in range(below, 0, -1)
        if can_break_before(text, index, urls) and line.fits(index, max_width)
    )


@dataclass(frozen=True)
class _Addresses:
    """Keeps a URL or e-mail address that fits ``measure`` whole on one line."""

    text: str
    advances: list[float]
    gaps: list[float]
    em: float
    settings: Typesetting
    urls: UrlBreaks
    measure: float

    def break_before(self, chosen: Break, line: _Widths, max_width: float) -> Break | None:
        """The break before the address ``chosen`` would split, if the address (and what
        must follow it) fits a line of its own; None to keep ``chosen``."""
        if chosen.resume is None or (span := self.urls.starting_in(chosen.resume)) is None:
            return None
        start, end = span
        earlier = next(_fitting_breaks(self.text, line, self.urls, max_width, start), None)
        if earlier is None or earlier.resume is None or not self._fits_alone(earlier.resume, end):
            return None
        return earlier

    def _fits_alone(self, start: int, end: int) -> bool:
        """Does ``text[start:]`` up to the first break after ``end`` fit a line?"""
        stop = next_break(self.text, end, self.urls)
        group = _Widths(
            self.text[start:stop],
            self.advances[start:stop],
            self.gaps[start:stop],
            self.em,
            self.settings,
            True,
            self.measure + 2 * self.em,  # as for a line: past this, nothing longer fits
        )
        return group.measured == stop - start and group.fits(stop - start, self.measure)


class _Widths:
    """Widths of the first-line candidates ``text[:i]``, up to a limit.

    ``widths[i]`` is the width of ``text[:i]`` as set: advances, the line-start gap,
    the gaps between neighbours. Computed until it passes ``limit`` (no longer line
    can fit: a character adds more than a line-end trim removes) or the text ends.
    """

    def __init__(self, text, advances, gaps, em, settings, at_line_start, limit):
        self.text, self.advances, self.em, self.settings = text, advances, em, settings
        # Not at a line start, the text may follow another run's character (gaps[0]).
        width = start_gap(text, advances, em, settings) if at_line_start else (gaps or [0.0])[0]
        self.widths = [width]
        for index in range(1, len(text) + 1):
            if index > len(advances):
                raise NeedMoreText
            if index > 1:
                width += gaps[index - 1]
            width += advances[index - 1]
            self.widths.append(width)
            if width > limit:
                break
        self.measured = len(self.widths) - 1

    def end(self, index: int) -> int:
        """The line ending before ``text[index]`` without its trailing spaces."""
        while index > 0 and self.text[index - 1] == SPACE:
            index -= 1
        return index

    def width(self, end: int) -> float:
        """The width of the line ``text[:end]``, its closing mark set half width."""
        last = slice(max(end - 1, 0), end)
        trim = end_trim(self.text[last], self.advances[last], self.em, self.settings)
        return self.widths[end] - trim

    def fits(self, index: int, max_width: float) -> bool:
        end = self.end(index)
        return end > 0 and self.width(end) <= max_width + EPSILON

    def fitting_chars(self, max_width: float) -> int:
        return max((i for i in range(1, self.measured + 1) if self.fits(i, max_width)), default=0)


__all__ = [
    "Break",
    "NeedMoreText",
    "UrlBreaks",
    "can_break_before",
    "choose_break",
    "is_short_tail",
    "next_break",
    "url_break_before",
    "url_spans",
]
