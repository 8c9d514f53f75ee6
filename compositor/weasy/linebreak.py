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
- **Text boxes in a paragraph.** WeasyPrint breaks each text box of a paragraph on its
  own: the text before an emphasis (``<strong>``) or a note mark ①, the emphasis, the
  text after it. The seam reads the block's line box once (``_Block``) and, while a
  text box is split, tells ``split_first_line`` what surrounds it (``Around``): the
  break is chosen in the box's text followed by the rest of the paragraph, so that a
  box's end is the paragraph's end (one-character last line, a closing mark set half
  width) only where it is one; two marks meeting across the boundary are compressed;
  a run that meets another mid-line keeps its half of the justification gap there.
  Text without Chinese characters in a Chinese paragraph (①, an emphasised number) is
  set as the rest. Space around an inline box (a margin, padding or border) or a
  non-text box (an image, a leader) parts the text on either side, as before.
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
- ``weasyprint.layout.inline.split_text_box(context, box, available_width, skip,
  is_line_start)`` (called by name in ``split_inline_level`` with the line box's own
  child, and its ``skip`` a byte offset into ``box.text``): wrapped, to know which text
  box ``split_first_line`` is asked about; ``get_next_linebox`` splits the line box it
  is given (``split_inline_box`` iterates ``box.children``). Boxes read: ``children``,
  ``text``, ``is_in_normal_flow()``, ``is_leader``, ``TextBox``, ``InlineBox``.
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
  ``font_size``, ``direction``, ``overflow_wrap``, ``word_break``; of inline boxes
  ``margin_left/right``, ``padding_left/right``, ``border_left/right_width``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from weasyprint.formatting_structure import boxes as weasy_boxes
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import leader as weasy_leader
from weasyprint.layout import preferred as weasy_preferred
from weasyprint.text import ffi as weasy_ffi
from weasyprint.text import line_break as weasy_line_break

from compositor.layout import Typesetting
from compositor.text.classes import contains_cjk
from compositor.typeset.linebreak import NeedMoreText, UrlBreaks, choose_break
from compositor.typeset.spacing import SPACER, LinePlan, interior_gaps, plan_line
from compositor.weasy.internals import _verify_internals
from compositor.weasy.memo import _LastBuild

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
    text_box = partial(_split_text_box, measures, weasy_inline.split_text_box)
    replacements = [
        (weasy_line_break, "split_first_line", split),
        (weasy_inline, "split_first_line", split),
        (weasy_preferred, "split_first_line", split),
        (weasy_inline, "justify_line", justify),
        (weasy_inline, "handle_leader", leader),
        (weasy_inline, "get_next_linebox", linebox),
        (weasy_inline, "split_text_box", text_box),
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
    around = measures.around if measures.around and measures.around.text == text else None
    if not _is_ours(style, text, around):
        return original(
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
    if around is not None and is_line_start:
        around = around.at_line_start()
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
            around,
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
        source, around, style, max_width, settings, is_line_start, break_anywhere, measures
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
        at_line_end=line_break.at_line_end,
        gaps=gaps[: len(line_text)],
        joined_before=around is not None and bool(around.before),
        joined_after=around is not None and bool(around.after) and not line_break.at_line_end,
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
    outer, outer_block = measures.line_width, measures.block
    width = containing_block.width
    measures.line_width = width if isinstance(width, (int, float)) else None  # not "auto"
    if measures.last_block is None or measures.last_block.linebox is not linebox:
        # WeasyPrint asks for each line with the same (unsplit) line box: read it once.
        measures.last_block = _Block.of(linebox)
    measures.block = measures.last_block
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
        measures.line_width, measures.block = outer, outer_block


def _split_text_box(measures, original, context, box, available_width, skip, is_line_start=True):
    """``split_text_box``, with what surrounds ``box`` in its block known to
    ``split_first_line`` (``Measures.around``) while the box's line is broken."""
    outer = measures.around
    found = measures.block.around(box, skip) if measures.block is not None else None
    measures.around = found
    try:
        return original(context, box, available_width, skip, is_line_start)
    finally:
        measures.around = outer


@dataclass
class _Block:
    """The text boxes of a block's (unsplit) line box, in order, and what surrounds each.

    The text around a box stops where something that is not text comes between: an
    atomic inline (an image), a leader (a contents entry's title ends before its dots
    as it did), space around an inline box (a margin, padding or border). There the
    box's text ends as the paragraph's would, as it did before the seam knew more.
    """

    linebox: object
    # id(box) → the box, the character before it, the text after it (see Around)
    texts: dict[int, tuple[weasy_boxes.TextBox, str, str]]
    in_chinese: bool

    @classmethod
    def of(cls, linebox) -> _Block:
        flat: list[tuple[object, str | None]] = []  # (text box, its text) or (other, None)
        _flatten(linebox, flat)
        texts: dict[int, tuple[weasy_boxes.TextBox, str, str]] = {}
        after = ""
        for box, text in reversed(flat):
            if text is None or not isinstance(box, weasy_boxes.TextBox):
                after = ""
                continue
            texts[id(box)] = (box, "", after)
            after = text + after
        before = ""
        for box, text in flat:
            if text is None or id(box) not in texts:
                before = ""
            elif text:
                kept, _, box_after = texts[id(box)]
                texts[id(box)] = (kept, before, box_after)
                before = text[-1]
        chinese = any(contains_cjk(text) for _, text in flat if text)
        return cls(linebox, texts, chinese)

    def around(self, box, skip: int) -> Around | None:
        found = self.texts.get(id(box))
        if found is None or found[0] is not box:
            return None  # a copy WeasyPrint made (a line's last box re-split): as before
        _, before, after = found
        head, text = box.text.encode()[:skip].decode(), box.text.encode()[skip:].decode()
        after = after.split("\n", 1)[0]  # a preserved line break ends the line there
        return Around(text, head[-1:] if head else before, after, self.in_chinese)


def _flatten(box, flat: list) -> None:
    """The in-flow inline content of ``box`` in order: text boxes with their text, and
    anything else (atomic inlines, leaders) with None."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, weasy_boxes.TextBox):
            flat.append((child, child.text))
        elif isinstance(child, weasy_boxes.InlineBox) and not child.is_leader:
            # Space set around an inline box (the colophon's fields, 2 em apart) parts
            # its text from its neighbours', as an image would.
            apart = _spaced(child.style)
            if apart:
                flat.append((child, None))
            _flatten(child, flat)
            if apart:
                flat.append((child, None))
        else:
            flat.append((child, None))


def _spaced(style) -> bool:
    """Does an inline box of this style have a margin, padding or border on its sides?"""
    lengths = [style[f"{kind}_{side}"] for kind in ("margin", "padding") for side in SIDES]
    borders = [style[f"border_{side}_width"] for side in SIDES]  # 0 unless drawn
    return any(getattr(length, "value", length) for length in lengths) or any(borders)


SIDES = ("left", "right")


def _is_ours(style, text: str, around: Around | None = None) -> bool:
    """Chinese text in a run we can set: collapsed white space, no CSS letter/word spacing.

    A run without Chinese characters in a Chinese paragraph (a note mark ①, an
    emphasised number) is set as the paragraph's other runs are, as it would be typed
    plain in one of them."""
    return (
        (style["lang"] or "").lower().startswith("zh")
        and style["white_space"] == "normal"
        and style["letter_spacing"] == "normal"
        and not style["word_spacing"]
        and style["direction"] == "ltr"
        and style["font_size"] > 0
        and (contains_cjk(text) or (around is not None and around.in_chinese))
    )


def _choose_break(
    source, around, style, max_width, settings, at_line_start, break_anywhere, measures
):
    """Measure as much of ``source`` as the break needs, then choose it.

    ``around`` (None: nothing known, ``source`` taken alone) gives the text around the box: the
    break is chosen in ``source`` followed by the rest of its block (measured in this
    box's style: Han advances are 1 em in every face), so that the box's end is the
    paragraph's end only where it is one, and a mark across the boundary is seen.
    Returns the break, the measurement (each character's advance and the gap before
    it, see ``typeset.spacing.interior_gaps``) and, for a break inside a URL, the rest
    of the text and the URL's part before the break (for ``Measures.url_prefixes``).
    """
    em = style["font_size"]
    after = around.after if around is not None else ""
    text = source + after
    if max_width is None:
        count = len(text)
    else:
        count = int(max(max_width, 0) / em * CHUNK_PER_EM) + CHUNK_EXTRA
    urls = UrlBreaks.of(text, measures.url_prefixes.get(source, ""))
    lead = _lead_gap(around, source, style, settings, measures) if not at_line_start else 0.0
    while True:
        advances, gaps = measures.measure(text, style, count)
        gaps = [lead, *gaps[1:]]
        try:
            chosen = choose_break(
                text,
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
        box_break = _BoxBreak.of(chosen, len(source))
        continued = None
        if box_break.resume is not None and (prefix := urls.prefix_at(box_break.resume)):
            # WeasyPrint asks for the next line with the rest of the text alone.
            continued = source[box_break.resume :], prefix
        return box_break, advances, gaps, continued


@dataclass(frozen=True)
class Around:
    """What surrounds a text box in its block, for breaking it as part of the paragraph.

    ``text``: the box's text from where the line starts (what ``split_first_line`` is
    asked about); ``before``: the character just before it, in another box ("" at a
    line start or where the text before does not run on: see ``_Block``); ``after``:
    the text that runs on after the box, up to the paragraph's end ("": the box ends
    the paragraph's text).
    """

    text: str
    before: str
    after: str
    in_chinese: bool  # the block has Chinese text (in any box)

    def at_line_start(self) -> Around:
        return Around(self.text, "", self.after, self.in_chinese)


@dataclass(frozen=True)
class _BoxBreak:
    """A break chosen in a box's text and what follows it, seen from the box.

    ``end``/``resume`` as ``typeset.linebreak.Break`` (``resume`` None: the box's text
    fits whole); ``at_line_end``: whether the box's line ends with the box's text.
    """

    end: int
    resume: int | None
    at_line_end: bool

    @classmethod
    def of(cls, chosen, length: int) -> _BoxBreak:
        """``chosen`` in the box's text (``length`` characters) and the text after it."""
        if chosen.resume is not None and chosen.resume < length:
            return cls(chosen.end, chosen.resume, True)  # the line ends inside the box
        # The box fits; its text ends the line if the line ends at its end (or the
        # paragraph's text does: chosen.end is then the end of all, the box's end).
        return cls(length, None, chosen.end <= length)


def _lead_gap(around, source: str, style, settings, measures) -> float:
    """The gap between the character before a box (in another box) and the box's first."""
    if around is None or not around.before or not source:
        return 0.0
    pair = around.before + source[0]
    advances = measures.shaping.advances(pair, style)
    return interior_gaps(pair, advances, style["font_size"], settings)[1]


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
    # The text boxes of the block whose lines are being set, and what surrounds the
    # text box being broken (None outside a text box WeasyPrint splits for a line).
    block: _Block | None = None
    around: Around | None = None
    # The block read last, kept for its next line (``block`` is restored after each line,
    # as blocks nest)
    last_block: _Block | None = None

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
    if leader is None or template is None or template.width <= 0:
        return
    copies = sorted(leader.children, key=lambda box: box.position_x)
    following = _after_leader(line, index)
    edge = line.position_x + line.width  # where WeasyPrint's last dot ends
    more = int((following.position_x - edge) // template.width) if following else 0
    if more <= 0 and len(copies) < 2:
        return  # nothing to merge, nothing to run on
    first = copies[0] if copies else template
    assert isinstance(first, weasy_boxes.TextBox)  # the dots are text (copy_with_text below)
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
