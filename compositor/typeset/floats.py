"""Figures float as a typesetter floats them: one that does not fit where it is written
moves to the next page, and the text after it flows on before it to fill this page.

WeasyPrint 70 has no page floats (``float: top``), and ``break-inside: avoid`` alone
leaves the rest of the page empty. So, like 续表 (continued.py), the issue is laid out
and read back: a zero-height mark sits just before each figure, and when the figure
landed on a later page than its mark, the page was left short by the space below the
mark. If that space holds at least ``MIN_GAP_LINES`` body lines and a paragraph follows
the figure in its article, the figure is moved after that paragraph and the issue laid
out again. A figure with no paragraph after it stays in place (the rest of its page
stays empty: there is no text of its article to fill it).
"""

from __future__ import annotations

import dataclasses

from compositor.model import Article, Figure, Issue, Paragraph

MIN_GAP_LINES = 3
PX_PER_PT = 4 / 3  # WeasyPrint's page coordinates are CSS pixels


def mark_anchor(figure: Figure) -> str:
    return f"{figure.key}-mark"


def has_figures(issue: Issue) -> bool:
    return any(isinstance(b, Figure) for a in issue.articles for b in a.blocks)


def pushed_figures(pages: list, issue: Issue, text_bottom_pt: float, line_pt: float) -> set[str]:
    """Keys of the figures that left at least ``MIN_GAP_LINES`` lines empty above them.

    ``text_bottom_pt`` is where the text block ends, from the top of the page.
    """
    where: dict[str, tuple[int, float]] = {}
    for number, page in enumerate(pages):
        for anchor, box in page.anchors.items():  # (x1, y1, x2, y2) in CSS pixels
            where.setdefault(anchor, (number, box[1]))
    pushed = set()
    for article in issue.articles:
        for figure in (b for b in article.blocks if isinstance(b, Figure)):
            mark, placed = where.get(mark_anchor(figure)), where.get(figure.key)
            if mark is None or placed is None or placed[0] <= mark[0]:
                continue
            gap = text_bottom_pt - mark[1] / PX_PER_PT
            if gap >= MIN_GAP_LINES * line_pt:
                pushed.add(figure.key)
    return pushed


def defer(issue: Issue, keys: set[str]) -> Issue:
    """``issue`` with each figure of ``keys`` moved after the paragraph that follows it."""
    if not keys:
        return issue
    sections = tuple(
        dataclasses.replace(s, articles=tuple(_defer_in(a, keys) for a in s.articles))
        for s in issue.sections
    )
    return dataclasses.replace(issue, sections=sections)


def can_defer(issue: Issue, key: str) -> bool:
    for article in issue.articles:
        for index, block in enumerate(article.blocks):
            if isinstance(block, Figure) and block.key == key:
                return index + 1 < len(article.blocks) and isinstance(
                    article.blocks[index + 1], Paragraph
                )
    return False


def _defer_in(article: Article, keys: set[str]) -> Article:
    blocks = list(article.blocks)
    index = 0
    while index < len(blocks) - 1:
        block = blocks[index]
        if (
            isinstance(block, Figure)
            and block.key in keys
            and isinstance(blocks[index + 1], Paragraph)
        ):
            blocks[index], blocks[index + 1] = blocks[index + 1], block
            index += 2  # one paragraph per pass: the next layout says if more are needed
        else:
            index += 1
    return dataclasses.replace(article, blocks=tuple(blocks))


def text_geometry(layout) -> tuple[float, float]:
    """Where the text block ends (pt from the top of the page) and one body line (pt),
    from the layout's own CSS (as ``compositor check`` reads it)."""
    from compositor.check.cssboxes import PT_PER_UNIT, StyleSheet
    from compositor.check.estimate import Metrics

    css = StyleSheet.read(layout.stylesheets)
    bottom = layout.page_height_mm * PT_PER_UNIT["mm"] - css.page_margins().bottom
    return bottom, Metrics.of(layout).body.line
