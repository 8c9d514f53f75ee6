"""The one place where compositor touches WeasyPrint internals.

WeasyPrint is pinned exactly (pyproject.toml). Everything here names the private
WeasyPrint objects it relies on (``INTERNALS`` below), ``check_internals`` verifies
them, and tests/test_weasy_seam.py fails loudly if an upgrade moves or changes them.

Chinese typesetting (``cjk_typesetting``) extends WeasyPrint 70 at two points:

- **Line breaking.** WeasyPrint asks ``split_first_line`` for the first line of a text
  run. For Chinese text we answer instead: Pango measures each character's advance,
  ``typeset.linebreak`` picks the break (clreq 避头尾, a one-character last line
  avoided, URLs broken at their punctuation — a URL's earlier part is remembered
  for the next line, which WeasyPrint asks for with the rest of the text alone; an
  address that fits a whole line of its block moves there whole, so the seam
  remembers the width of the block whose lines are being set),
  ``typeset.spacing`` plans the line's spacing (Han–Latin quarter em, punctuation
  compression, line-edge marks), and the line is laid out by a
  ``PlannedLayout`` that turns the plan into Pango letter-spacing attributes. Pango
  never wraps such a layout, so what was measured is what is drawn.
- **Justification.** WeasyPrint's ``justify_line`` only stretches spaces. Ours spreads
  the slack over every justification opportunity of planned lines (between Chinese
  characters, at spaces, never inside a Latin word); the amount is stored on the
  layout and applied as letter-spacing when WeasyPrint draws the line. A line that
  would need gaps wider than the layout's ``max_justification`` is set flush left.
- **Leaders.** The contents' dotted leaders are set as one text run each, not as a
  box (and a PDF text object) per dot: the same glyphs at the same places, drawn at a
  fraction of the cost.

Activation is explicit and scoped: the functions are swapped in by the context
manager and restored when it exits; nothing changes at import time.
Each activation verifies the internals first; a pass is remembered for the process
(for the same WeasyPrint objects), so ``compositor watch`` pays for it once.

Internals used (checked by ``check_internals``):
- ``weasyprint.text.ffi.harfbuzz_subset``: the libharfbuzz-subset handle, ``None``
  when the library is missing and WeasyPrint falls back to fontTools subsetting.
- ``weasyprint.text.line_break.split_first_line`` (also imported by name into
  ``weasyprint.layout.inline`` and ``weasyprint.layout.preferred``): replaced.
- ``weasyprint.text.line_break.Layout``: subclassed; we rely on ``__init__(style,
  justification_spacing, max_width)``, ``set_text(text, justify)``, ``get_first_line``,
  ``deactivate``, ``reactivate`` (calls ``set_text(self.text, justify=True)`` before
  drawing) and the attributes ``layout`` (the PangoLayout) and ``text``.
- ``weasyprint.text.line_break.line_size``: a Pango line's logical width and height;
  ``_font_style_cache_key``: what makes two styles shape text alike (measure cache).
- ``weasyprint.layout.inline.get_next_linebox`` (called by name in
  ``iter_line_boxes``): wrapped, to know the width of a whole line (its
  ``containing_block``'s) while the line's text is broken.
- ``weasyprint.layout.inline.justify_line``: replaced; ``add_word_spacing`` still
  justifies text runs that are not ours.
- ``weasyprint.layout.inline.handle_leader`` (called by name there): wrapped; it fills
  a leader box with contiguous copies of its text box, one advance apart, which
  ``weasyprint.layout.leader.leader_index`` finds; ``TextBox.copy_with_text``.
- ``weasyprint.text.ffi``: ``ffi``, ``pango`` (``pango_layout_get_attributes``,
  ``pango_layout_set_attributes``, ``pango_attr_list_new/unref/change``,
  ``pango_attr_letter_spacing_new``, ``pango_layout_get_baseline``), ``TO_UNITS``,
  ``FROM_UNITS`` and the cffi structs ``PangoLayoutLine.runs``, ``PangoGlyphItem``,
  ``PangoGlyphString``, ``PangoItem.offset``.
- ``weasyprint.draw.text.draw_first_line``: draws ``PANGO_GLYPH_EMPTY`` glyphs (our
  spacers) as a move, not a glyph, so they never reach the PDF's text.
- Computed style keys ``lang``, ``white_space``, ``letter_spacing``, ``word_spacing``,
  ``font_size``, ``direction``, ``overflow_wrap``, ``word_break``.
"""

from __future__ import annotations

import copy
import inspect
import json
import linecache
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

from weasyprint.draw import text as weasy_draw_text
from weasyprint.formatting_structure import boxes as weasy_boxes
from weasyprint.layout import absolute as weasy_absolute
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import leader as weasy_leader
from weasyprint.layout import preferred as weasy_preferred
from weasyprint.text import ffi as weasy_ffi
from weasyprint.text import fonts as weasy_fonts
from weasyprint.text import line_break as weasy_line_break

from compositor.layout import Typesetting
from compositor.text.classes import contains_cjk
from compositor.typeset.linebreak import NeedMoreText, UrlBreaks, choose_break
from compositor.typeset.spacing import SPACER, LinePlan, interior_gaps, plan_line

WEASYPRINT_VERSION = "70.0"
# Characters measured per line at first: enough for a line of 42 Han characters or of
# narrower Latin text; more is measured when the break cannot be decided.
CHUNK_PER_EM = 1.6
CHUNK_EXTRA = 8
# Also measured after the chunk, so that its last characters are shaped in context.
LOOKAHEAD = 4
# Paragraphs up to this many characters are measured whole, once.
WHOLE_PARAGRAPH = 4000
# How WeasyPrint 70 misdraws an empty glyph's advance (see PlannedLayout.set_text).
EMPTY_GLYPH_DRAW_SCALE = 1000 / 1024


def has_fast_subsetting() -> bool:
    """True when WeasyPrint can subset fonts with libharfbuzz-subset (40–50× faster on CJK)."""
    return getattr(weasy_ffi, "harfbuzz_subset", None) is not None


# --------------------------------------------------------------------------- activation


@contextmanager
def cjk_typesetting(settings: Typesetting, shaping: Shaping | None = None) -> Iterator[None]:
    """Lay out Chinese text to clreq (breaking, spacing, justification) inside this block.

    WeasyPrint's layout must run inside it; drawing (``write_pdf``) may run inside or
    after it. Not reentrant: one activation at a time per process. ``shaping`` keeps
    Pango's measurements for the next activation (a build session's next build).
    """
    _verify_internals()
    shaping = shaping or Shaping()
    shaping.next_build()
    measures = Measures(settings, shaping)
    split = partial(_split_first_line, settings, measures, weasy_line_break.split_first_line)
    justify = partial(_justify_line, settings, weasy_inline.justify_line)
    leader = partial(_handle_leader, weasy_inline.handle_leader)
    linebox = partial(_get_next_linebox, measures, weasy_inline.get_next_linebox)
    replacements = [
        (weasy_line_break, "split_first_line", split),
        (weasy_inline, "split_first_line", split),
        (weasy_preferred, "split_first_line", split),
        (weasy_inline, "justify_line", justify),
        (weasy_inline, "handle_leader", leader),
        (weasy_inline, "get_next_linebox", linebox),
    ]
    if any(isinstance(getattr(m, name), partial) for m, name, _ in replacements):
        raise RuntimeError("cjk_typesetting is already active")
    originals = [(module, name, getattr(module, name)) for module, name, _ in replacements]
    try:
        for module, name, replacement in replacements:
            setattr(module, name, replacement)
        yield
    finally:
        for module, name, original in originals:
            setattr(module, name, original)


# ------------------------------------------------------------------------ line breaking


def _split_first_line(
    settings,
    measures,
    original,
    text,
    style,
    context,
    max_width,
    justification_spacing,
    is_line_start=True,
    minimum=False,
):
    """``split_first_line`` for Chinese text; anything else goes to WeasyPrint's own."""
    if not _is_ours(style, text):
        return original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    # WeasyPrint re-splits lines it already has (to drop a trailing space): those carry
    # our spacers, which the new plan puts back where they belong.
    source = text.replace(SPACER, "")
    if max_width is not None and max_width == float("inf"):
        max_width = None
    em = style["font_size"]
    break_anywhere = style["word_break"] == "break-all" or (
        is_line_start
        and (
            style["overflow_wrap"] == "anywhere"
            or (style["overflow_wrap"] == "break-word" and not minimum)
        )
    )
    key = None
    if len(source) <= WHOLE_PARAGRAPH:  # longer ones are measured in chunks, uncached
        # A line is a function of the key, and the same lines are asked for again and
        # again: by the second layout of the contents' page, by the preferred widths of
        # flex items, and in ``watch`` by every rebuild, for each paragraph not edited.
        # The advances are part of the key (not only the text): Measures may answer with
        # a slice of the paragraph's, which the text shaped alone need not match.
        advances, _ = measures.measure(source, style, len(source))
        key = (
            _line_style_key(style),
            settings,
            text,
            max_width,
            is_line_start,
            minimum,
            measures.url_prefixes.get(source, ""),
            measures.line_width,
            tuple(advances),
        )
        found = measures.shaping.line(key, style)
        if found is not None:
            prototype, length, resume, width, height, baseline, continued = found
            if continued:
                measures.url_prefixes[continued[0]] = continued[1]
            # A layout of its own for the box (its justification is set per box); the
            # prototype is deactivated, as WeasyPrint keeps a layout until it draws it.
            return copy.copy(prototype), length, resume, width, height, baseline
    line_break, advances, gaps, continued = _choose_break(
        source, style, max_width, settings, is_line_start, break_anywhere, measures
    )
    if continued:
        measures.url_prefixes[continued[0]] = continued[1]
    line_text = source[: line_break.end] if line_break.resume is not None else source
    plan = plan_line(
        line_text,
        advances[: len(line_text)],
        em,
        settings,
        at_line_start=is_line_start,
        at_line_end=True,
        gaps=gaps[: len(line_text)],
    )
    layout = PlannedLayout(style, plan, max_width)
    layout.set_text(plan.pango_text)
    first_line, _ = layout.get_first_line()
    _, height = weasy_line_break.line_size(first_line, style)
    width = _glyph_advance(first_line) - plan.end_trim
    baseline = weasy_ffi.pango.pango_layout_get_baseline(layout.layout) * weasy_ffi.FROM_UNITS
    layout.deactivate()
    length = len(line_text.encode())
    resume = None
    if line_break.resume is not None:
        resume = _byte_index(text, source, line_break.resume)
    if key is not None:
        prototype = copy.copy(layout)  # never handed to WeasyPrint, so never reactivated
        measures.shaping.keep_line(
            key, (prototype, length, resume, width, height, baseline, continued)
        )
    return layout, length, resume, width, height, baseline


def _get_next_linebox(
    measures,
    original,
    context,
    linebox,
    position_y,
    bottom_space,
    skip_stack,
    containing_block,
    absolute_boxes,
    fixed_boxes,
    first_letter_style,
    first_line_style,
):
    """``get_next_linebox``, with the width of the block's lines known while its text is
    broken (a table cell's or a narrow box's own; blocks nest, hence the restore). Its
    parameters are spelt out, as the internals check reads them while we are active."""
    outer = measures.line_width
    width = containing_block.width
    measures.line_width = width if isinstance(width, (int, float)) else None  # not "auto"
    try:
        return original(
            context,
            linebox,
            position_y,
            bottom_space,
            skip_stack,
            containing_block,
            absolute_boxes,
            fixed_boxes,
            first_letter_style,
            first_line_style,
        )
    finally:
        measures.line_width = outer


def _is_ours(style, text: str) -> bool:
    """Chinese text in a run we can set: collapsed white space, no CSS letter/word spacing."""
    return (
        (style["lang"] or "").lower().startswith("zh")
        and style["white_space"] == "normal"
        and style["letter_spacing"] == "normal"
        and not style["word_spacing"]
        and style["direction"] == "ltr"
        and style["font_size"] > 0
        and contains_cjk(text)
    )


def _choose_break(source, style, max_width, settings, at_line_start, break_anywhere, measures):
    """Measure as much of ``source`` as the break needs, then choose it.

    Returns the break, the measurement (each character's advance and the gap before
    it, see ``typeset.spacing.interior_gaps``) and, for a break inside a URL, the rest
    of the text and the URL's part before the break (for ``Measures.url_prefixes``).
    """
    em = style["font_size"]
    if max_width is None:
        count = len(source)
    else:
        count = int(max(max_width, 0) / em * CHUNK_PER_EM) + CHUNK_EXTRA
    urls = UrlBreaks.of(source, measures.url_prefixes.get(source, ""))
    while True:
        advances, gaps = measures.measure(source, style, count)
        try:
            chosen = choose_break(
                source,
                advances,
                em,
                max_width,
                settings,
                at_line_start=at_line_start,
                break_anywhere=break_anywhere,
                gaps=gaps,
                urls=urls,
                measure=measures.line_width,
            )
        except NeedMoreText:
            count *= 2
            continue
        continued = None
        if chosen.resume is not None and (prefix := urls.prefix_at(chosen.resume)):
            # WeasyPrint asks for the next line with the rest of the text alone.
            continued = source[chosen.resume :], prefix
        return chosen, advances, gaps, continued


@dataclass
class Measures:
    """Advances and gaps measured during one activation, reused line after line.

    WeasyPrint asks for the first line of a paragraph, then of what remains, and
    lays out the whole document more than once (page counters, the TOC). A paragraph
    is measured whole the first time; later requests for it or for what remains of
    it (a suffix of the text measured last) are answered from here.
    """

    settings: Typesetting
    shaping: Shaping = field(default_factory=lambda: Shaping())
    by_text: dict[tuple[str, str], tuple[list[float], list[float]]] = field(default_factory=dict)
    latest: dict[str, tuple[str, list[float], list[float]]] = field(default_factory=dict)
    # The rest of a paragraph broken inside a URL → the URL's part on the lines before,
    # so that the next line knows it continues a URL (see typeset.linebreak.UrlBreaks).
    url_prefixes: dict[str, str] = field(default_factory=dict)
    # The width of a whole line of the block being set (None outside one: preferred
    # widths): an address that fits it moves whole to the next line.
    line_width: float | None = None

    def measure(self, text: str, style, count: int) -> tuple[list[float], list[float]]:
        """Advances and gaps of at least the first ``count`` characters of ``text``."""
        em = style["font_size"]
        if len(text) > WHOLE_PARAGRAPH:  # too long to measure at once: in chunks, uncached
            advances = self.shaping.advances(text[: count + LOOKAHEAD], style)[:count]
            return advances, interior_gaps(text[:count], advances, em, self.settings)
        font = weasy_line_break._font_style_cache_key(style, include_size=True)
        if (font, text) in self.by_text:
            return self.by_text[font, text]
        last_text, last_advances, last_gaps = self.latest.get(font, ("", [], []))
        if text and last_text.endswith(text):
            start = len(last_text) - len(text)
            return last_advances[start:], last_gaps[start:]
        advances = self.shaping.advances(text, style)
        gaps = interior_gaps(text, advances, em, self.settings)
        self.by_text[font, text] = advances, gaps
        self.latest[font] = text, advances, gaps
        return advances, gaps


class _LastBuild:
    """A memo that keeps, from one build of a session to the next, only what the last
    build used, so that a long ``watch`` does not grow it."""

    def __init__(self) -> None:
        self._current: dict = {}
        self._previous: dict = {}

    def next_build(self) -> None:
        self._previous, self._current = self._current, {}

    def find(self, key):
        """The value kept for ``key`` (kept for this build too), or ``None``."""
        found = self._current.get(key)
        if found is None:
            found = self._previous.get(key)
            if found is not None:
                self._current[key] = found
        return found

    def keep(self, key, value) -> None:
        self._current[key] = value

    def get(self, key, make: Callable):
        """The value kept for ``key``, or ``make()``'s, kept."""
        found = self.find(key)
        if found is None:
            found = self._current[key] = make()
        return found


class Shaping:
    """Each text's advances as Pango shaped it (``_advances``), kept from one build to
    the next of a session, so that a rebuild after an edit shapes only the edited text.

    A pure memo: the key holds every style property that ``Layout.setup`` and
    ``Layout.set_text`` shape with, and the memo is emptied when the fonts (the
    style's FontConfiguration) change, so a remembered answer is the one Pango would
    give again. ``Measures`` still decides what to measure, build after build alike.
    """

    def __init__(self) -> None:
        self._fonts = None
        self._shaped = _LastBuild()
        # Planned lines (see _split_first_line): a deactivated layout to copy, and what
        # WeasyPrint is told of the line. Kept and forgotten as the advances are.
        self._lines = _LastBuild()

    def next_build(self) -> None:
        self._shaped.next_build()
        self._lines.next_build()

    def _fonts_of(self, style) -> None:
        """Forget everything when the fonts (the style's FontConfiguration) change."""
        fonts = style.font_config
        if fonts is not self._fonts:
            self._fonts, self._shaped, self._lines = fonts, _LastBuild(), _LastBuild()

    def line(self, key: tuple, style) -> tuple | None:
        self._fonts_of(style)
        return self._lines.find(key)

    def keep_line(self, key: tuple, line: tuple) -> None:
        self._lines.keep(key, line)

    def advances(self, text: str, style) -> list[float]:
        self._fonts_of(style)
        key = (
            weasy_line_break._font_style_cache_key(style, include_size=True),
            *(style[name] for name in SHAPING_PROPERTIES),
            text,
        )
        return list(self._shaped.get(key, lambda: _advances(text, style)))


# What Layout.setup and Layout.set_text shape with besides _font_style_cache_key's keys.
SHAPING_PROPERTIES = (
    "font_kerning",
    "direction",
    "letter_spacing",
    "word_spacing",
    "overflow_wrap",
    "tab_size",
)
# What else a planned line depends on: where it may break, and the decoration metrics
# Layout.setup stores on the layout.
LINE_PROPERTIES = (*SHAPING_PROPERTIES, "word_break", "white_space", "text_decoration_line")


def _line_style_key(style) -> tuple:
    return (
        weasy_line_break._font_style_cache_key(style, include_size=True),
        # text_decoration_line is a set (e.g. {'underline'} on links): made hashable
        *(_hashable(style[name]) for name in LINE_PROPERTIES),
    )


def _hashable(value):
    return frozenset(value) if isinstance(value, (set, list)) else value


def _byte_index(text: str, source: str, index: int) -> int:
    """The UTF-8 offset in ``text`` of ``source[index]`` (``source``: ``text`` minus spacers)."""
    if text == source:
        return len(source[:index].encode())
    seen = 0
    for position, char in enumerate(text):
        if char == SPACER:
            continue
        if seen == index:
            return len(text[:position].encode())
        seen += 1
    return len(text.encode())


# ------------------------------------------------------------------------------ Pango


def _advances(text: str, style) -> list[float]:
    """Each character's advance as Pango shapes ``text`` on one line (in CSS px).

    A cluster of several characters (a ligature, ``——`` drawn as one glyph) is
    credited to its first character.
    """
    if not text:
        return []
    layout = weasy_line_break.Layout(style)
    layout.set_text(text)
    line, _ = layout.get_first_line()
    char_at_byte = {}
    offset = 0
    for index, char in enumerate(text):
        char_at_byte[offset] = index
        offset += len(char.encode())
    widths = [0] * len(text)
    run = line.runs
    while run != weasy_ffi.ffi.NULL:
        item, glyphs = run.data.item, run.data.glyphs
        clusters = weasy_ffi.ffi.unpack(glyphs.log_clusters, glyphs.num_glyphs)
        for cluster, width in zip(clusters, _glyph_widths(glyphs), strict=True):
            widths[char_at_byte[item.offset + cluster]] += width
        run = run.next
    layout.deactivate()
    return [width * weasy_ffi.FROM_UNITS for width in widths]


def _glyph_widths(glyphs) -> memoryview:
    """The advances of a PangoGlyphString's glyphs (Pango units), read in one go.

    A PangoGlyphInfo is a few 32-bit fields; the widths are every n-th of them.
    """
    ffi = weasy_ffi.ffi
    # The struct type is taken from the pointer, not named: naming it as a string makes
    # cffi run its C parser over WeasyPrint's declarations once per process (2 ms a type).
    info = ffi.typeof(glyphs.glyphs).item
    size = ffi.sizeof(info)
    offset = ffi.offsetof(info, "geometry", "width")
    ints = memoryview(ffi.buffer(glyphs.glyphs, size * glyphs.num_glyphs)).cast("i")
    return ints[offset // 4 :: size // 4]


def _glyph_advance(line) -> float:
    """The sum of a Pango line's glyph advances: its drawn width (in CSS px).

    Pango's logical extents miss a negative advance at the line start (an opening
    mark pulled half an em left), so the glyphs are added up instead.
    """
    total = 0
    run = line.runs
    while run != weasy_ffi.ffi.NULL:
        total += sum(_glyph_widths(run.data.glyphs))
        run = run.next
    return total * weasy_ffi.FROM_UNITS


def _pango_units(length: float) -> int:
    """A length in Pango units for letter-spacing.

    Pango rounds half of a whole-pixel letter-spacing to whole pixels, which would put
    more of it on one side; one unit (1/1024 px) off a whole pixel avoids that.
    """
    whole_pixel = weasy_ffi.TO_UNITS
    units = round(length * whole_pixel)
    if units % whole_pixel == 0 and units % (2 * whole_pixel):
        units += 1
    return units


def _set_letter_spacing(layout, text: str, runs: list[tuple[int, int, float]]) -> None:
    """Add letter-spacing attributes on character ranges of ``text`` (the layout's text)."""
    ffi, pango = weasy_ffi.ffi, weasy_ffi.pango
    if not runs:
        return
    offsets = [0]
    for char in text:
        offsets.append(offsets[-1] + len(char.encode()))
    attributes = pango.pango_layout_get_attributes(layout.layout)
    if attributes == ffi.NULL:
        attributes = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
    for start, end, value in runs:
        attribute = pango.pango_attr_letter_spacing_new(_pango_units(value))
        attribute.start_index, attribute.end_index = offsets[start], offsets[end]
        pango.pango_attr_list_change(attributes, attribute)
    pango.pango_layout_set_attributes(layout.layout, attributes)


class PlannedLayout(weasy_line_break.Layout):
    """A WeasyPrint text layout that sets its line as a ``LinePlan`` says.

    ``justification`` (CSS px per opportunity) is set by ``_justify_line`` and applied
    when WeasyPrint draws the line (``reactivate`` → ``set_text(..., justify=True)``).
    """

    def __init__(self, style, plan: LinePlan, max_width=None):
        self.plan = plan
        self.justification = 0.0
        super().__init__(style, justification_spacing=0, max_width=max_width)

    def set_text(self, text, justify=False):
        super().set_text(text, justify)
        if text != self.plan.pango_text:
            return
        if justify:
            # WeasyPrint passes justify=True only from ``reactivate``, just before it
            # draws the line, and it draws an empty glyph's advance 1024/1000 too wide
            # (draw_first_line divides Pango units by the font size without FROM_UNITS):
            # the spacers are given that much less so that they land where measured.
            spacing = self.plan.letter_spacing(self.justification, EMPTY_GLYPH_DRAW_SCALE)
        else:
            spacing = self.plan.letter_spacing()
        _set_letter_spacing(self, text, spacing)


# ----------------------------------------------------------------------- justification


def _handle_leader(original, context, line, containing_block) -> None:
    """``handle_leader``, its dots set as one text run instead of one box each, and run
    on up to what follows them.

    WeasyPrint fills a leader (the contents' dotted lines) with a copy of the leader's
    text box per dot, side by side: 707 boxes on the sample's contents page, each
    shaped again and drawn as a text object of its own (0.03 s of a build). The copies
    are contiguous and one advance apart, so one box holding the text as many times,
    at the first copy's place, sets the same glyphs at the same places.

    WeasyPrint stops the dots at the containing block's edge. A layout that keeps a
    column for the page numbers (padding on the entry, the number hung into it with a
    negative margin, so that a long title wraps short of the numbers) would get a gap
    between the dots and the number: the dots run on into that column, on the same
    positions, up to the number.
    """
    index, leader = weasy_leader.leader_index(line)
    template = leader.children[0] if leader is not None and leader.children else None
    original(context, line, containing_block)
    if template is None or template.width <= 0:
        return
    copies = sorted(leader.children, key=lambda box: box.position_x)
    following = _after_leader(line, index)
    edge = line.position_x + line.width  # where WeasyPrint's last dot ends
    more = int((following.position_x - edge) // template.width) if following else 0
    if more <= 0 and len(copies) < 2:
        return  # nothing to merge, nothing to run on
    first = copies[0] if copies else template
    count = len(copies) + max(more, 0)
    text = first.text * count
    layout, _, _, width, _, _ = weasy_line_break.split_first_line(
        text, first.style, context, None, 0
    )
    merged = first.copy_with_text(text)
    merged.pango_layout = layout
    merged.width = width
    if not copies:
        merged.position_x = edge
    leader.children = (merged,)


def _after_leader(line, index):
    """The in-flow box right after the leader (the page number), or None."""
    parent, (position, inner) = line, index  # leader_index: (i, (j, … None))
    while inner is not None:
        parent, (position, inner) = parent.children[position], inner
    rest = [child for child in parent.children[position + 1 :] if child.is_in_normal_flow()]
    return rest[0] if rest else None


def _justify_line(settings, original, context, line, extra_width):
    """Spread ``extra_width`` over the line's justification opportunities — unless that
    opens gaps wider than ``settings.max_justification`` em: such a line (one ended
    early by a long URL or word that could not break) is set flush left instead."""
    boxes = list(_text_boxes(line))
    planned = [box for box in boxes if isinstance(box.pango_layout, PlannedLayout)]
    if not planned:
        return original(context, line, extra_width)
    opportunities = sum(_opportunities(box) for box in boxes)
    if opportunities <= 0:
        return
    justification = extra_width / opportunities
    em = max(box.style["font_size"] for box in planned)
    if justification > settings.max_justification * em:
        return
    _spread(context, line, justification, 0.0)


def _text_boxes(box):
    if isinstance(box, weasy_boxes.TextBox):
        yield box
    elif isinstance(box, (weasy_boxes.LineBox, weasy_boxes.InlineBox)):
        for child in box.children:
            if child.is_in_normal_flow():
                yield from _text_boxes(child)


def _opportunities(box) -> float:
    if isinstance(box.pango_layout, PlannedLayout):
        return box.pango_layout.plan.opportunities
    return box.text.count(" ") + box.text.count("\u00a0")  # as WeasyPrint counts them


def _spread(context, box, justification: float, x_advance: float) -> float:
    """Shift ``box`` by ``x_advance`` and widen it by its share; return the new advance.

    Mirrors WeasyPrint's ``add_word_spacing``, which still handles text that is not ours.
    """
    if isinstance(box, weasy_boxes.TextBox):
        layout = box.pango_layout
        if not isinstance(layout, PlannedLayout):
            return weasy_inline.add_word_spacing(context, box, justification, x_advance)
        box.position_x += x_advance
        layout.justification = justification
        extra = justification * layout.plan.opportunities
        box.width += extra
        return x_advance + extra
    if isinstance(box, (weasy_boxes.LineBox, weasy_boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = _spread(context, child, justification, x_advance)
        box.width += x_advance - before
        return x_advance
    box.translate(x_advance, 0)  # an atomic inline: moves, does not stretch
    return x_advance


# -------------------------------------------------------------------- shipped fonts only


def shipped_font_configuration(
    folder: Path, faces: Iterable[Path] = ()
) -> weasy_fonts.FontConfiguration:
    """A WeasyPrint font configuration that knows no font of the machine.

    WeasyPrint's ``FontConfiguration`` starts from the machine's fontconfig setup, so
    Pango draws a character the @font-face fonts lack in whatever installed font has
    it (Noto Sans CJK on one machine, a box on another): builds differ by machine.
    This one starts from an empty fontconfig configuration holding only ``faces`` (the
    shipped fonts) and then whatever the @font-face rules add, so generic names
    (``serif``) and fallbacks resolve to shipped faces too. A character none of them
    has is drawn as .notdef, and the coverage check stops the build before that. (With
    no face at all, Pango would find no font and WeasyPrint would crash drawing text.)

    WeasyPrint copies each @font-face file into a folder it makes itself and removes
    only when the object is garbage-collected, which a batch worker or an interrupted
    run never reaches (an 18 MB /tmp/weasyprint-* folder per build). Here the copies go
    into ``folder``, which the caller owns and removes.
    """
    return _ShippedFontConfiguration(folder, tuple(faces))


class _ShippedFontConfiguration(weasy_fonts.FontConfiguration):
    def __init__(self, folder: Path, faces: tuple[Path, ...]) -> None:
        # Not super().__init__(): it loads the machine's configuration and fonts.
        ffi, fontconfig = weasy_ffi.ffi, weasy_ffi.fontconfig
        self._config = _empty_fontconfig()
        for face in faces:
            if not fontconfig.FcConfigAppFontAddFile(self._config, str(face).encode()):
                raise RuntimeError(f"fontconfig cannot read the shipped font {face}")
        self.font_map = ffi.gc(weasy_ffi.pangoft2.pango_ft2_font_map_new(), _unref)
        set_config = weasy_ffi.pangoft2.pango_fc_font_map_set_config
        # The pointer type is the function's own parameter type: naming it as a string
        # would run cffi's C parser over all of WeasyPrint's declarations (2.5 ms).
        font_map = ffi.typeof(set_config).args[0]
        set_config(ffi.cast(font_map, self.font_map), self._config)
        fontconfig.FcConfigDestroy(self._config)  # the font map holds a reference
        self._folder = Path(folder)
        self.strut_layouts = {}
        self.font_features = {}

    def __del__(self) -> None:
        pass  # the folder is the caller's to remove, not the garbage collector's


def _unref(pointer) -> None:
    weasy_ffi.gobject.g_object_unref(pointer)


def _empty_fontconfig():
    """A new fontconfig configuration with no font folders, rules or fonts.

    ``FcConfigCreate`` is not among the functions WeasyPrint declares, so it is
    declared here in an FFI of its own, and the pointer it returns is cast to
    WeasyPrint's ``FcConfig *`` (the type of ``FcConfigDestroy``'s parameter). An FFI
    that included WeasyPrint's would share the type without a cast, but then declaring
    one function makes cffi parse all of WeasyPrint's type names again (3.8 ms against
    0.4 ms, in every cold build).
    """
    import cffi

    own = cffi.FFI()
    own.cdef("typedef struct _FcConfig FcConfig; FcConfig * FcConfigCreate (void);")
    for name in FONTCONFIG_LIBRARIES:
        try:
            library = own.dlopen(name)
            break
        except OSError:
            continue
    else:
        raise RuntimeError(f"cannot open fontconfig (tried {', '.join(FONTCONFIG_LIBRARIES)})")
    config = library.FcConfigCreate()
    if config == own.NULL:
        raise MemoryError("FcConfigCreate failed")
    ffi = weasy_ffi.ffi
    weasy_config = ffi.typeof(weasy_ffi.fontconfig.FcConfigDestroy).args[0]
    return ffi.cast(weasy_config, int(own.cast("uintptr_t", config)))


FONTCONFIG_LIBRARIES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "fontconfig")


# -------------------------------------------------------------------- internals check

# (module, attribute, expected parameters or None for "exists")
INTERNALS = (
    (
        "weasyprint.text.line_break",
        "split_first_line",
        [
            "text",
            "style",
            "context",
            "max_width",
            "justification_spacing",
            "is_line_start",
            "minimum",
        ],
    ),
    ("weasyprint.layout.inline", "split_first_line", None),
    ("weasyprint.layout.preferred", "split_first_line", None),
    ("weasyprint.text.line_break", "line_size", ["line", "style"]),
    ("weasyprint.text.line_break", "_font_style_cache_key", ["style", "include_size"]),
    ("weasyprint.text.line_break", "Layout", ["style", "justification_spacing", "max_width"]),
    ("weasyprint.layout.inline", "justify_line", ["context", "line", "extra_width"]),
    (
        "weasyprint.layout.inline",
        "add_word_spacing",
        ["context", "box", "justification_spacing", "x_advance"],
    ),
    ("weasyprint.layout.inline", "handle_leader", ["context", "line", "containing_block"]),
    (
        "weasyprint.layout.inline",
        "get_next_linebox",
        [
            "context",
            "linebox",
            "position_y",
            "bottom_space",
            "skip_stack",
            "containing_block",
            "absolute_boxes",
            "fixed_boxes",
            "first_letter_style",
            "first_line_style",
        ],
    ),
    ("weasyprint.layout.leader", "leader_index", ["box"]),
    ("weasyprint.text.ffi", "TO_UNITS", None),
    ("weasyprint.text.fonts", "FontConfiguration", []),
    ("weasyprint.text.ffi", "FROM_UNITS", None),
)
LAYOUT_METHODS = {
    "set_text": ["self", "text", "justify"],
    "get_first_line": ["self"],
    "deactivate": ["self"],
    "reactivate": ["self", "style"],
    "setup": ["self", "style"],
}
PANGO_FUNCTIONS = (
    "pango_layout_get_attributes",
    "pango_layout_set_attributes",
    "pango_attr_list_new",
    "pango_attr_list_unref",
    "pango_attr_list_change",
    "pango_attr_letter_spacing_new",
    "pango_layout_get_baseline",
    "pango_layout_get_line_readonly",
)
FONT_CONFIGURATION_ATTRIBUTES = {"_config", "font_map", "_folder", "strut_layouts", "font_features"}
CFFI_FIELDS = {
    "PangoLayoutLine": {"runs", "length", "start_index"},
    "PangoGlyphItem": {"item", "glyphs"},
    "PangoGlyphString": {"num_glyphs", "glyphs", "log_clusters"},
    "PangoItem": {"offset", "length"},
    "PangoGlyphInfo": {"glyph", "geometry"},
    "PangoGlyphGeometry": {"width", "x_offset"},
    "PangoAttribute": {"start_index", "end_index"},
}


def check_internals() -> list[str]:
    """Everything the seam relies on that an upgrade of WeasyPrint could change."""
    import importlib

    import weasyprint

    problems = []
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        problems.append(f"weasyprint is {weasyprint.__version__}, the seam is for 70.0")
    for module_name, name, parameters in INTERNALS:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            problems.append(f"{module_name}.{name} is gone")
            continue
        if parameters is not None:
            found = list(inspect.signature(getattr(module, name)).parameters)
            if found != parameters:
                problems.append(f"{module_name}.{name}{tuple(found)}: expected {tuple(parameters)}")
    for method, parameters in LAYOUT_METHODS.items():
        function = getattr(weasy_line_break.Layout, method, None)
        found = list(inspect.signature(function).parameters) if function else None
        if found != parameters:
            problems.append(f"Layout.{method}: parameters {found}, expected {parameters}")
    reactivate = _source_of(weasy_line_break.Layout.reactivate)
    if "set_text(self.text, justify=True)" not in reactivate:
        problems.append("Layout.reactivate no longer re-sets the text with justify=True")
    problems.extend(_check_ffi())
    problems.extend(_check_font_configuration())
    if "handle_leader(context, line, containing_block)" not in inspect.getsource(weasy_inline):
        problems.append("weasyprint.layout.inline no longer calls handle_leader by name")
    if "line, resume_at = get_next_linebox(" not in _source_of(weasy_inline.iter_line_boxes):
        problems.append("iter_line_boxes no longer calls get_next_linebox by name")
    leader_source = _source_of(weasy_leader.handle_leader)
    if not all(used in leader_source for used in ("text_box.copy()", "-= text_box.width")):
        problems.append("handle_leader no longer fills a leader with copies one advance apart")
    draw_source = _source_of(weasy_draw_text.draw_first_line)
    if "PANGO_GLYPH_EMPTY" not in draw_source:
        problems.append("draw_first_line no longer skips empty glyphs (our spacers)")
    if "string += f'>{-width / font_size}<'" not in draw_source:
        problems.append(
            "draw_first_line draws empty glyphs differently: revisit EMPTY_GLYPH_DRAW_SCALE"
        )
    return problems


def _source_of(function) -> str:
    """The source lines of ``function``, as far as its code object spans them.

    What ``inspect.getsource`` returns for a function, except trailing comments, without
    its tokenizing of the file to find where the function ends: that was half of the
    self-check's time in a cold build. The file is read through linecache, as
    ``inspect`` reads it."""
    function = inspect.unwrap(function)
    code = function.__code__
    lines = linecache.getlines(code.co_filename, function.__globals__)
    if not lines:
        raise OSError(f"no source for {function!r}")  # as inspect.getsource would
    last = max(line for *_, line in code.co_lines() if line is not None)
    return "".join(lines[code.co_firstlineno - 1 : last])


def _check_font_configuration() -> list[str]:
    """_ShippedFontConfiguration sets what FontConfiguration.__init__ sets, and
    add_font_face still copies fonts into ``self._folder`` and adds them to
    ``self._config``."""
    problems = []
    init = _source_of(weasy_fonts.FontConfiguration.__init__)
    assigned = set(re.findall(r"self\.(\w+) =", init))
    if assigned != FONT_CONFIGURATION_ATTRIBUTES:
        problems.append(
            f"FontConfiguration.__init__ sets {sorted(assigned)}, "
            f"expected {sorted(FONT_CONFIGURATION_ATTRIBUTES)}"
        )
    add = _source_of(weasy_fonts.FontConfiguration.add_font_face)
    for needed in (
        "self._folder / config_digest",
        "FcConfigAppFontAddFile(\n                self._config",
    ):
        if needed not in add:
            problems.append(f"FontConfiguration.add_font_face no longer has {needed!r}")
    for function in ("FcConfigDestroy", "FcConfigAppFontAddFile"):
        if not hasattr(weasy_ffi.fontconfig, function):
            problems.append(f"fontconfig.{function} is not declared in weasyprint.text.ffi")
    return problems


def _check_ffi() -> list[str]:
    ffi, pango = weasy_ffi.ffi, weasy_ffi.pango
    problems = []
    for function in PANGO_FUNCTIONS:
        if not hasattr(pango, function):
            problems.append(f"pango.{function} is not declared in weasyprint.text.ffi")
    reached = _reachable_structs()
    for struct, fields in CFFI_FIELDS.items():
        try:
            ctype = reached.get(struct) or ffi.typeof(struct)
            declared = {name for name, _ in ctype.fields}
        except ffi.error:
            problems.append(f"cffi type {struct} is not declared in weasyprint.text.ffi")
            continue
        if missing := fields - declared:
            problems.append(f"cffi type {struct} lacks {sorted(missing)}")
    # _glyph_widths reads PangoGlyphInfo arrays as 32-bit integers.
    info = reached.get("PangoGlyphInfo") or ffi.typeof("PangoGlyphInfo")
    geometry = reached.get("PangoGlyphGeometry") or ffi.typeof("PangoGlyphGeometry")
    width = dict(geometry.fields).get("width")
    if ffi.sizeof(info) % 4 or width is None or ffi.sizeof(width.type) != 4:
        problems.append("PangoGlyphInfo is no longer made of 32-bit fields")
    return problems


def _reachable_structs() -> dict[str, object]:
    """The cffi struct types of ``CFFI_FIELDS``, found by following the types of
    declared functions and fields. Naming a type by string makes cffi run its C parser
    over all of WeasyPrint's declarations (a few ms a type, most of this check's time in
    a cold build); whatever cannot be reached this way is left to ``ffi.typeof``."""
    pango = weasy_ffi.pango
    found: dict[str, object] = {}

    def keep(ctype) -> None:
        if ctype is not None and ctype.kind == "struct" and ctype.cname in CFFI_FIELDS:
            found.setdefault(ctype.cname, ctype)

    def points_to(struct, name: str):
        field = dict(struct.fields or ()).get(name) if struct is not None else None
        return field.type.item if field is not None and field.type.kind == "pointer" else None

    def result(function: str):
        function = getattr(pango, function, None)
        if function is None:
            return None
        kind = weasy_ffi.ffi.typeof(function).result
        return kind.item if kind.kind == "pointer" else None

    line = result("pango_layout_get_line_readonly")
    glyph_item = points_to(points_to(line, "runs"), "data")
    glyph_string = points_to(glyph_item, "glyphs")
    glyph_info = points_to(glyph_string, "glyphs")
    geometry = dict(glyph_info.fields or ()).get("geometry") if glyph_info is not None else None
    for ctype in (
        line,
        glyph_item,
        points_to(glyph_item, "item"),
        glyph_string,
        glyph_info,
        geometry.type if geometry is not None else None,
        result("pango_attr_letter_spacing_new"),
    ):
        keep(ctype)
    return found


@cache
def _verified(check, version: str, *internals: object) -> None:
    """Run ``check`` once per process for the same WeasyPrint objects.

    The checks read WeasyPrint's source and signatures, which do not change while a
    process runs; the key (the version and the objects the check is about) makes a
    patched or reloaded WeasyPrint be checked again. Only a pass is remembered: a
    failure raises, and functools.cache keeps no exceptions.
    """
    problems = check()
    if problems:
        raise RuntimeError("WeasyPrint internals changed:\n" + "\n".join(problems))


def _verify_internals() -> None:
    """``check_internals``, once per process (``compositor watch`` builds many times)."""
    import weasyprint

    _verified(
        check_internals,
        weasyprint.__version__,
        weasy_line_break.split_first_line,
        weasy_inline.split_first_line,
        weasy_preferred.split_first_line,
        weasy_line_break.Layout,
        *(getattr(weasy_line_break.Layout, name, None) for name in LAYOUT_METHODS),
        weasy_line_break.line_size,
        getattr(weasy_line_break, "_font_style_cache_key", None),
        getattr(weasy_inline, "justify_line", None),
        getattr(weasy_inline, "add_word_spacing", None),
        weasy_draw_text.draw_first_line,
        weasy_fonts.FontConfiguration,
        weasy_fonts.FontConfiguration.__init__,
        weasy_fonts.FontConfiguration.add_font_face,
        weasy_ffi.ffi,
        weasy_ffi.pango,
    )


# ==================================================================== page make-up (版面)
#
# Kept apart from the Chinese typesetting above. Two extensions, both driven by the
# layout's [grid] settings (``layout.Grid``):
#
# - **Whole-line blocks (占行).** While WeasyPrint lays out, each block whose class the
#   layout lists in ``grid.blocks`` is made a whole number of grid lines tall, its
#   content centred in the added space (``line_grid``). Pagination sees the final
#   heights, so nothing moves past the page foot later.
# - **齐底 and the colophon (``page_makeup``).** After layout, before drawing, every
#   page's boxes are measured into ``typeset.makeup`` gaps; its plans say where whole
#   lines go, and the blocks below each chosen gap are moved down (or up, to make room
#   for the colophon on the last text page, which then replaces the colophon's own page).
#   Some decisions need the text to flow differently, so the document is laid out once
#   or twice more (``relayout``, from ``pdf.write_pdf``) with a little CSS added: a page
#   left one line short with no gap may have the next page's first paragraph broken one
#   line differently (its orphans and widows at 1); the colophon may need gaps closed on
#   the page before the last text page (margins of those elements), or, failing that,
#   its spacer kept with the text before it (``break-before: avoid``), so that the last
#   lines of text go over with it.
#
# Internals used (checked by ``check_makeup_internals``):
# - ``weasyprint.layout.block.block_level_layout``: wrapped (called by name inside
#   ``weasyprint.layout.block``); its result's first two items are the laid-out box and
#   the resume point (``None`` when the box ended on this page).
# - ``weasyprint.document.Document.pages`` / ``Page._page_box`` / ``Page(page_box)``:
#   the laid-out page boxes, and re-gathering a page's anchors, links and bookmarks
#   after its boxes moved. ``Document.metadata.custom`` and the ``custom_metadata``
#   option of ``write_pdf``: the make-up record written into the PDF's Info dictionary.
# - ``weasyprint.layout.block`` reads a laid-out child's ``margin_bottom`` after
#   ``block_level_layout`` returns (``_margins_into_padding`` moves it into the padding).
# - Box attributes ``position_y``, ``height``, ``padding_top``, ``padding_bottom``,
#   ``margin_top``, ``margin_bottom``,
#   ``children``, ``element``, ``element_tag``, ``style``, and ``translate``,
#   ``border_height``, ``border_box_y``, ``margin_height``, ``content_box_y``;
#   ``weasyprint.css.AnonymousStyle``; ``boxes.LineBox``, ``boxes.MarginBox``;
#   ``weasyprint.layout.absolute.AbsolutePlaceholder`` (wraps a positioned box in the
#   laid-out tree, passing attributes and ``translate`` through).

PX_PER_PT = 4 / 3
GRID_EPSILON = 0.01  # px: what counts as on a grid line after float arithmetic
ALIGN_LIMIT = 0.15  # of a pitch: font metrics differ this much at most
MAKEUP_KEY = "CompositorMakeup"
RELAXED = "orphans and widows 1 for 齐底"  # the PDF Info key preflight reads (alphanumeric only)


@contextmanager
def line_grid(grid) -> Iterator[None]:
    """Make the layout's grid blocks whole lines tall while WeasyPrint lays out."""
    from weasyprint.layout import block as weasy_block

    _verify_makeup_internals(weasy_block)
    if not grid.pitch_pt or not grid.blocks:
        yield
        return
    original = weasy_block.block_level_layout
    if isinstance(original, partial):
        raise RuntimeError("line_grid is already active")
    weasy_block.block_level_layout = partial(
        _snapped_block_layout, grid.pitch_pt * PX_PER_PT, grid.blocks, original
    )
    try:
        yield
    finally:
        weasy_block.block_level_layout = original


def _snapped_block_layout(pitch, classes, original, context, box, bottom_space, *args, **kw):
    result = original(context, box, bottom_space, *args, **kw)
    new_box, resume_at = result[0], result[1]
    if new_box is None or resume_at is not None:
        return result
    role = _role(new_box, classes)
    if role == "table":
        # A table's rows are one size smaller: padded to whole lines, the text after it
        # stays on the grid. Not where that would push it over the page's foot (where
        # its 续表 part was cut): such a page ends short of a line (TABLE_FOOT).
        room = context.page_bottom - bottom_space - new_box.position_y - new_box.margin_height()
        _snap_to_lines(new_box, pitch, room)
    elif role is not None:
        _snap_to_lines(new_box, pitch)
    return result


def _snap_to_lines(box, pitch: float, room: float = math.inf) -> None:
    """Pad ``box`` to a whole number of grid lines, the extra split above and below
    (not when that needs more than ``room``).

    Its own margins are counted in those lines when they are not whole lines themselves
    (a layout's figure with 3 mm above and 4 mm below): left outside, they put everything
    after the box that far off the grid, and a page of text below a figure ended up to a
    line short with no gap to take the rest (issue 23). Moved into the padding they
    stay white space; a margin already truncated at a page head (0) stays 0.
    """
    _margins_into_padding(box, pitch)
    height = box.border_height()
    lines = math.ceil(height / pitch - GRID_EPSILON / pitch)
    extra = lines * pitch - height
    if extra <= GRID_EPSILON or extra > room + GRID_EPSILON:
        return
    above = extra / 2
    box.padding_top += above
    box.padding_bottom += extra - above
    for child in box.children:
        child.translate(dy=above)


def _margins_into_padding(box, pitch: float) -> None:
    """Move each vertical margin of ``box`` that is not a whole number of grid lines into
    its padding, so that the box's whole lines include it. The border box grows upwards
    by the top margin: the content stays where it is."""
    for side in ("top", "bottom"):
        margin = getattr(box, f"margin_{side}")
        lines = margin / pitch
        if abs(lines - round(lines)) * pitch <= GRID_EPSILON:
            continue  # whole lines (or none): collapsing with others keeps the grid
        setattr(box, f"padding_{side}", getattr(box, f"padding_{side}") + margin)
        setattr(box, f"margin_{side}", 0)


def _role(box, classes: dict[str, str]) -> str | None:
    """The make-up role of the element that generated ``box`` (not of anonymous boxes
    or pseudo-elements inside it)."""
    from weasyprint.css import AnonymousStyle

    element = getattr(box, "element", None)
    if element is None or "::" in (box.element_tag or "") or isinstance(box.style, AnonymousStyle):
        return None
    for name in (element.get("class") or "").split():
        if name in classes:
            return classes[name]
    return None


@dataclass
class _Block:
    """A leaf block of a page (a paragraph, a title…) as the make-up sees it."""

    role: str | None
    top: float  # border box, px from the page top
    bottom: float
    box: object


@dataclass
class _PageShape:
    blocks: list[_Block]
    area_bottom: float  # the page area's bottom, px

    @property
    def slack(self) -> float:
        flow = [block for block in self.blocks if block.role != "colophon"]
        return self.area_bottom - max((block.bottom for block in flow), default=0.0)


@dataclass
class _Pass:
    """What one make-up pass over a laid-out document did and could not do."""

    record: dict  # written into the PDF for preflight
    short: int  # lines left short on pages the text runs through
    relax: dict  # CSS selector → element: paragraphs that may break one line differently
    alone: bool  # the colophon still has a page to itself (not asked for by --pad-to)
    tighten_css: str  # closes gaps on the page before the last text page (a relayout)


@dataclass
class _Candidate:
    document: object
    made: _Pass
    css: str  # the CSS added to lay it out ("" for the first layout)

    @property
    def badness(self) -> tuple[bool, int, int]:
        # a page for the colophon alone is worst, then lines short, then pages
        return self.made.alone, self.made.short, len(self.document.pages)


def page_makeup(grid, document, relayout=None):
    """Place each page's slack (齐底) and bring the colophon onto the last text page
    when it fits; record what was done in the document's metadata for preflight.

    With ``relayout`` (extra CSS → a newly laid-out document) the document may be laid
    out again, and the new layout is kept when it is better (no page for the colophon
    alone, then fewer lines short, then fewer pages):
    - a page left one line short whose next page starts with a paragraph lets that
      paragraph break one line differently (orphans and widows rank below 齐底);
    - the colophon, short of room by up to ``grid.copyfit_lines`` lines, may need
      gaps closed on the page before the last text page, which lets text flow back;
    - when it still has a page to itself, it is kept with what comes before it, so that
      the last lines of text come over with it: no page holds the colophon alone.
    Returns the document to draw.
    """
    best = _Candidate(document, _make_up(grid, document), "")
    if relayout is not None:
        first = best.made
        relax_css = "".join(
            # !important: the extra sheet is a user sheet, below a document's own <style>
            f"{selector} {{ orphans: 1 !important; widows: 1 !important }}\n"
            for selector in first.relax
        )
        if relax_css or first.tighten_css:
            css = relax_css + first.tighten_css
            best = _better(best, _laid_out_again(grid, relayout, css))
        carry = _carry_css(grid)
        if best.made.alone and carry:
            best = _better(best, _laid_out_again(grid, relayout, best.css + carry))
        if relax_css and best.css.startswith(relax_css):
            pages = _pages_breaking(best.document, grid, set(first.relax.values()))
            best.made.record["relaxed"] = {str(page): RELAXED for page in sorted(pages)}
    record = json.dumps(best.made.record, sort_keys=True, ensure_ascii=False)
    best.document.metadata.custom[MAKEUP_KEY] = record
    return best.document


def _laid_out_again(grid, relayout, css: str) -> _Candidate:
    document = relayout(css)
    return _Candidate(document, _make_up(grid, document), css)


def _better(kept: _Candidate, new: _Candidate) -> _Candidate:
    """The new layout only when it is strictly better: ties keep the first."""
    return new if new.badness < kept.badness else kept


def _carry_css(grid) -> str:
    """CSS keeping the colophon's spacer on the page of the text before it."""
    spacers = [name for name, role in grid.blocks.items() if role == "colophon-space"]
    return "".join(f".{name} {{ break-before: avoid !important }}\n" for name in spacers)


def _make_up(grid, document) -> _Pass:
    """One make-up pass over ``document``'s pages (changed in place)."""
    from compositor.typeset import makeup

    record: dict = {"pitch_pt": grid.pitch_pt, "short": {}}
    total_short = 0
    relax: dict = {}
    alone_at_end, tighten_css = False, ""
    if grid.pitch_pt:
        pitch = grid.pitch_pt * PX_PER_PT
        pages = document.pages
        moved: set[int] = set()
        text_end = None  # the page where the text ends, when the colophon follows alone
        colophon_note = ""
        alone = _colophon_page(_shape(pages[-1], grid)) if len(pages) >= 2 else None
        if alone == "forced":
            text_end = len(pages) - 2
            colophon_note = "the colophon is on the back page (--pad-to)"
        elif alone == "alone":
            colophon_note, tighten_css = _copyfit_colophon(grid, document, pitch, makeup)
            if colophon_note:
                text_end = len(pages) - 2
                alone_at_end = True
            else:
                moved.add(len(pages) - 1)  # the colophon page is gone
        for index in range(len(pages) - 1):
            shape = _shape(pages[index], grid)
            if not any(block.role != "colophon" for block in shape.blocks):
                continue  # a blank page
            slack = int(math.floor(shape.slack / pitch + GRID_EPSILON))
            if foot := _float_foot(shape):
                # Table rows and captions (one size smaller) do not sit on the body's
                # lines: the page's last line ends short of the foot by part of a line.
                record["short"][str(index + 1)] = foot
            if slack <= 0:
                continue
            if index == text_end:
                # 齐底 is for pages the text runs through: where it ends, it ends
                record["short"][str(index + 1)] = f"the text ends here; {colophon_note}"
                continue
            gaps, sides = _gaps(shape, grid, pitch, makeup)
            plan = makeup.plan_flush_bottom(slack, gaps, grid.max_gap_lines, grid.max_lines)
            places = [above.bottom for above, _ in sides]
            for y, lines in sorted(zip(places, plan.added, strict=True), reverse=True):
                if lines:
                    _shift_below(pages[index]._page_box, y, lines * pitch)
                    moved.add(index)
            if any(plan.added):
                record.setdefault("spaced", {})[str(index + 1)] = _spaced(gaps, plan.added)
            if plan.short:
                held = _held_over(pages[index + 1], grid)
                record["short"][str(index + 1)] = f"{plan.reason}{held}"
                total_short += plan.short
                # one line more on the page, and its gaps take the rest: let the next
                # page's first paragraph break one line differently
                found = _first_paragraph(pages[index + 1], grid) if plan.unplaced == 1 else None
                if found:
                    relax[found[0]] = found[1]
        moved.update(_align_baselines(pages, grid, pitch))
        page_class = type(pages[0])
        for index in sorted(moved):
            _relayout_backgrounds(pages[index]._page_box)
            pages[index] = page_class(pages[index]._page_box)  # anchors, links, bookmarks
    return _Pass(record, total_short, relax, alone_at_end, tighten_css)


# What the next page starts with, for the reason a page is short (what did not fit).
_HELD_OVER = {
    "banner": "a section banner, kept with the title and first lines below it",
    "title": "an article title, kept with its first lines",
    "lead": "an article title, kept with its first lines",
    "subhead": "a subhead, kept with its first lines",
    "block": "a figure taller than the room left",
    "table": "a table taller than the room left",
    None: "a paragraph that cannot leave fewer than two lines on either page",
}


def _held_over(page, grid) -> str:
    flow = [block for block in _shape(page, grid).blocks if block.role != "colophon"]
    if not flow or flow[0].role not in _HELD_OVER:
        return ""
    return f"; the next page starts with {_HELD_OVER[flow[0].role]}"


def _spaced(gaps, added) -> dict[str, int]:
    """Lines added on a page, by kind of gap (for preflight and the reviewer)."""
    spaced: Counter = Counter()
    for gap, lines in zip(gaps, added, strict=True):
        spaced[gap.kind] += lines
    return {kind: lines for kind, lines in sorted(spaced.items()) if lines}


def _pages_breaking(document, grid, elements: set) -> set[int]:
    """Pages (from 1) on either side of a break inside one of ``elements``' paragraphs."""
    on_page = [
        {id(b.box.element) for b in _shape(page, grid).blocks if b.box.element in elements}
        for page in document.pages
    ]
    pages = set()
    for number, (here, there) in enumerate(zip(on_page, on_page[1:], strict=False), start=1):
        if here & there:
            pages.update((number, number + 1))
    return pages


def _first_paragraph(page, grid):
    """The element of the body paragraph the page starts with, and a CSS selector for it."""
    shape = _shape(page, grid)
    flow = [block for block in shape.blocks if block.role != "colophon"]
    if not flow or flow[0].role is not None:
        return None
    paragraph = flow[0].box.element
    root = _root_box(page._page_box).element
    parents = {id(child): parent for parent in root.iter() for child in parent}
    return _selector(paragraph, parents), paragraph


def _align_baselines(pages, grid, pitch: float) -> set[int]:
    """Put every one-line-pitch line's baseline where body text has it on the grid.

    Fonts of one size differ in ascent and descent, so a Kai credit or a Hei subhead
    set on the same line pitch as Song body text has its baseline up to a point or so
    off the body's; each such line is moved (never its block) to the body's offset.
    Only that far (``ALIGN_LIMIT``): a line further off follows a block that does not
    take whole lines, which is the layout's to fix (preflight reports it).
    Returns the indices of the pages changed.
    """
    lines_by_page = []
    offsets: Counter = Counter()
    for page in pages:
        page_box = page._page_box
        top = page_box.content_box_y()
        lines = []
        for child in page_box.children:
            if not isinstance(child, weasy_boxes.MarginBox):
                _grid_lines(child, grid.blocks, pitch, None, lines)
        for role, line in lines:
            if role is None:
                offsets[round((line.position_y + line.baseline - top) % pitch, 2)] += 1
        lines_by_page.append((top, lines))
    if not offsets:
        return set()
    body = offsets.most_common(1)[0][0]
    changed = set()
    for index, (top, lines) in enumerate(lines_by_page):
        for _, line in lines:
            delta = (body - (line.position_y + line.baseline - top)) % pitch
            delta = delta - pitch if delta > pitch / 2 else delta
            if GRID_EPSILON < abs(delta) <= ALIGN_LIMIT * pitch:
                line.translate(dy=delta)
                changed.add(index)
    return changed


def _grid_lines(box, classes, pitch: float, role: str | None, found: list) -> None:
    """The in-flow line boxes one grid line tall under ``box``, with their block's role."""
    if box.style["position"] in ("absolute", "fixed"):
        return
    role = _role(box, classes) or role
    for child in getattr(box, "children", ()):
        if isinstance(child, weasy_boxes.LineBox):
            if abs(child.margin_height() - pitch) < GRID_EPSILON and child.children:
                found.append((role, child))
        elif isinstance(child, weasy_boxes.BlockLevelBox):
            _grid_lines(child, classes, pitch, role, found)


def _shape(page, grid) -> _PageShape:
    page_box = page._page_box
    blocks: list[_Block] = []
    for child in page_box.children:
        if not isinstance(child, weasy_boxes.MarginBox):
            _collect(child, grid.blocks, blocks)
    return _PageShape(blocks, page_box.content_box_y() + page_box.height)


def _collect(box, classes, blocks: list[_Block]) -> None:
    """The page's leaf blocks in order: those with a make-up role, and paragraphs."""
    role = _role(box, classes)
    children = [c for c in getattr(box, "children", ()) if not isinstance(c, weasy_boxes.LineBox)]
    has_lines = any(isinstance(c, weasy_boxes.LineBox) for c in getattr(box, "children", ()))
    positioned = box.style["position"] in ("absolute", "fixed")
    # A table's rows are no blocks of the page: the table counts whole, as a paragraph
    # does (without this its page looked short and the slack pushed it past the foot).
    table = isinstance(box, weasy_boxes.TableBox)
    if role or has_lines or not children or table:
        if positioned and role != "colophon":
            return
        top = box.border_box_y()
        bottom = top + box.border_height()
        lines = [c for c in box.children if isinstance(c, weasy_boxes.LineBox)]
        if lines and box.style["position"] not in ("absolute", "fixed") and not role:
            # a paragraph broken at the page foot reaches down to it: its last line does not
            bottom = min(bottom, lines[-1].position_y + lines[-1].margin_height())
        blocks.append(_Block(role, top, bottom, box))
        return
    for child in children:
        # an absolutely positioned box stays in the tree wrapped in a placeholder
        if isinstance(child, (weasy_boxes.BlockLevelBox, weasy_absolute.AbsolutePlaceholder)):
            _collect(child, classes, blocks)


def _gaps(shape: _PageShape, grid, pitch: float, makeup) -> tuple[list, list[tuple]]:
    """The page's gaps (for the planner) and the two blocks on either side of each."""
    flow = [block for block in shape.blocks if block.role != "colophon"]
    gaps, sides = [], []
    for above, below in zip(flow, flow[1:], strict=False):
        kind = makeup.gap_kind(above.role, below.role)
        if kind is None:
            continue
        lines = round((below.top - above.bottom) / pitch)
        gaps.append(makeup.Gap(kind, lines, grid.minimum.get(kind, 0)))
        sides.append((above, below))
    return gaps, sides


TABLE_FOOT = "a table ends the page: its rows (one size smaller) do not take whole lines"
FIGURE_FOOT = "a figure ends the page: its caption (one size smaller) is off the body's lines"


def _float_foot(shape: _PageShape) -> str:
    """Why the page's last line is off the grid when a table or figure ends the page
    (the last block with a height, not an empty marker), else ""."""
    flow = [b for b in shape.blocks if b.role != "colophon" and b.bottom - b.top > GRID_EPSILON]
    if not flow:
        return ""
    if flow[-1].role == "table" or isinstance(flow[-1].box, weasy_boxes.TableBox):
        return TABLE_FOOT
    return FIGURE_FOOT if flow[-1].role == "block" else ""


def _relayout_backgrounds(page_box) -> None:
    """Place the page's backgrounds again where its boxes are now.

    WeasyPrint computes each background's painting area once, after layout, as fixed
    rectangles; a box moved later keeps its text in the new place but its background
    (a banner's red band) in the old one. The images those backgrounds already hold are
    reused, so nothing is fetched again.
    """
    from weasyprint.layout import background as weasy_background

    images = {}
    for box in [page_box, *page_box.descendants()]:
        style, layers = box.style, getattr(getattr(box, "background", None), "layers", ())
        for (kind, url), layer in zip(style["background_image"], layers, strict=False):
            if kind == "url":
                images[url] = layer.image
        for source, attribute in (
            ("border_image_source", "border_image"),
            ("mask_border_source", "mask_border_image"),
        ):
            if style[source][0] == "url":
                images[style[source][1]] = getattr(box, attribute, None)

    def already_fetched(url, orientation=None):
        return images.get(url)

    weasy_background.layout_backgrounds(page_box, already_fetched)


def _shift_below(box, y: float, dy: float) -> None:
    """Move every box starting at or below ``y`` by ``dy``; boxes spanning ``y`` grow."""
    for child in getattr(box, "children", ()):
        if isinstance(child, weasy_boxes.MarginBox):
            continue
        if child.position_y >= y - GRID_EPSILON:
            child.translate(dy=dy)
        elif _spans(child, y) and not isinstance(child, weasy_boxes.LineBox):
            inner = getattr(child, "children", ())
            if any(c.position_y >= y - GRID_EPSILON or _spans(c, y) for c in inner):
                _shift_below(child, y, dy)
                child.height += dy


def _spans(box, y: float) -> bool:
    return (
        box.position_y < y - GRID_EPSILON
        and box.position_y + box.margin_height() > y + GRID_EPSILON
    )


def _colophon_page(shape: _PageShape) -> str | None:
    """ "alone" for a page holding nothing but the colophon (and its spacer), "forced"
    when the CSS asked for that (``--pad-to``'s back page), else ``None``."""
    roles = {block.role for block in shape.blocks}
    spacer = [block for block in shape.blocks if block.role == "colophon-space"]
    if not spacer or not roles <= {"colophon", "colophon-space"}:
        return None
    forced = any(block.box.style["break_before"] == "page" for block in spacer)
    return "forced" if forced else "alone"


def _copyfit_colophon(grid, document, pitch: float, makeup) -> tuple[str, str]:
    """Bring the colophon from its own last page to the foot of the page before,
    tightening the last pages' gaps by up to ``grid.copyfit_lines`` lines if needed.

    Gaps on the last text page are closed here, moving its blocks up; gaps on the page
    before it only make room when the text flows back over the page break, which takes
    a new layout: for those, CSS closing them is returned instead.
    Returns (why the colophon keeps its page or "", that CSS or "").
    """
    pages = document.pages
    last, text = _shape(pages[-1], grid), _shape(pages[-2], grid)
    spacer = next(block for block in last.blocks if block.role == "colophon-space")
    needed = round((spacer.bottom - spacer.top) / pitch)
    free = int(math.floor(text.slack / pitch + GRID_EPSILON))
    gaps, sides = _gaps(text, grid, pitch, makeup)
    earlier_gaps, earlier_sides = [], []
    if len(pages) >= 3:
        earlier_gaps, earlier_sides = _gaps(_shape(pages[-3], grid), grid, pitch, makeup)
    plan = makeup.plan_tightening(needed - free, [*earlier_gaps, *gaps], grid.copyfit_lines)
    why = (
        f"the colophon takes the next page: it needs {needed} lines here, {free} are "
        f"free and tightening gaps may win at most {grid.copyfit_lines}"
    )
    if plan is None:
        return why, ""
    earlier, taken = plan[: len(earlier_gaps)], plan[len(earlier_gaps) :]
    if any(earlier):
        root = _root_box(pages[-3]._page_box).element
        return why, _tightening_css(root, earlier_gaps, earlier_sides, earlier, grid.pitch_pt)
    text_box = pages[-2]._page_box
    places = [above.bottom for above, _ in sides]
    for y, lines in sorted(zip(places, taken, strict=True), reverse=True):
        if lines:
            _shift_below(text_box, y, -lines * pitch)
    dy = text.area_bottom - last.area_bottom  # the same page area foot, unless page 1
    root = _root_box(text_box)
    for block in last.blocks:
        if block.role == "colophon":
            block.box.translate(dy=dy)
            root.children = [*root.children, block.box]
    del pages[-1]
    return "", ""


def _root_box(page_box):
    return next(c for c in page_box.children if not isinstance(c, weasy_boxes.MarginBox))


def _tightening_css(root, gaps, sides, taken, pitch_pt: float) -> str:
    """CSS making each gap with lines taken that many lines narrower: the block below
    gets the new space as its top margin, every other margin meeting there (of the
    block above and the boxes it ends, of the boxes the block below starts) none."""
    parents = {id(child): parent for parent in root.iter() for child in parent}
    rules = []
    for gap, (above, below), lines in zip(gaps, sides, taken, strict=True):
        if not lines:
            continue
        element = above.box.element
        while True:
            rules.append(f"{_selector(element, parents)} {{ margin-bottom: 0 !important }}")
            parent = parents.get(id(element))
            if parent is None or _element_children(parent)[-1] is not element:
                break
            element = parent
        element = below.box.element
        space = (gap.lines - lines) * pitch_pt
        rules.append(f"{_selector(element, parents)} {{ margin-top: {space:g}pt !important }}")
        while (parent := parents.get(id(element))) is not None:
            if _element_children(parent)[0] is not element:
                break
            rules.append(f"{_selector(parent, parents)} {{ margin-top: 0 !important }}")
            element = parent
    return "".join(f"{rule}\n" for rule in rules)


def _element_children(parent) -> list:
    """The elements among ``parent``'s children (not comments)."""
    return [child for child in parent if isinstance(child.tag, str)]


def _selector(element, parents: dict) -> str:
    """A CSS selector for exactly ``element`` (the same element objects serve every
    layout of one HTML document, and so does its place in the tree)."""
    steps = []
    while id(element) in parents:
        parent = parents[id(element)]
        siblings = _element_children(parent)
        steps.append(f"{element.tag.rpartition('}')[2]}:nth-child({siblings.index(element) + 1})")
        element = parent
    return " > ".join([element.tag.rpartition("}")[2], *reversed(steps)])


MAKEUP_BOX_METHODS = ("translate", "border_height", "border_box_y", "margin_height")
MAKEUP_INTERNALS = (
    ("weasyprint.layout.block", "block_level_layout"),
    ("weasyprint.css", "AnonymousStyle"),
    ("weasyprint.layout.absolute", "AbsolutePlaceholder"),
    ("weasyprint.document", "Page"),
    ("weasyprint.formatting_structure.boxes", "MarginBox"),
    ("weasyprint.formatting_structure.boxes", "LineBox"),
    ("weasyprint.formatting_structure.boxes", "BlockLevelBox"),
)


def _verify_makeup_internals(weasy_block) -> None:
    """``check_makeup_internals``, once per process."""
    import weasyprint
    from weasyprint import document as weasy_document

    _verified(
        check_makeup_internals,
        weasyprint.__version__,
        weasy_block.block_level_layout,
        weasy_document.Page,
        weasy_document.Page.__init__,
        *(getattr(weasy_boxes.Box, name, None) for name in MAKEUP_BOX_METHODS),
    )


def check_makeup_internals() -> list[str]:
    """What the page make-up relies on that a WeasyPrint upgrade could change."""
    import importlib

    from weasyprint import document as weasy_document
    from weasyprint.pdf import metadata as weasy_metadata

    problems = []
    for module_name, name in MAKEUP_INTERNALS:
        if not hasattr(importlib.import_module(module_name), name):
            problems.append(f"{module_name}.{name} is gone")
    from weasyprint.layout import block as weasy_block

    source = inspect.getsource(weasy_block)
    if "= block_level_layout(" not in source:
        problems.append("weasyprint.layout.block no longer calls block_level_layout by name")
    if "adjoining_margins.append(new_child.margin_bottom)" not in source:
        problems.append("a block's bottom margin is no longer read after its layout")
    if list(inspect.signature(weasy_document.Page).parameters) != ["page_box"]:
        problems.append("weasyprint.document.Page(page_box) changed")
    if "self._page_box = page_box" not in _source_of(weasy_document.Page.__init__):
        problems.append("Page no longer keeps its laid-out box as _page_box")
    if "custom" not in inspect.signature(weasy_metadata.DocumentMetadata).parameters:
        problems.append("DocumentMetadata lost its custom metadata")
    for attribute in MAKEUP_BOX_METHODS:
        if not hasattr(weasy_boxes.Box, attribute):
            problems.append(f"Box.{attribute} is gone")
    from weasyprint.layout import background as weasy_background

    found = list(inspect.signature(weasy_background.layout_backgrounds).parameters)
    if found != ["page", "get_image_from_uri"]:
        problems.append(f"layout.background.layout_backgrounds{tuple(found)} changed")
    if "get_image_from_uri(url=value, orientation=orientation)" not in _source_of(
        weasy_background.layout_box_backgrounds
    ):
        problems.append("layout_box_backgrounds fetches images differently (_relayout_backgrounds)")
    return problems


# ================================================= contents page numbers (target-counter)
#
# The contents give each article's page with ``target-counter(attr(href url), page)``.
# WeasyPrint 70 lays the contents' page out three times. The first pass has no page
# numbers yet. The second re-makes the page, and only while doing so re-reads its
# counters: ``make_page`` compares the page counters it cached for each lookup of the
# page's (those with counters of their own, ``missing_counters``: ``page`` here, as
# WeasyPrint 70's ``compute_content_list`` files a target's counter there too) with
# the page's, and they differ because the page total (``pages``) was 0 in the first
# pass. Its other route, re-reading a lookup when its target moves, misses these: it
# keys them by the anchor name, which is None for ``attr()``. The re-read content then
# needs a third pass to be laid out. (Were the filing fixed, these lookups would have
# no missing counters and the seam would leave them alone.)
#
# ``page_total_settled`` does that re-read before the second pass, for the lookups on
# the first page that pass re-makes: nothing before that page changes in the pass, so
# WeasyPrint's own re-read would see the same counters and targets, and the second
# pass lays out the numbers and is the last. A lookup on a later page is left to
# WeasyPrint: pages before it may move its targets during the pass (contents at the
# back of an issue, after text whose page numbers reflow it). Where some content shows
# the page total, nothing is done (see ``_settle_page_total``). In the sample: thirteen
# page layouts instead of fourteen.
#
# Internals used (checked by ``check_contents_internals``):
# - ``weasyprint.layout.make_all_pages(context, root_box, html, pages)`` (called by name
#   in ``weasyprint.layout.layout_document``, with ``pages`` the previous pass's pages);
#   ``context.page_maker`` entries end with the page's remake state (``content_changed``
#   and ``pages_wanted``: the page is re-made in the next pass).
# - ``context.target_collector.counter_lookup_items`` (``CounterLookupItem``:
#   ``parse_again``, ``missing_counters``, ``missing_target_counters``,
#   ``page_maker_index``, ``cached_page_counter_values``).
# - ``weasyprint.layout.page.make_page`` re-reads a lookup with missing counters when
#   the page's counters differ from its cached ones, which then compare equal.

PAGE_TOTAL = "pages"  # WeasyPrint's name for the page-total counter
LOOKUP_ATTRIBUTES = (
    "parse_again",
    "missing_counters",
    "missing_target_counters",
    "page_maker_index",
    "cached_page_counter_values",
)


@contextmanager
def page_total_settled() -> Iterator[None]:
    """Re-read the first re-made page's page-based counters before a repagination."""
    from weasyprint import layout as weasy_layout

    _verify_contents_internals(weasy_layout)
    original = weasy_layout.make_all_pages
    if isinstance(original, partial):
        raise RuntimeError("page_total_settled is already active")
    weasy_layout.make_all_pages = partial(_make_all_pages, original)
    try:
        yield
    finally:
        weasy_layout.make_all_pages = original


def _make_all_pages(original, context, root_box, html, pages):
    if pages:  # a repagination: every target has been laid out, the total is known
        _settle_page_total(context, len(pages))
    return original(context, root_box, html, pages)


def _settle_page_total(context, total: int) -> None:
    """Re-read, as ``make_page`` would during the pass, each lookup on the first page
    the pass re-makes whose cached counters differ from the page's only by the total.
    Nothing is done where some content shows the total: re-reading such a lookup early
    lays its new text out a pass early, and the passes that follow can differ."""
    lookups = context.target_collector.counter_lookup_items.values()
    if any(_shows_page_total(lookup) for lookup in lookups):
        return
    stale = [
        lookup
        for lookup in lookups
        if lookup.missing_counters
        and lookup.page_maker_index is not None
        and lookup.cached_page_counter_values.get(PAGE_TOTAL, [total]) != [total]
    ]
    remade = (
        index
        for index, (*_, state) in enumerate(context.page_maker)
        if state["content_changed"] or state["pages_wanted"]
    )
    first = min((*remade, *(lookup.page_maker_index for lookup in stale)), default=None)
    for lookup in stale:
        if lookup.page_maker_index == first:
            lookup.cached_page_counter_values = {
                **lookup.cached_page_counter_values,
                PAGE_TOTAL: [total],
            }
            lookup.parse_again(lookup.cached_page_counter_values)
            context.page_maker[first][-1]["content_changed"] = True


def _shows_page_total(lookup) -> bool:
    return PAGE_TOTAL in lookup.missing_counters or any(
        PAGE_TOTAL in counters for counters in lookup.missing_target_counters.values()
    )


def _verify_contents_internals(weasy_layout) -> None:
    """``check_contents_internals``, once per process."""
    import weasyprint
    from weasyprint.css import targets as weasy_targets
    from weasyprint.layout import page as weasy_page

    _verified(
        check_contents_internals,
        weasyprint.__version__,
        weasy_layout.make_all_pages,
        weasy_layout.layout_document,
        weasy_page.make_page,
        weasy_page.make_all_pages,
        weasy_targets.CounterLookupItem.__init__,
    )


def check_contents_internals() -> list[str]:
    """What ``page_total_settled`` relies on that a WeasyPrint upgrade could change."""
    from weasyprint import layout as weasy_layout
    from weasyprint.css import targets as weasy_targets
    from weasyprint.layout import page as weasy_page

    problems = []
    found = list(inspect.signature(weasy_layout.make_all_pages).parameters)
    if found != ["context", "root_box", "html", "pages"]:
        problems.append(f"layout.make_all_pages{tuple(found)} changed")
    needed = {
        "layout_document": (
            _source_of(weasy_layout.layout_document),
            "pages = list(make_all_pages(context, root_box, html, pages))",
            "page_counter_values['pages'] = [actual_total_pages]",
        ),
        "make_page": (
            _source_of(weasy_page.make_page),
            "missing_counters = counter_lookup.missing_counters",
            "counter_lookup.cached_page_counter_values:",
            "counter_lookup.parse_again(page_counter_values)",
            "remake_state['content_changed'] = True",
        ),
        "make_all_pages": (
            _source_of(weasy_page.make_all_pages),
            "remake_state = context.page_maker[i][-1]",
            "remake_state['content_changed'] or\n                remake_state['pages_wanted']",
        ),
    }
    for function, (source, *fragments) in needed.items():
        for fragment in fragments:
            if fragment not in source:
                problems.append(f"{function} no longer has {fragment!r}")
    lookup = _source_of(weasy_targets.CounterLookupItem.__init__)
    assigned = set(re.findall(r"self\.(\w+) =", lookup))
    if missing := set(LOOKUP_ATTRIBUTES) - assigned:
        problems.append(f"CounterLookupItem no longer sets {sorted(missing)}")
    return problems


# ============================================================== PDF serialisation (pydyf)
#
# WeasyPrint writes the PDF with pydyf. Given a file identifier (``pdf_identifier``,
# which every build passes so that the PDF is reproducible), ``pydyf.PDF.write`` reads
# every object's ``data`` a second time to hash the document into the /ID's second
# half, and a ``Stream``'s ``data`` compresses its content again (zlib level 9) at each
# read: the fonts and page contents of a build were compressed twice, about 0.04 s.
# ``streams_serialised_once`` remembers each stream's bytes during one ``write_pdf``;
# the second read gets the very bytes of the first, so the PDF is the same.
#
# Given a ``Written`` memo kept by a build session, it also remembers, from one build to
# the next, each font's subset (``Font.subset``: the same glyphs of the same face give
# the same bytes) and the compressed bytes of each single-part stream (a font program,
# a picture) for the same content: a rebuild after an edit subsets and compresses only
# the faces whose glyphs changed, about 0.07 s of a 0.45 s rebuild.
#
# Internals used (checked by ``check_serialisation_internals``): ``pydyf.Stream.data``
# (a property computing the stream's bytes from ``stream``, ``extra`` and
# ``compress``) and ``pydyf.PDF.write`` reading ``obj.data for obj in self.objects``
# for the identifier, after writing them; ``weasyprint.pdf.fonts.Font.subset(self,
# to_unicode, hinting)`` replacing ``file_content`` from the glyph ids in
# ``to_unicode``, the face (``hb_face``, ``index``) and whether glyphs are ``missing``.


class Written(_LastBuild):
    """What writing a PDF made (font subsets, compressed streams), kept for the next
    build of a session.

    A pure memo: a key holds everything its bytes depend on. A face is known by its
    HarfBuzz face, which lives as long as the session's font configuration: the
    session (``pdf.StyleCache``) drops this memo with it.
    """


@contextmanager
def streams_serialised_once(written: Written | None = None) -> Iterator[None]:
    """Inside this block, each pydyf stream is serialised (and compressed) once; with
    ``written``, font subsets and single-part streams are also reused across builds."""
    import pydyf
    from weasyprint.pdf import fonts as weasy_pdf_fonts

    _verified(
        check_serialisation_internals,
        pydyf.__version__,
        pydyf.Stream,
        pydyf.PDF.write,
        weasy_pdf_fonts.Font.subset,
    )
    original = inspect.getattr_static(pydyf.Stream, "data")
    original_subset = weasy_pdf_fonts.Font.subset
    if getattr(original.fget, "serialised_once", False):
        raise RuntimeError("streams_serialised_once is already active")
    written = written or Written()
    written.next_build()
    # The stream itself is kept beside its bytes, so that its id is not reused by
    # another stream while the block lasts.
    done: dict[int, tuple[object, bytes]] = {}

    def data(stream) -> bytes:
        found = done.get(id(stream))
        if found is None:
            key = _stream_key(stream)
            made = written.get(key, lambda: original.fget(stream)) if key else None
            found = done[id(stream)] = (stream, made or original.fget(stream))
        return found[1]

    def subset(font, to_unicode, hinting) -> None:
        def make() -> bytes:
            original_subset(font, to_unicode, hinting)
            return font.file_content

        face = int(weasy_ffi.ffi.cast("uintptr_t", font.hb_face))
        key = ("subset", face, font.index, len(font.file_content), bool(font.missing), hinting)
        font.file_content = written.get((*key, *sorted(to_unicode)), make)

    data.serialised_once = True
    pydyf.Stream.data = property(data, doc=original.__doc__)
    weasy_pdf_fonts.Font.subset = subset
    try:
        yield
    finally:
        pydyf.Stream.data = original
        weasy_pdf_fonts.Font.subset = original_subset


# Smaller streams (the cross-reference table, small pictures) cost next to nothing to
# compress, and the cross-reference table changes with every build.
STREAM_MEMO_MIN_BYTES = 4096


def _stream_key(stream) -> tuple | None:
    """What a single-part stream's bytes depend on (``None`` for other streams: page
    contents are many small parts, and change with every edit anyway)."""
    import pydyf

    parts = stream.stream
    if len(parts) != 1 or not isinstance(parts[0], bytes):
        return None
    if len(parts[0]) < STREAM_MEMO_MIN_BYTES:
        return None
    return ("stream", bool(stream.compress), pydyf.Dictionary(stream.extra).data, parts[0])


def check_serialisation_internals() -> list[str]:
    """What ``streams_serialised_once`` relies on that a pydyf or WeasyPrint upgrade
    could change."""
    import pydyf
    from weasyprint.pdf import fonts as weasy_pdf_fonts

    problems = []
    data = inspect.getattr_static(pydyf.Stream, "data", None)
    if not isinstance(data, property) or data.fset is not None:
        problems.append("pydyf.Stream.data is no longer a read-only property")
    else:
        source = _source_of(data.fget)
        for used in ("self.stream", "self.extra", "self.compress"):
            if used not in source:
                problems.append(f"pydyf.Stream.data no longer serialises {used}")
    write = _source_of(pydyf.PDF.write)
    if "obj.data for obj in self.objects" not in write:
        problems.append("pydyf.PDF.write no longer reads every object's data for the /ID")
    subset = getattr(weasy_pdf_fonts.Font, "subset", None)
    if subset is None or list(inspect.signature(subset).parameters) != [
        "self",
        "to_unicode",
        "hinting",
    ]:
        problems.append("weasyprint.pdf.fonts.Font.subset(self, to_unicode, hinting) changed")
    else:
        # what a subset depends on: the glyph ids, the face, the hinting, missing glyphs
        harfbuzz = _source_of(weasy_pdf_fonts.Font._harfbuzz_subset)
        for used in ("sorted(to_unicode)", "self.hb_face", "self.missing", "hinting"):
            if used not in harfbuzz:
                problems.append(f"Font._harfbuzz_subset no longer depends on {used} alone")
        if "self.file_content = " not in harfbuzz:
            problems.append("Font._harfbuzz_subset no longer replaces file_content")
    if "self.subset(to_unicode, hinting)" not in _source_of(weasy_pdf_fonts.Font.clean):
        problems.append("Font.clean no longer subsets through Font.subset")
    return problems


# ------------------------------------------------------------- CMYK gradients (issue 27)


@contextmanager
def cmyk_gradients() -> Iterator[None]:
    """Inside this block, a CSS gradient whose stops are all ``device-cmyk`` (the
    layout's colours in a press build) is drawn as a DeviceCMYK shading of those very
    values. WeasyPrint 70 interpolates every gradient in sRGB, and tinycss2 cannot
    convert device-cmyk to sRGB (NotImplementedError). Other gradients draw as before.
    Internals: ``weasyprint.images.Gradient.draw`` (replaced), its ``layout`` and the
    stream's ``create_interpolation_function``, ``create_stitching_function``,
    ``add_shading``, ``transform`` and ``paint_shading``."""
    from weasyprint import images as weasy_images

    original = weasy_images.Gradient.draw
    if not callable(getattr(weasy_images.Gradient, "layout", None)):
        raise RuntimeError("WeasyPrint internals changed: Gradient.layout is gone")

    def draw(self, stream, concrete_width, concrete_height, style):
        spaces = {color.space for color in self.colors}
        if "device-cmyk" not in spaces:
            return original(self, stream, concrete_width, concrete_height, style)
        return _draw_cmyk_gradient(self, stream, concrete_width, concrete_height, style)

    weasy_images.Gradient.draw = draw
    try:
        yield
    finally:
        weasy_images.Gradient.draw = original


def _draw_cmyk_gradient(gradient, stream, width, height, style) -> None:
    from compositor.errors import LayoutError

    scale_y, kind, points, positions, colors, hints = gradient.layout(width, height, style)
    if kind == "solid":
        stream.rectangle(0, 0, width, height)
        stream.set_color(colors[0])
        stream.fill()
        return
    if any(color.space != "device-cmyk" or color.alpha != 1 for color in colors):
        raise LayoutError(
            "a gradient mixes CMYK colours with other colours or with transparency: in "
            "press output give every stop a colour of layout.toml [colours], opaque"
        )
    domain = (positions[0], positions[-1])
    functions = (
        stream.create_interpolation_function(
            (0, 1), tuple(a.coordinates), tuple(b.coordinates), hint
        )
        for a, b, hint in zip(colors, colors[1:], hints, strict=False)
    )
    function = stream.create_stitching_function(
        domain, (len(colors) - 1) * (0, 1), positions[1:-1], functions
    )
    shading_type = 2 if kind == "linear" else 3
    shading = stream.add_shading(
        shading_type, domain, points, not gradient.repeating, function, "DeviceCMYK"
    )
    stream.transform(d=scale_y)
    stream.paint_shading(shading.id)


__all__ = [
    "PlannedLayout",
    "check_contents_internals",
    "check_internals",
    "check_makeup_internals",
    "check_serialisation_internals",
    "cjk_typesetting",
    "cmyk_gradients",
    "has_fast_subsetting",
    "line_grid",
    "page_makeup",
    "page_total_settled",
    "shipped_font_configuration",
    "streams_serialised_once",
    "Written",
]
