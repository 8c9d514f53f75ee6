"""Figures and tables float as a typesetter floats them: one that does not fit where it
is written moves to the next page, and the text after it flows on before it to fill
this page.

WeasyPrint 70 has no page floats (``float: top``), and ``break-inside: avoid`` alone
leaves the rest of the page empty. So, like 续表 (continued.py), the issue is laid out
and read back: a zero-height mark sits just before each figure and table, and when the
float landed on a later page than its mark, the page was left short by the space below
the mark. If that space holds at least ``MIN_GAP_LINES`` body lines, the float moves
after the paragraph that follows it, or that follows the floats queued right after it
(floats keep their order, as in print), and the issue is laid out again. With no
paragraph of its article left to bring forward, a table kept whole may run on instead
(续表: continued.py keeps at least two rows in each part, or moves it whole); a figure
stays in place, and the rest of its page stays empty.
Moving blocks in the model keeps the text's order in the PDF's text layer as printed.
"""

from __future__ import annotations

import dataclasses

from compositor.model import Article, Figure, Issue, ItemList, Paragraph, Table

MIN_GAP_LINES = 3
PX_PER_PT = 4 / 3  # WeasyPrint's page coordinates are CSS pixels


Float = Figure | Table
TEXT = (Paragraph, ItemList)  # what may come forward past a float


def mark_anchor(block: Float) -> str:
    return f"{block.key}-mark"


def has_figures(issue: Issue) -> bool:
    return any(isinstance(b, Figure) for a in issue.articles for b in a.blocks)


def pushed_floats(pages: list, issue: Issue, text_bottom_pt: float, line_pt: float) -> set[str]:
    """Keys of the figures and tables that left at least ``MIN_GAP_LINES`` lines empty
    above them. ``text_bottom_pt`` is where the text block ends, from the page top.
    """
    where: dict[str, tuple[int, float]] = {}
    for number, page in enumerate(pages):
        for anchor, box in page.anchors.items():  # (x1, y1, x2, y2) in CSS pixels
            where.setdefault(anchor, (number, box[1]))
    pushed = set()
    for block in _floats(issue):
        mark, placed = where.get(mark_anchor(block)), where.get(block.key)
        if mark is None or placed is None or placed[0] <= mark[0]:
            continue
        gap = text_bottom_pt - mark[1] / PX_PER_PT
        if gap >= MIN_GAP_LINES * line_pt:
            pushed.add(block.key)
    return pushed


def let_flow(issue: Issue, pushed: set[str]) -> Issue:
    """``issue`` with each pushed float given way: it moves after the next paragraph;
    with no paragraph left to bring forward, a table kept whole may run on (续表).
    Unchanged when nothing can move.
    """
    movable = {key for key in pushed if can_defer(issue, key)}
    split = {b.key for b in _floats(issue) if b.key in pushed - movable and _keeps_whole(b)}
    if not split and not movable:
        return issue
    return issue.with_blocks(lambda a: _defer_in(_split_in(a, split), movable).blocks)


def can_defer(issue: Issue, key: str) -> bool:
    for article in issue.articles:
        for index, block in enumerate(article.blocks):
            if isinstance(block, Float) and block.key == key:
                return _paragraph_after(article.blocks, index) is not None
    return False


def _keeps_whole(block: Float) -> bool:
    return isinstance(block, Table) and block.kept_whole and block.flow == "kept"


def _floats(issue: Issue) -> list[Float]:
    return [b for a in issue.articles for b in a.blocks if isinstance(b, Float)]


def _paragraph_after(blocks, index: int) -> int | None:
    """The index of the paragraph or list after the floats queued from ``index`` on."""
    after = index + 1
    while after < len(blocks) and isinstance(blocks[after], Float):
        after += 1
    return after if after < len(blocks) and isinstance(blocks[after], TEXT) else None


def _split_in(article: Article, keys: set[str]) -> Article:
    blocks = tuple(
        dataclasses.replace(b, flow="split") if isinstance(b, Table) and b.key in keys else b
        for b in article.blocks
    )
    return dataclasses.replace(article, blocks=blocks)


def _defer_in(article: Article, keys: set[str]) -> Article:
    blocks = list(article.blocks)
    index = 0
    while index < len(blocks):
        block = blocks[index]
        paragraph = _paragraph_after(blocks, index)
        if isinstance(block, Float) and block.key in keys and paragraph is not None:
            blocks.insert(index, blocks.pop(paragraph))
            index = paragraph + 1  # one paragraph per pass: the next layout says if more
        else:
            index += 1
    return dataclasses.replace(article, blocks=tuple(blocks))


def text_geometry(layout) -> tuple[float, float]:
    """Where the text block ends (pt from the top of the page) and one body line (pt),
    from the layout's own CSS (as ``compositor check`` reads it)."""
    from compositor.layout.cssboxes import PT_PER_UNIT, StyleSheet
    from compositor.layout.estimate import Metrics

    css = StyleSheet.read(layout.stylesheets)
    bottom = layout.page_height_mm * PT_PER_UNIT["mm"] - css.page_margins().bottom
    return bottom, Metrics.of(layout).body.line
