"""Page make-up (版面): whole-line blocks, 齐底 and the colophon, inside WeasyPrint's layout."""

from __future__ import annotations

import inspect
import math
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import weasyprint
from weasyprint.formatting_structure import boxes as weasy_boxes
from weasyprint.layout import absolute as weasy_absolute

from compositor.makeup_record import KEY as MAKEUP_KEY
from compositor.makeup_record import MakeupRecord
from compositor.weasy.internals import _source_of, _verified

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
    box: weasy_boxes.Box | weasy_absolute.AbsolutePlaceholder


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

    record: MakeupRecord  # written into the PDF for preflight
    short: int  # lines left short on pages the text runs through
    relax: dict  # CSS selector → element: paragraphs that may break one line differently
    alone: bool  # the colophon still has a page to itself (not asked for by --pad-to)
    tighten_css: str  # closes gaps on the page before the last text page (a relayout)


@dataclass
class _Candidate:
    document: weasyprint.Document
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
            best.made.record.relaxed = frozenset(pages)
    best.document.metadata.custom[MAKEUP_KEY] = best.made.record.to_json()
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

    record = MakeupRecord(grid.pitch_pt)
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
                record.reasons[index + 1] = foot
            if slack <= 0:
                continue
            if index == text_end:
                # 齐底 is for pages the text runs through: where it ends, it ends
                record.reasons[index + 1] = f"the text ends here; {colophon_note}"
                continue
            gaps, sides = _gaps(shape, grid, pitch, makeup)
            plan = makeup.plan_flush_bottom(slack, gaps, grid.max_gap_lines, grid.max_lines)
            places = [above.bottom for above, _ in sides]
            for y, lines in sorted(zip(places, plan.added, strict=True), reverse=True):
                if lines:
                    _shift_below(pages[index]._page_box, y, lines * pitch)
                    moved.add(index)
            if any(plan.added):
                record.spaced[index + 1] = _spaced(gaps, plan.added)
            if plan.short:
                held = _held_over(pages[index + 1], grid)
                record.reasons[index + 1] = f"{plan.reason}{held}"
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
    pages: set[int] = set()
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
        lines: list[tuple[str | None, weasy_boxes.LineBox]] = []  # (role, line)
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
    earlier_gaps: list = []
    earlier_sides: list[tuple] = []
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
