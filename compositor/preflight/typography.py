"""Typesetting preflight: does the Chinese text of a PDF follow clreq?

``preflight`` reads any PDF (ours or one made elsewhere) through pdfium: the
position and advance of every glyph. Glyphs on one baseline form lines; on each
page the text block's edges are where most body lines start and end. Lines of
body-size text that start at the left edge (or indented 2 em) are paragraph lines;
a paragraph's last line is the one before an indented line, a gap or other text.

Findings (rule names as printed):

- ``short-line``: a line of a justified paragraph, not its last, that does not
  reach the right edge (0.5 pt tolerance; a closing mark may hang its blank half).
- ``line-start`` / ``line-end``: 避头尾 — a closing mark starting a line, an opening
  one ending it, —— or …… split, a number parted from its unit.
- ``uncompressed-pair``: two adjacent full-width marks taking 2 em, not 1.5.
- ``han-latin-space``: the gap between a Han character and a Latin letter or digit
  outside [0.1, 0.4] em.
- ``halfwidth-punctuation``: ASCII , : ; ( ) ! ? in Chinese context.
- ``single-char-last-line``: a paragraph's last line holding one character (and marks).
- ``orphan`` / ``widow``: a paragraph's first line alone at a page foot, its last alone
  at a page head.

Press checks (``--press``) live in preflight_press.py; both report ``Finding``s.
"""

from __future__ import annotations

import ctypes
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from compositor.errors import CompositorError
from compositor.normalize import find_halfwidth_punctuation
from compositor.typeset.classes import (
    CLOSING,
    NOT_AT_LINE_END,
    NOT_AT_LINE_START,
    OPENING,
    compressible_pair,
    is_cjk,
    is_han,
    is_han_latin_boundary,
)

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


@dataclass(frozen=True)
class Finding:
    page: int | None  # None: the document as a whole
    rule: str
    message: str
    example: str = ""
    severity: str = "error"


@dataclass(frozen=True)
class Report:
    path: Path
    pages: int
    findings: tuple[Finding, ...]
    counts: dict[str, int] = field(default_factory=dict)  # what was checked, for the summary

    @property
    def exit_code(self) -> int:
        return 1 if any(f.severity == "error" for f in self.findings) else 0


@dataclass(frozen=True)
class Page:
    """One page's lines in reading order, and its text block's edges."""

    number: int
    lines: tuple[Line, ...]
    left: float
    right: float
    body_size: float


# ------------------------------------------------------------------------------ reading


def read_pages(path: Path) -> list[Page]:
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as error:
        raise PreflightError(f"cannot read the PDF: {error}", path) from None
    try:
        glyph_pages = [list(_glyphs(page)) for page in document]
    finally:
        document.close()
    page_lines = [tuple(_lines(n, glyphs)) for n, glyphs in enumerate(glyph_pages, start=1)]
    body_size = _body_size(glyph_pages, page_lines)
    everywhere = [line for lines in page_lines for line in lines if line.size == body_size]
    pages = []
    for number, lines in enumerate(page_lines, start=1):
        body = [line for line in lines if line.size == body_size]
        if len(body) < MIN_LINES_FOR_EDGES:
            body = everywhere  # too little text here to tell: the document's edges
        pages.append(Page(number, lines, _left_edge(body), _right_edge(body), body_size))
    return pages


def _glyphs(page) -> Iterator[Glyph]:
    """The page's glyphs as drawn, without the spaces and line breaks pdfium invents."""
    text_page = page.get_textpage()
    height = page.get_height()
    raw = text_page.raw
    box = pdfium_c.FS_RECTF()
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    pending: list = []  # characters of one glyph (same origin)
    for index in range(text_page.count_chars()):
        if pdfium_c.FPDFText_IsGenerated(raw, index):
            continue
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
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
        pending.append(([char], origin, box.right, size))
    text_page.close()
    for chars, (x0, baseline), x1, size in pending:
        yield Glyph("".join(chars), x0, max(x1, x0), height - baseline, size)


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
    """Where most lines end (a closing mark's blank half set aside)."""
    ends = [line.visual_end for line in body if line.last not in CLOSING]
    ends = ends or [line.visual_end for line in body]
    return _most_common((round(end * 2) / 2 for end in ends), 0.0)


def _left_edge(body: list[Line]) -> float:
    """The leftmost line start that many lines share: paragraph lines start there, first
    lines further right (indented); a start with an opening mark may be pulled left."""
    starts = Counter(round(line.x0 * 2) / 2 for line in body if line.first not in OPENING)
    if not starts:
        return 0.0
    threshold = max(2, 0.2 * starts.most_common(1)[0][1])
    frequent = [start for start, count in starts.items() if count >= threshold]
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


def _most_common(values: Iterable[float], default: float) -> float:
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
            if line.size == page.body_size and (indented or _starts_at(line, page, 0)):
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
    body = [line for line in page.lines if line.size == page.body_size]
    steps = [round(b.baseline - a.baseline, 1) for a, b in zip(body, body[1:], strict=False)]
    return _most_common((s for s in steps if s > 0), page.body_size * 2)


# ------------------------------------------------------------------------------ checks


def check_justification(pages: list[Page], lines: list[BodyLine]) -> Iterator[Finding]:
    right = {page.number: page.right for page in pages}
    for body in lines:
        line = body.line
        if body.last:
            continue
        miss = right[line.page] - line.visual_end
        if abs(miss) > TOLERANCE:
            where = "before" if miss > 0 else "past"
            yield Finding(
                line.page,
                "short-line" if miss > 0 else "long-line",
                f"ends {abs(miss):.1f} pt {where} the right edge",
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
                "the paragraph's last line holds a single character",
                _excerpt(lines[index - 1].line.text, end=True) + " / " + body.line.text,
            )


def check_line_edges(lines: list[BodyLine]) -> Iterator[Finding]:
    """避头尾 at every break inside a paragraph."""
    for body, following in zip(lines, lines[1:], strict=False):
        if body.last:
            continue
        end, start = body.line.last, following.line.first
        example = _excerpt(body.line.text, end=True) + " / " + _excerpt(following.line.text)
        page = following.line.page
        if start in NOT_AT_LINE_START:
            yield Finding(page, "line-start", f"line starts with {start}", example)
        if end in NOT_AT_LINE_END:
            yield Finding(body.line.page, "line-end", f"line ends with {end}", example)
        if end == start and end in "—…":
            yield Finding(page, "line-start", f"{end * 2} split across lines", example)
        if end.isdigit() and (is_han(start) or start in "%‰"):
            yield Finding(page, "line-start", "a number parted from its unit", example)


def check_page_breaks(lines: list[BodyLine]) -> Iterator[Finding]:
    """A paragraph broken across pages keeps two lines on each side (orphans, widows: 2)."""
    for body, following in zip(lines, lines[1:], strict=False):
        if body.last or body.line.page == following.line.page:
            continue
        if body.indented:
            yield Finding(
                body.line.page,
                "orphan",
                "a paragraph's first line is alone at the foot of the page",
                _excerpt(body.line.text),
            )
        if following.last:
            yield Finding(
                following.line.page,
                "widow",
                "a paragraph's last line is alone at the head of the page",
                _excerpt(following.line.text),
            )


def check_pairs(pages: list[Page], counts: Counter) -> Iterator[Finding]:
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
                        f"{left.text[-1]}{right.text[0]} take 2 em, not 1.5",
                        _excerpt_around(line, left),
                    )


def check_han_latin(pages: list[Page], counts: Counter) -> Iterator[Finding]:
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
                    f"{left.text[-1]}{right.text[0]}: gap {gap:.2f} em, not {low}-{high}",
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
                    f"ASCII {mark!r} in Chinese text",
                    text[max(0, index - 8) : index + 8],
                )


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
    pages = read_pages(path)
    paragraphs = body_lines(pages)
    counts: Counter = Counter()
    findings = [
        *check_justification(pages, paragraphs),
        *check_line_edges(paragraphs),
        *check_page_breaks(paragraphs),
        *check_pairs(pages, counts),
        *check_han_latin(pages, counts),
        *check_halfwidth(pages),
        *check_last_lines(paragraphs),
    ]
    findings.sort(key=lambda f: (f.page or 0, f.rule))
    summary = {
        "body lines": len(paragraphs),
        "short lines": sum(f.rule == "short-line" for f in findings),
        "punctuation pairs": counts["punctuation pairs"],
        "uncompressed pairs": counts["uncompressed pairs"],
        "Han-Latin boundaries": counts["Han-Latin boundaries"],
        "Han-Latin spaced": counts["Han-Latin spaced"],
    }
    return Report(path, len(pages), tuple(findings), summary)


def format_report(report: Report) -> list[str]:
    """The report as printed by ``compositor preflight``: a summary, then per page
    each rule with its count and up to three examples."""
    counts = report.counts
    lines = [
        f"Typesetting preflight: {report.path} ({report.pages} pages)",
        f"  body lines {counts['body lines']}, short {counts['short lines']}",
        f"  punctuation pairs {counts['punctuation pairs']}, "
        f"uncompressed {counts['uncompressed pairs']}",
        f"  Han-Latin boundaries {counts['Han-Latin boundaries']}, "
        f"spaced {HAN_LATIN_RANGE[0]}-{HAN_LATIN_RANGE[1]} em {counts['Han-Latin spaced']}",
    ]
    by_page: dict[int | None, dict[str, list[Finding]]] = {}
    for finding in report.findings:
        by_page.setdefault(finding.page, {}).setdefault(finding.rule, []).append(finding)
    for page, rules in by_page.items():
        lines.append(f"page {page}:" if page is not None else "document:")
        for rule, found in rules.items():
            lines.append(f"  {rule} ({len(found)})")
            for finding in found[:EXAMPLES]:
                example = f": «{finding.example}»" if finding.example else ""
                lines.append(f"    {finding.message}{example}")
    if report.findings:
        lines.append(f"{len(report.findings)} findings")
    else:
        lines.append("clean")
    return lines


__all__ = ["Finding", "PreflightError", "Report", "format_report", "preflight", "read_pages"]
