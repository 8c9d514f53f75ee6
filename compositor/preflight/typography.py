"""Typesetting preflight: does the Chinese text of a PDF follow clreq?

``preflight`` reads any PDF (ours or one made elsewhere) through pdfium: the
position and advance of every glyph. Glyphs on one baseline form lines; on each
page the text block's edges are where most body lines start and end. Body lines are
set in the body's size and face (headings, subheads, leads and credits differ in face)
and are no contents lines (dot leaders); those that start at the left edge (or indented
2 em) are paragraph lines; a paragraph's last line is the one before an indented line,
a gap or other text.

Findings (rule names as printed):

- ``short-line``: a line of a justified paragraph, not its last, that does not
  reach the right edge (0.5 pt tolerance; a closing mark may hang its blank half).
- ``line-start`` / ``line-end``: 避头尾 — a closing mark starting a line, an opening
  one ending it, —— or …… split, a number parted from its unit, a URL or e-mail
  address broken other than at its punctuation, or broken at all although it would fit
  on the next line whole (only an address longer than the measure is broken). A line
  left short because the next one starts with such an address (or with the part of a
  long one) that did not fit is no ``short-line``.
- ``uncompressed-pair``: two adjacent full-width marks taking 2 em, not 1.5.
- ``han-latin-space``: the gap between a Han character and a Latin letter or digit
  outside [0.1, 0.4] em.
- ``halfwidth-punctuation``: ASCII , : ; ( ) ! ? in Chinese context.
- ``single-char-last-line``: a paragraph's last line holding one character (and marks).
- ``orphan`` / ``widow``: a paragraph's first line alone at a page foot, its last alone
  at a page head.
- ``off-grid``: a body line whose baseline is not a whole number of line pitches from
  its page's grid (the pitch and grid as most body lines of the page have them).
- ``short-page``: a full page (any but the last, with body text) whose last line ends
  above the others' (齐底). A build of ours records in the PDF's Info dictionary (key
  ``/CompositorMakeup``, JSON) the line pitch and, for each page it had to leave short,
  the reason; such a page is information, an unexplained one an error. In a PDF made
  elsewhere both grid and bottoms findings are warnings: its maker's choice.

Severities: an ``error`` is a fault to fix before print (exit status 1; the report says
what to do), a ``warning`` something to look at, ``info`` what our make-up did on purpose
and recorded (a short page with its reason, an orphan or widow taken for 齐底).

A booklet of ours (``--booklet``: two pages side by side on each PDF page, in
saddle-stitch order, marked by the Info key ``/CompositorImposition``) is checked page by
page: each sheet side is cut at its spine and its halves put back in page order.

Press checks (``--press``) live in preflight/press.py; both report ``findings.Finding``s.
"""

from __future__ import annotations

import ctypes
import dataclasses
import json
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from compositor.errors import CompositorError
from compositor.i18n import N_, _
from compositor.makeup_record import KEY as RECORD_KEY

# What a build recorded about its page make-up (the name preflight has always used).
from compositor.makeup_record import MakeupRecord as Makeup
from compositor.preflight.findings import ERROR, INFO, WARNING, Finding, Level
from compositor.text.classes import (
    CLOSING,
    NOT_AT_LINE_END,
    NOT_AT_LINE_START,
    OPENING,
    compressible_pair,
    is_cjk,
    is_han,
    is_han_latin_boundary,
)
from compositor.text.normalize import find_halfwidth_punctuation
from compositor.typeset.linebreak import UrlBreaks, can_break_before, next_break

TOLERANCE = 0.5  # pt: how far a justified line may miss the right edge
FULL_WIDTH = 0.9  # em: an advance at least this wide is a full-width glyph
PAIR_LIMIT = 0.75  # em: a mark followed by another advancing more than this is not compressed
HAN_LATIN_RANGE = (0.1, 0.4)  # em
INDENT = 2.0  # em: the first-line indent of a paragraph
LINE_GAP = 1.35  # a gap this many times the usual line pitch ends a paragraph
EXAMPLES = 3  # examples printed per page and rule
COLUMN_GAP = 1.5  # em: a wider gap between glyphs on one baseline separates two texts
LONG_LINE_GLYPHS = 20  # a line this long is running text, not a table row or caption
MIN_LINES_FOR_EDGES = 5  # a page with fewer body lines takes the document's text block
FONT_NAME_BYTES = 256
URL_MISBREAK = N_(
    "a URL or e-mail address broken at a wrong place (it may break only after // or :, "
    "before / . - _ ? # % ~ @, or around = and &)"
)
URL_SPLIT = N_(
    "a URL or e-mail address broken although it fits on one line: move it whole to the next line"
)
LEADERS = (".", "·", "…", "⋯", "．", "・")  # dot leaders of a table of contents
LEADER_RUN = 4  # this many leader glyphs in a row make a contents line
GRID_TOLERANCE = 0.1  # pt: how far a baseline may miss its grid line
MAKEUP_KEY = "/" + RECORD_KEY  # written by weasy.makeup.page_makeup
FOLIO = re.compile(r"[\s\-–—]*\d+[\s\-–—]*")  # a page number line: "— 3 —"

# What to do about an error. In a PDF of ours only these are the editor's to fix in the
# content; any other error is the build's (compositor's), and in a PDF made elsewhere it
# is its maker's.
EDITOR_FIXES = {
    "halfwidth-punctuation": N_(
        "type the full-width mark (，：；（）！？) in the article and build again"
    ),
    "single-char-last-line": N_(
        "add or cut a few characters in the paragraph's last sentence and build again"
    ),
}
BUILD_FAULT = N_(
    "compositor set this, not the editor: do not send the PDF to print; report it to "
    "compositor's maintainers with the issue folder and this report"
)
FOREIGN_FAULT = N_("fix it in the program that typeset the PDF, then check it again")


class PreflightError(CompositorError):
    """The file is not a PDF pdfium can read."""


@dataclass(frozen=True)
class Glyph:
    """One drawn glyph: usually one character (—— drawn as one glyph holds two)."""

    text: str
    x0: float  # origin, pt from the page's left edge
    x1: float  # origin plus advance
    baseline: float  # pt from the page's top edge
    size: float  # font size, pt
    font: str = ""  # the font's name without a subset tag (ABCDEF+)

    @property
    def full_width(self) -> bool:
        return self.x1 - self.x0 >= FULL_WIDTH * self.size


@dataclass(frozen=True)
class Line:
    page: int
    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(glyph.text for glyph in self.glyphs)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def baseline(self) -> float:
        return self.glyphs[0].baseline

    @cached_property
    def size(self) -> float:
        return Counter(round(glyph.size, 1) for glyph in self.glyphs).most_common(1)[0][0]

    @cached_property
    def font(self) -> str:
        return Counter(glyph.font for glyph in self.glyphs).most_common(1)[0][0]

    @cached_property
    def leadered(self) -> bool:
        """A contents line: a title, dot leaders and a page number — not paragraph text."""
        text = self.text
        return any(leader * LEADER_RUN in text for leader in LEADERS)

    @property
    def visual_end(self) -> float:
        """Where the line's ink ends: a closing mark's blank half may hang past the edge."""
        last = self.glyphs[-1]
        if last.text[-1] in CLOSING and last.full_width:
            return last.x1 - last.size / 2
        return last.x1

    @property
    def first(self) -> str:
        return self.glyphs[0].text[0]

    @property
    def last(self) -> str:
        return self.glyphs[-1].text[-1]


# What the checks tally for the summary, by name: counts, and measures in pt.
Tally = defaultdict[str, float]


@dataclass(frozen=True)
class Report:
    path: Path
    pages: int
    findings: tuple[Finding, ...]
    # what was checked, for the summary: counts, and the grid pitch and bottom spread in pt
    counts: dict[str, float] = field(default_factory=dict)
    ours: bool = False  # built by compositor (the make-up record is in the PDF)
    two_up: bool = False  # a booklet: its pages were read off 2-up sheet sides

    def of(self, severity: Level) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == severity)

    @property
    def exit_code(self) -> int:
        return 1 if self.of(ERROR) else 0


def what_to_do(rule: str, ours: bool) -> str:
    """The advice printed under an error of ``rule``."""
    if rule in EDITOR_FIXES:
        return _(EDITOR_FIXES[rule])
    return _(BUILD_FAULT if ours else FOREIGN_FAULT)


@dataclass(frozen=True)
class Page:
    """One page's lines in reading order, and its text block's edges."""

    number: int
    lines: tuple[Line, ...]
    left: float
    right: float
    body_size: float
    body_font: str = ""

    def is_body(self, line: Line) -> bool:
        """Is ``line`` set like the body text (size and face) and not a contents line?
        Headings, subheads, leads and credits differ in face even at the body size."""
        return line.size == self.body_size and line.font == self.body_font and not line.leadered


# ------------------------------------------------------------------------------ reading


def read_pages(path: Path, two_up: Imposition | None = None) -> list[Page]:
    """The PDF's pages; ``two_up``: its pages are booklet sheet sides (press/booklet.py)."""
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as error:
        raise PreflightError(_("cannot read the PDF: {error}").format(error=error), path) from None
    try:
        glyph_pages = [list(_glyphs(page)) for page in document]
        trims = [page.get_trimbox() for page in document]
    finally:
        document.close()
    if two_up and len(glyph_pages) % 2 == 0:
        glyph_pages = _pages_of_sheets(glyph_pages, trims, two_up.creep_mm)
    page_lines = [tuple(_lines(n, glyphs)) for n, glyphs in enumerate(glyph_pages, start=1)]
    body_size = _body_size(glyph_pages, page_lines)
    body_font = _most_common(
        (g.font for glyphs in glyph_pages for g in glyphs if round(g.size, 1) == body_size), ""
    )
    # Edges come from body text only: a table of contents indented by its own amount, or
    # a credit set flush right, must not move the text block they sit in.
    blank = Page(0, (), 0.0, 0.0, body_size, body_font)
    everywhere = [line for lines in page_lines for line in lines if blank.is_body(line)]
    pages = []
    for number, lines in enumerate(page_lines, start=1):
        body = [line for line in lines if blank.is_body(line)]
        if len(body) < MIN_LINES_FOR_EDGES:
            body = everywhere  # too little text here to tell: the document's edges
        edges = _left_edge(body), _right_edge(body)
        pages.append(Page(number, lines, *edges, body_size, body_font))
    return pages


def _glyphs(page: pdfium.PdfPage) -> Iterator[Glyph]:
    """The page's glyphs as drawn, without the spaces and line breaks pdfium invents."""
    text_page = page.get_textpage()
    height = page.get_height()
    raw = text_page.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    pending: list = []  # characters of one glyph (same origin)
    name = ctypes.create_string_buffer(FONT_NAME_BYTES)
    flags = ctypes.c_int()
    for index in range(text_page.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, index):
            continue
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
        if char == "\x02":  # pdfium's guess at a soft hyphen: a hyphen ending a line
            char = "-"
        if char in "\r\n" or not pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y):
            continue
        pdfium_c.FPDFText_GetLooseCharBox(raw, index, box)
        # The font size as set (Tf) times the character's horizontal scale: its em on paper.
        pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
        size = pdfium_c.FPDFText_GetFontSize(raw, index) * math.hypot(matrix.a, matrix.b)
        origin = (round(x.value, 3), round(y.value, 3))
        if pending and pending[-1][1] == origin:
            pending[-1][0].append(char)  # a ligature: one glyph, several characters
            continue
        pdfium_c.FPDFText_GetFontInfo(raw, index, name, FONT_NAME_BYTES, flags)
        font = name.value.decode("latin-1").partition("+")[2] or name.value.decode("latin-1")
        pending.append(([char], origin, box.right, size, font))
    text_page.close()
    for chars, (x0, baseline), x1, size, font in pending:
        yield Glyph("".join(chars), x0, max(x1, x0), height - baseline, size, font)


def _pages_of_sheets(
    sheets: list[list[Glyph]], trims: list[tuple], creep_mm: float
) -> list[list[Glyph]]:
    """The pages printed on 2-up saddle-stitch sheet sides, in page order: each side cut
    at its spine (the middle of its trim box) and each page put back where it was on its
    own (the right-hand one onto the left's place, the creep undone), so that every page
    is measured as in the PDF of pages."""
    from compositor.press.booklet import creep_shift, saddle_stitch_order

    pages: list[list[Glyph]] = [[] for _ in range(2 * len(sheets))]
    sides = saddle_stitch_order(len(pages))
    for side, (glyphs, trim, (left, right)) in enumerate(zip(sheets, trims, sides, strict=True)):
        spine = (trim[0] + trim[2]) / 2
        creep = creep_shift(creep_mm, side, len(sides))
        for glyph in glyphs:
            right_hand = glyph.x0 >= spine
            dx = (trim[0] - spine + creep) if right_hand else -creep
            moved = dataclasses.replace(glyph, x0=glyph.x0 + dx, x1=glyph.x1 + dx)
            pages[(right if right_hand else left) - 1].append(moved)
    return pages


@dataclass(frozen=True)
class Imposition:
    """A booklet of ours: 2-up saddle-stitch sheet sides (press/booklet.py)."""

    creep_mm: float = 0.0


def read_two_up(path: Path) -> Imposition | None:
    """The booklet imposition recorded in the PDF, ``None`` for a PDF of pages."""
    from compositor.press.booklet import IMPOSITION_KEY, SADDLE_STITCH_2UP

    try:
        with pikepdf.open(path) as pdf:
            raw = pdf.docinfo.get(IMPOSITION_KEY)
            data = json.loads(str(raw)) if raw is not None else {}
    except (pikepdf.PdfError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("imposition") != SADDLE_STITCH_2UP:
        return None
    try:
        return Imposition(float(data.get("creep_mm", 0.0)))
    except (TypeError, ValueError):
        return None


def _body_size(glyph_pages: list[list[Glyph]], page_lines: list[tuple[Line, ...]]) -> float:
    """The size of running text: the commonest among long lines. Counting every glyph
    would let a long table, its cells set smaller, pass for the body text (issue 14)."""
    long = [
        round(g.size, 1)
        for lines in page_lines
        for line in lines
        if len(line.glyphs) >= LONG_LINE_GLYPHS
        for g in line.glyphs
    ]
    every = (round(g.size, 1) for glyphs in glyph_pages for g in glyphs)
    return _most_common(long, 0.0) or _most_common(every, 0.0)


def _right_edge(body: list[Line]) -> float:
    """Where the lines of paragraphs end (a closing mark's blank half set aside): the
    median of the ends within a point of the rightmost end that many lines share.
    Not simply the commonest end: a list's short items of one length (•列表一, •列表二…)
    can outnumber the full lines of a page (issue 23). Nor the half point alone: it is up
    to a quarter point off, and justified lines end 0.25 pt either side of the measure's
    end (518.38 and 517.88 pt); read against 518.5, half of them were short."""
    ends = [line.visual_end for line in body if line.last not in CLOSING]
    ends = ends or [line.visual_end for line in body]
    counts = Counter(round(end * 2) / 2 for end in ends)
    if not counts:
        return 0.0
    threshold = max(2, 0.2 * max(counts.values()))
    frequent = [end for end, count in counts.items() if count >= threshold]
    anchor = max(frequent) if frequent else counts.most_common(1)[0][0]
    near = [end for end in ends if abs(end - anchor) <= 1.0]
    return statistics.median(near) if near else anchor


def _left_edge(body: list[Line]) -> float:
    """The leftmost line start that many lines share: paragraph lines start there, first
    lines further right (indented); a start with an opening mark may be pulled left."""
    starts = Counter(round(line.x0 * 2) / 2 for line in body if line.first not in OPENING)
    if not starts:
        return 0.0
    # A paragraph's first line is evidence of the edge 2 em to its left: a page of short
    # paragraphs has more indented lines than flush ones.
    indent = INDENT * _most_common((line.size for line in body), 0.0)
    support = {
        start: count + sum(n for s, n in starts.items() if abs(s - start - indent) <= 1)
        for start, count in starts.items()
    }
    threshold = max(2, 0.2 * max(support.values()))
    frequent = [start for start, count in support.items() if count >= threshold]
    return min(frequent) if frequent else starts.most_common(1)[0][0]


def _lines(number: int, glyphs: list[Glyph]) -> Iterator[Line]:
    """Glyphs on one baseline, split where a gap wider than any spacing separates columns."""
    rows: dict[float, list[Glyph]] = {}
    for glyph in glyphs:
        key = next((b for b in rows if abs(b - glyph.baseline) < glyph.size * 0.3), None)
        rows.setdefault(glyph.baseline if key is None else key, []).append(glyph)
    for baseline in sorted(rows):
        row = sorted(rows[baseline], key=lambda g: g.x0)
        start = 0
        for index in range(1, len(row) + 1):
            gap = row[index].x0 - row[index - 1].x1 if index < len(row) else 0.0
            if index == len(row) or gap > COLUMN_GAP * row[index].size:
                yield Line(number, tuple(row[start:index]))
                start = index


_Value = TypeVar("_Value", bound=Hashable)


def _most_common(values: Iterable[_Value], default: _Value) -> _Value:
    counts = Counter(values).most_common(1)
    return counts[0][0] if counts else default


# ---------------------------------------------------------------------- paragraph lines


@dataclass(frozen=True)
class BodyLine:
    line: Line
    indented: bool
    last: bool  # the last line of its paragraph


def body_lines(pages: list[Page]) -> list[BodyLine]:
    """Lines of body paragraphs across the document, each knowing if it ends one."""
    candidates: list[tuple[Line, bool, Page]] = []
    for page in pages:
        for line in page.lines:
            indented = _starts_at(line, page, INDENT)
            if page.is_body(line) and (indented or _starts_at(line, page, 0)):
                candidates.append((line, indented, page))
    result = []
    for index, (line, indented, page) in enumerate(candidates):
        following = candidates[index + 1] if index + 1 < len(candidates) else None
        last = following is None or following[1] or not _continues(line, following[0], page)
        result.append(BodyLine(line, indented, last))
    return result


def _starts_at(line: Line, page: Page, indent_em: float) -> bool:
    """Does the line start at the left edge plus ``indent_em``? An opening mark may
    start half an em further left (its blank half removed)."""
    start = page.left + indent_em * line.size
    return start - line.size * 0.55 <= line.x0 <= start + TOLERANCE


def _continues(line: Line, following: Line, page: Page) -> bool:
    """Is ``following`` the next line of the same paragraph as ``line``?"""
    if following.page != line.page:
        # A paragraph broken across pages (the next one is not indented) — unless smaller
        # text follows it on its page: a caption or a table (issue 14), or the colophon.
        return not any(
            other.baseline > line.baseline and other.size < page.body_size for other in page.lines
        )
    pitch = _line_pitch(page)
    return following.baseline - line.baseline <= pitch * LINE_GAP


def _line_pitch(page: Page) -> float:
    body = [line for line in page.lines if page.is_body(line)]
    steps = [round(b.baseline - a.baseline, 1) for a, b in zip(body, body[1:], strict=False)]
    return _most_common((s for s in steps if s > 0), page.body_size * 2)


# ------------------------------------------------------------------------------ checks


def check_justification(pages: list[Page], lines: list[BodyLine]) -> Iterator[Finding]:
    right = {page.number: page.right for page in pages}
    for body, following, before in _breaks(lines):
        line = body.line
        if following is None:
            continue
        miss = right[line.page] - line.visual_end
        if miss > TOLERANCE and _url_part_too_wide(before, following.line, miss):
            continue  # set flush left: the (part of the) address that follows did not fit
        if abs(miss) > TOLERANCE:
            said = (
                _("ends {distance} pt before the right edge")
                if miss > 0
                else _("ends {distance} pt past the right edge")
            )
            yield Finding(
                line.page,
                "short-line" if miss > 0 else "long-line",
                said.format(distance=f"{abs(miss):.1f}"),
                _excerpt(line.text, end=True),
            )


def check_last_lines(lines: list[BodyLine]) -> Iterator[Finding]:
    for index, body in enumerate(lines):
        if not body.last or body.indented or index == 0 or lines[index - 1].last:
            continue  # a one-line paragraph has no last line to speak of
        core = body.line.text.rstrip("".join(NOT_AT_LINE_START))
        if len(core) == 1:
            yield Finding(
                body.line.page,
                "single-char-last-line",
                _("the paragraph's last line holds a single character"),
                _excerpt(lines[index - 1].line.text, end=True) + " / " + body.line.text,
            )


def _breaks(lines: list[BodyLine]) -> Iterator[tuple[BodyLine, BodyLine | None, str]]:
    """Each paragraph line, the next line of its paragraph (None after its last) and the
    paragraph's text up to the break (a URL broken there may have started lines before)."""
    before = ""
    for index, body in enumerate(lines):
        before = body.line.text if body.indented else before + body.line.text
        following = None if body.last or index + 1 == len(lines) else lines[index + 1]
        yield body, following, before
        if body.last:
            before = ""


def _url_part_too_wide(before: str, following: Line, room: float) -> bool:
    """Does ``following`` start with a URL, or the next part of one, wider than ``room``?
    Such a line cannot be filled, and the layout sets it flush left rather than stretch
    it. An address that is whole on ``following`` counts whole, with what is joined to it
    (``（`` before it, ``。`` after it): the layout does not break it."""
    text = before + following.text
    urls = UrlBreaks.of(text)
    at = len(before)
    # Whole on ``following``: one that reaches its end may run on to the next line.
    whole = [(s, e) for s, e in urls.spans if at <= s and e < len(text)]
    in_address = any(start <= at < end for start, end in urls.spans)
    if not in_address and not any(_joined(text, at, start, urls) for start, _ in whole):
        return False
    part = next(
        (
            k
            for k in range(1, len(following.text))
            if can_break_before(text, at + k, urls)
            and not any(start < at + k < end for start, end in whole)
        ),
        len(following.text),
    )
    ends = [glyph.x1 for glyph in following.glyphs for _ in glyph.text]
    return ends[part - 1] - following.x0 > room


def _joined(text: str, at: int, start: int, urls: UrlBreaks) -> bool:
    """Is ``text[at:start]`` (nothing, or an opening mark) joined to what follows it?"""
    return not any(can_break_before(text, k, urls) for k in range(at + 1, start))


def _split_address_fits(before: str, line: Line, following: Line, measure: float) -> bool:
    """Is the break between ``line`` and ``following`` inside an address that could have
    moved down whole — one that began on ``line`` after a place where it may break, ends
    on ``following``, and fits the measure with the marks joined to it (``（`` before it,
    ``。`` after it)? An address spread over three lines or more is wider than the
    measure; one that reaches the end of ``following`` may run on, and is let be."""
    text = before + following.text
    urls = UrlBreaks.of(text)
    at = len(before)
    line_start = at - len(line.text)
    span = next(((s, e) for s, e in urls.spans if s < at < e), None)
    if span is None or span[1] >= len(text):
        return False
    begin = next((k for k in range(span[0], line_start, -1) if can_break_before(text, k, urls)), 0)
    if begin <= line_start:
        return False  # it starts its line already: nothing could move
    stop = next_break(text, span[1], urls)
    chars = [glyph for glyph in (*line.glyphs, *following.glyphs) for _ in glyph.text]
    advances = [glyph.x1 - glyph.x0 for glyph in chars]
    width = sum(advances[begin - line_start : stop - line_start])
    return width <= measure - TOLERANCE


def check_line_edges(pages: list[Page], lines: list[BodyLine]) -> Iterator[Finding]:
    """避头尾 at every break inside a paragraph; a URL or e-mail address has rules of its
    own (typeset.linebreak: only at its punctuation, never inside a word, and only when
    it is longer than the measure)."""
    measures = {page.number: page.right - page.left for page in pages}
    for body, following, before in _breaks(lines):
        if following is None:
            continue
        end, start = body.line.last, following.line.first
        example = _excerpt(body.line.text, end=True) + " / " + _excerpt(following.line.text)
        page = following.line.page
        url_rule = UrlBreaks.of(before + following.line.text).rule(len(before))
        if url_rule is not None:
            if not url_rule:
                yield Finding(page, "line-start", _(URL_MISBREAK), example)
            elif _split_address_fits(before, body.line, following.line, measures[page]):
                yield Finding(page, "line-start", _(URL_SPLIT), example)
            continue
        if start in NOT_AT_LINE_START:
            said = _("line starts with {mark}").format(mark=start)
            yield Finding(page, "line-start", said, example)
        if end in NOT_AT_LINE_END:
            said = _("line ends with {mark}").format(mark=end)
            yield Finding(body.line.page, "line-end", said, example)
        if end == start and end in "—…":
            said = _("{marks} split across lines").format(marks=end * 2)
            yield Finding(page, "line-start", said, example)
        if end.isdigit() and (is_han(start) or start in "%‰"):
            yield Finding(page, "line-start", _("a number parted from its unit"), example)


def check_page_breaks(lines: list[BodyLine]) -> Iterator[Finding]:
    """A paragraph broken across pages keeps two lines on each side (orphans, widows: 2)."""
    for body, following in zip(lines, lines[1:], strict=False):
        if body.last or body.line.page == following.line.page:
            continue
        if body.indented:
            yield Finding(
                body.line.page,
                "orphan",
                _("a paragraph's first line is alone at the foot of the page"),
                _excerpt(body.line.text),
            )
        if following.last:
            yield Finding(
                following.line.page,
                "widow",
                _("a paragraph's last line is alone at the head of the page"),
                _excerpt(following.line.text),
            )


def check_pairs(pages: list[Page], counts: Tally) -> Iterator[Finding]:
    for page in pages:
        for line in page.lines:
            for left, right in zip(line.glyphs, line.glyphs[1:], strict=False):
                if not (left.full_width and right.full_width):
                    continue
                if not compressible_pair(left.text[-1], right.text[0]):
                    continue
                counts["punctuation pairs"] += 1
                if right.x0 - left.x0 > PAIR_LIMIT * left.size:
                    counts["uncompressed pairs"] += 1
                    yield Finding(
                        page.number,
                        "uncompressed-pair",
                        _("{pair} take 2 em, not 1.5").format(pair=left.text[-1] + right.text[0]),
                        _excerpt_around(line, left),
                    )


def check_han_latin(pages: list[Page], counts: Tally) -> Iterator[Finding]:
    low, high = HAN_LATIN_RANGE
    for page in pages:
        for line in page.lines:
            for left, right in zip(line.glyphs, line.glyphs[1:], strict=False):
                if not is_han_latin_boundary(left.text[-1], right.text[0]):
                    continue
                counts["Han-Latin boundaries"] += 1
                em = left.size if is_han(left.text[-1]) else right.size
                gap = round((right.x0 - left.x1) / em, 2) + 0.0  # + 0.0: no "-0.00"
                if low <= gap <= high:
                    counts["Han-Latin spaced"] += 1
                    continue
                yield Finding(
                    page.number,
                    "han-latin-space",
                    _("{pair}: gap {gap} em, not {low}-{high}").format(
                        pair=left.text[-1] + right.text[0], gap=f"{gap:.2f}", low=low, high=high
                    ),
                    _excerpt_around(line, left),
                )


def check_halfwidth(pages: list[Page]) -> Iterator[Finding]:
    for page in pages:
        for line in page.lines:
            text = line.text
            if not any(is_cjk(char) for char in text):
                continue
            for index, mark in find_halfwidth_punctuation(text):
                yield Finding(
                    page.number,
                    "halfwidth-punctuation",
                    _("ASCII {mark!r} in Chinese text").format(mark=mark),
                    text[max(0, index - 8) : index + 8],
                )


def read_makeup(path: Path) -> Makeup:
    """The make-up record of a PDF we built; an empty one (not ours) for any other."""
    try:
        with pikepdf.open(path) as pdf:
            raw = pdf.docinfo.get(MAKEUP_KEY)
            text = str(raw) if raw is not None else None
    except pikepdf.PdfError:
        return Makeup()
    if not text:
        return Makeup()
    try:
        return Makeup.from_json(text)
    except ValueError:
        return Makeup()


def check_grid(
    pages: list[Page], lines: list[BodyLine], makeup: Makeup, counts: Tally
) -> Iterator[Finding]:
    """Every body line's baseline a whole number of pitches from its page's grid."""
    by_page: dict[int, list[Line]] = {}
    for body in lines:
        by_page.setdefault(body.line.page, []).append(body.line)
    pitch = makeup.pitch or _document_pitch(pages)
    counts["grid pitch"] = pitch
    severity = ERROR if makeup.ours else WARNING
    for number, page_lines in by_page.items():
        origin = _most_common((round(line.baseline % pitch, 1) for line in page_lines), 0.0)
        for line in page_lines:
            miss = (line.baseline - origin) % pitch
            miss = min(miss, pitch - miss)
            if miss > GRID_TOLERANCE:
                counts["lines off grid"] += 1
                yield Finding(
                    number,
                    "off-grid",
                    _("baseline {miss} pt off the {pitch} pt line grid").format(
                        miss=f"{miss:.1f}", pitch=f"{pitch:g}"
                    ),
                    _excerpt(line.text),
                    severity,
                )


def _document_pitch(pages: list[Page]) -> float:
    steps: Counter[float] = Counter()
    for page in pages:
        body = [line for line in page.lines if line.size == page.body_size]
        pairs = zip(body, body[1:], strict=False)
        steps.update(round(b.baseline - a.baseline, 2) for a, b in pairs)
    positive = [(count, step) for step, count in steps.items() if step > 0]
    return max(positive)[1] if positive else 1.0


def page_bottoms(pages: list[Page], lines: list[BodyLine]) -> dict[int, float]:
    """The last text line's baseline on each full page: every page but the last that has
    body text (blank pages and the back page are not full pages). Folios are not text."""
    with_body = {body.line.page for body in lines}
    bottoms = {}
    for page in pages[:-1]:
        if page.number not in with_body:
            continue
        text = [line for line in page.lines if not FOLIO.fullmatch(line.text)]
        if text:
            bottoms[page.number] = max(line.baseline for line in text)
    return bottoms


def check_bottoms(
    pages: list[Page], lines: list[BodyLine], makeup: Makeup, counts: Tally
) -> Iterator[Finding]:
    """齐底: every full page ends on the same line; a short page needs a named reason."""
    bottoms = page_bottoms(pages, lines)
    if not bottoms:
        return
    foot = max(bottoms.values())
    # the pages meant to be full: one left short for a recorded reason is counted apart
    # (a short page with the make-up's reason), not as a ragged foot
    meant = [b for n, b in bottoms.items() if foot - b <= TOLERANCE or n not in makeup.reasons]
    counts["full pages"] = len(meant)
    counts["bottom spread"] = foot - min(meant)
    for number, bottom in bottoms.items():
        short = foot - bottom
        if short <= TOLERANCE:
            continue
        counts["short pages"] += 1
        reason = makeup.reasons.get(number)
        in_lines = f"{short / makeup.pitch:.1f}" if makeup.pitch else ""
        lines_short = _(" ({count} lines)").format(count=in_lines) if in_lines else ""
        message = _("ends {short} pt{lines} above the other full pages").format(
            short=f"{short:.1f}", lines=lines_short
        )
        if reason:
            # the make-up left it short on purpose and said why: nothing to fix
            counts["short pages with a reason"] += 1
            # the reason is the build's record in the PDF (weasy.makeup), in English
            said = _("{message}: {reason}").format(message=message, reason=reason)
            yield Finding(number, "short-page", said, level=INFO)
        else:
            severity = ERROR if makeup.ours else WARNING
            said = _("{message}, no reason recorded").format(message=message)
            yield Finding(number, "short-page", said, "", severity)


def _excerpt(text: str, end: bool = False, length: int = 12) -> str:
    if len(text) <= length:
        return text
    return "…" + text[-length:] if end else text[:length] + "…"


def _excerpt_around(line: Line, glyph: Glyph) -> str:
    index = line.glyphs.index(glyph)
    return "".join(g.text for g in line.glyphs[max(0, index - 5) : index + 6])


# ------------------------------------------------------------------------------ report


def preflight(path: Path | str) -> Report:
    """Check the Chinese typesetting of the PDF at ``path``."""
    path = Path(path)
    two_up = read_two_up(path)
    pages = read_pages(path, two_up)
    paragraphs = body_lines(pages)
    makeup = read_makeup(path)
    # Counts, and two measures (the grid pitch, the bottom spread): what the summary says.
    # int(): a count nothing added to is 0 (an int, printed "0"), as in a Counter.
    counts: Tally = defaultdict(int)
    findings = [
        *check_grid(pages, paragraphs, makeup, counts),
        *check_bottoms(pages, paragraphs, makeup, counts),
        *check_justification(pages, paragraphs),
        *check_line_edges(pages, paragraphs),
        *check_page_breaks(paragraphs),
        *check_pairs(pages, counts),
        *check_han_latin(pages, counts),
        *check_halfwidth(pages),
        *check_last_lines(paragraphs),
    ]
    # 齐底 outranks orphans and widows: the build names the pages where it took one
    findings = [
        dataclasses.replace(
            f, message=_("{message} (for 齐底)").format(message=f.message), level=INFO
        )
        if f.rule in ("orphan", "widow") and f.page in (makeup.relaxed or ())
        else f
        for f in findings
    ]
    findings.sort(key=lambda f: (f.page or 0, f.rule))
    summary = {
        "body lines": len(paragraphs),
        "short lines": sum(f.rule == "short-line" for f in findings),
        "punctuation pairs": counts["punctuation pairs"],
        "uncompressed pairs": counts["uncompressed pairs"],
        "Han-Latin boundaries": counts["Han-Latin boundaries"],
        "Han-Latin spaced": counts["Han-Latin spaced"],
        "grid pitch": counts["grid pitch"],
        "lines off grid": counts["lines off grid"],
        "full pages": counts["full pages"],
        "bottom spread": round(counts["bottom spread"], 2),
        "short pages": counts["short pages"],
        "short pages with a reason": counts["short pages with a reason"],
    }
    return Report(path, len(pages), tuple(findings), summary, makeup.ours, bool(two_up))


def format_report(report: Report) -> list[str]:
    """The report as printed by ``compositor preflight``: a summary, then per page
    each rule with its count and up to three examples."""
    counts = report.counts
    sheets = (
        _(" on {sides} booklet sheet sides").format(sides=report.pages // 2)
        if report.two_up
        else ""
    )
    lines = [
        _("Typesetting preflight: {path} ({pages} pages{sheets})").format(
            path=report.path, pages=report.pages, sheets=sheets
        ),
        _("  body lines {lines}, short {short}").format(
            lines=counts["body lines"], short=counts["short lines"]
        ),
        _("  punctuation pairs {pairs}, uncompressed {uncompressed}").format(
            pairs=counts["punctuation pairs"], uncompressed=counts["uncompressed pairs"]
        ),
        _("  Han-Latin boundaries {boundaries}, spaced {low}-{high} em {spaced}").format(
            boundaries=counts["Han-Latin boundaries"],
            low=HAN_LATIN_RANGE[0],
            high=HAN_LATIN_RANGE[1],
            spaced=counts["Han-Latin spaced"],
        ),
        _("  line grid {pitch} pt, body lines off it {off}").format(
            pitch=f"{counts['grid pitch']:g}", off=counts["lines off grid"]
        ),
        _("  bottoms: spread {spread} pt over {full} full pages, short pages {short}").format(
            spread=f"{counts['bottom spread']:.1f}",
            full=counts["full pages"],
            short=counts["short pages"],
        )
        + (
            _(" ({count} with the make-up's reason)").format(
                count=counts["short pages with a reason"]
            )
            if counts.get("short pages with a reason")
            else ""
        ),
    ]
    by_page: dict[int | None, dict[str, list[Finding]]] = {}
    for finding in report.findings:
        by_page.setdefault(finding.page, {}).setdefault(finding.rule, []).append(finding)
    for page, rules in by_page.items():
        lines.append(_("page {page}:").format(page=page) if page is not None else _("document:"))
        for rule, found in rules.items():
            lines.append(f"  {rule} ({len(found)})")
            for finding in found[:EXAMPLES]:
                example = _(": «{example}»").format(example=finding.example)
                example = example if finding.example else ""
                note = _(" ({level})").format(level=finding.severity.label)
                note = note if finding.severity != ERROR else ""
                lines.append(f"    {finding.message}{example}{note}")
            if any(finding.severity == ERROR for finding in found):
                advice = what_to_do(rule, report.ours)
                lines.append(_("    what to do: {advice}").format(advice=advice))
    lines.append(closing_line(report))
    return lines


def closing_line(report: Report) -> str:
    """The typesetting report's last line: errors, else warnings, else clean; with the
    number of information lines (what the make-up did on purpose) after it."""
    errors, warnings, notes = (len(report.of(s)) for s in (ERROR, WARNING, INFO))
    noted = _(" ({count} for information)").format(count=notes) if notes else ""
    if errors:
        return _("{count} findings to fix{noted}").format(count=errors, noted=noted)
    if warnings:
        return _("clean but for {count} warning(s){noted}").format(count=warnings, noted=noted)
    return _("clean{noted}").format(noted=noted)


__all__ = [
    "ERROR",
    "INFO",
    "WARNING",
    "Finding",
    "Makeup",
    "PreflightError",
    "Report",
    "closing_line",
    "format_report",
    "page_bottoms",
    "preflight",
    "read_makeup",
    "read_pages",
    "what_to_do",
]
