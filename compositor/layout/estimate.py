"""A page-count and table-of-contents estimate from line counts, without rendering.

``compositor check`` must answer in a fraction of a second, so it cannot lay the
issue out. Instead it counts lines the way the layout sets them: the sizes of the
boxes (masthead, contents, banners, titles, paragraphs, colophon) are read from
the layout's own CSS (cssboxes.py), a Han character is 1 em wide and Latin letters
and digits half of that, and lines flow into pages. Widows, orphans and
punctuation compression are ignored, so the result is good to about a page.

Which rule sets which box the layout says ([selectors] and [grid.blocks] in its
layout.toml); a box the layout does not have (a brief's contents) takes no room.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from compositor.layout import Layout
from compositor.layout.cssboxes import PT_PER_UNIT, Box, StyleSheet
from compositor.layout.resolution import place_figure
from compositor.model import Article, Figure, Issue, ItemList, Paragraph, Table, cell_lines

PT_PER_MM = PT_PER_UNIT["mm"]
LINES = "issue-head-lines"  # the boxes stacked in the masthead ([selectors] in layout.toml)
# The torch layout's figure and table boxes (style.css), for the page estimate: captions
# and cells are 9 pt on 1.5 lines; a figure or table has 7 mm of margins, a row 1.6 mm of
# padding. SVGs have no pixel size here: counted half as high as wide.
SMALL_LINE = 9 * 1.5
BOX_MARGINS = 7 * 72 / 25.4
ROW_PADDING = 1.6 * 72 / 25.4
SVG_ASPECT = 0.5
TOC_NUMBER_EM = 3  # the dot leader's minimum and a page number, after each contents entry


@dataclass(frozen=True)
class Metrics:
    """The layout's sizes that matter for counting lines and pages, in points."""

    width: float  # of the text block
    height: float  # of the text block, page 2 on
    first_height: float  # of the text block on page 1
    masthead: float
    toc: Box
    toc_top: float
    toc_section: float  # section title line and the gap after the section
    toc_indent: float
    section_gap: float  # between two sections
    section_breaks_page: bool
    banner: float
    banner_subtitle: float
    title: Box
    lead_gap: float
    body: Box
    indent: float
    subhead: Box
    article_gap: float
    colophon: float
    has_toc: bool = True
    credit_mark: str = "{}"  # how the layout prints a credit ([marks] credit)

    @classmethod
    def of(cls, layout: Layout) -> Metrics:
        css = StyleSheet.read(layout.stylesheets)
        root = css.box("html", Box(em=12.0, line_factor=1.2))
        page, first = css.page_margins(), css.page_margins(":first")
        part = _Parts(css, layout, root)
        masthead = part.box(layout.selector("issue-head"))
        toc = part.box(layout.selector("contents"))
        banner = part.box(layout.role_selector("banner"))
        return cls(
            width=layout.page_width_mm * PT_PER_MM - page.left - page.right,
            height=layout.page_height_mm * PT_PER_MM - page.top - page.bottom,
            first_height=layout.page_height_mm * PT_PER_MM - first.top - first.bottom,
            masthead=part.height(layout.selector("issue-head"), root, 0)
            + sum(css.box(one, masthead).height() for one in layout.selectors.get(LINES, ())),
            toc=toc,
            toc_top=toc.margin.top if layout.selector("contents") else 0.0,
            has_toc=layout.selector("contents") is not None,
            toc_section=part.height(layout.selector("contents-section-title"), toc)
            + part.height(layout.selector("contents-section"), toc, 0),
            toc_indent=part.box(layout.selector("contents-entries"), toc).padding.left,
            section_gap=part.box(layout.selector("section-gap")).margin.top,
            section_breaks_page=part.keyword(layout.selector("section"), "break-before") == "page",
            banner=part.height(layout.role_selector("banner"), root),
            banner_subtitle=part.line(layout.selector("section-subtitle"), banner),
            title=part.box(layout.role_selector("title")),
            lead_gap=part.box(layout.role_selector("lead")).margin.vertical,
            body=root,
            indent=2 * root.em,
            subhead=part.box(layout.role_selector("subhead")),
            article_gap=part.box(layout.selector("article")).margin.vertical,
            colophon=part.length(layout.role_selector("colophon-space"), "height"),
            credit_mark=layout.marks.get("credit", "{}"),
        )


@dataclass(frozen=True)
class _Parts:
    """The layout's boxes by selector; a part the layout does not have measures nothing."""

    css: StyleSheet
    layout: Layout
    root: Box

    def box(self, selector: str | None, parent: Box | None = None) -> Box:
        return self.css.box(selector, parent or self.root) if selector else parent or self.root

    def height(self, selector: str | None, parent: Box, lines: int = 1) -> float:
        return self.css.box(selector, parent).height(lines) if selector else 0.0

    def line(self, selector: str | None, parent: Box) -> float:
        return self.css.box(selector, parent).line if selector else 0.0

    def length(self, selector: str | None, prop: str) -> float:
        return self.css.length(selector, prop, self.root) if selector else 0.0

    def keyword(self, selector: str | None, prop: str) -> str:
        return self.css.keyword(selector, prop) if selector else ""


@dataclass(frozen=True)
class Estimate:
    pages: int
    toc_lines: int  # lines of the table of contents, section titles included
    toc_room_lines: int  # lines of contents that fit on page 1 under the masthead
    toc_overflows: bool


def estimate_issue(issue: Issue, layout: Layout) -> Estimate:
    m = Metrics.of(layout)
    toc = toc_height(issue, m)
    flow = _Flow(m)
    flow.place(m.masthead)
    flow.place(toc, splittable=True)
    for index, section in enumerate(issue.sections):
        if index and m.section_breaks_page:
            flow.new_page()
        elif index:
            flow.place(m.section_gap, splittable=True)
        banner = m.banner + (m.banner_subtitle if section.subtitle else 0.0)
        for article in section.articles:
            _place_article(flow, article, m, before=banner)
            banner = 0.0
        flow.place(banner)
    flow.place(m.colophon)
    room = m.first_height - m.masthead
    return Estimate(
        pages=flow.pages,
        toc_lines=math.ceil((toc - m.toc_top) / m.toc.line) if m.has_toc else 0,
        toc_room_lines=int((room - m.toc_top) / m.toc.line),
        toc_overflows=toc > room,
    )


def toc_height(issue: Issue, m: Metrics) -> float:
    if not m.has_toc:
        return 0.0
    entry_em = (m.width - m.toc_indent) / m.toc.em
    height = m.toc_top
    for section in issue.sections:
        height += m.toc_section
        if section.subtitle:
            height += m.toc.line * lines(section.subtitle, entry_em)
        for article in section.articles:
            height += m.toc.line * lines(article.title, entry_em, TOC_NUMBER_EM)
    return height


def _place_article(flow: _Flow, article: Article, m: Metrics, before: float) -> None:
    """Lines of one article; headings are kept with the first line after them."""
    body_em = m.width / m.body.em
    title_em = (m.width - m.title.margin.left - m.title.margin.right) / m.title.em
    heading = before + m.title.height(lines(article.title, title_em))
    if article.lead:
        heading += m.body.line * lines(article.lead, body_em) + m.lead_gap
    indent_em = m.indent / m.body.em
    for block in article.blocks:
        if isinstance(block, Figure | Table):  # issue 14: heights in check/figures.py
            flow.place(heading + block_height(block, m), splittable=isinstance(block, Table))
            heading = 0.0
            continue
        texts = _paragraph_texts(block)
        for text in texts:
            count = lines(text, body_em, indent_em)
            flow.place(heading + m.body.line)
            flow.place(m.body.line * (count - 1), splittable=True)
            heading = 0.0
        if not texts:
            heading += m.subhead.height(lines(block.text, body_em, indent_em))
    if article.credit:
        flow.place(m.body.line * lines(m.credit_mark.format(article.credit), body_em))
    flow.place(m.article_gap, splittable=True)


def _paragraph_texts(block) -> tuple[str, ...]:
    """The texts ``block`` sets as paragraphs: its own, or each list item's (issue 23)."""
    if isinstance(block, ItemList):
        return tuple(item.marker + item.text for item in block.items)
    return (block.text,) if isinstance(block, Paragraph) else ()


def lines(text: str, width_em: float, first_line_em: float = 0) -> int:
    """How many lines ``text`` takes in a column ``width_em`` wide (at least one)."""
    return max(1, math.ceil((first_line_em + text_width_em(text)) / width_em))


def text_width_em(text: str) -> float:
    """Han, kana and full-width forms take 1 em; everything else about half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


class _Flow:
    """Fills pages top to bottom with boxes of given heights."""

    def __init__(self, m: Metrics) -> None:
        self.metrics = m
        self.pages = 1
        self.room = m.first_height

    def new_page(self) -> None:
        self.pages += 1
        self.room = self.metrics.height

    def place(self, height: float, *, splittable: bool = False) -> None:
        """A box goes on this page if it fits; otherwise a splittable box continues on the
        next pages and an unsplittable one moves whole to the next page."""
        if height > self.room and not splittable:
            self.new_page()
        while height > self.room:
            height -= self.room
            self.new_page()
        self.room -= height


def _row_lines(row: tuple[str, ...]) -> int:
    """The lines of a table row: its cell of the most lines (``<br>``), at least one."""
    return max((len(cell_lines(cell)) for cell in row), default=1)


def block_height(block: Figure | Table, m) -> float:
    """About how tall a figure or table prints, in points (``m``: estimate.Metrics)."""
    if isinstance(block, Table):
        caption = SMALL_LINE + ROW_PADDING if block.caption else 0.0
        lines = sum(_row_lines(row) for row in block.grid)
        return BOX_MARGINS + caption + lines * SMALL_LINE + len(block.grid) * ROW_PADDING
    max_height = m.height - 2 * SMALL_LINE - BOX_MARGINS
    if block.pixels[0]:
        picture = place_figure(block, m.width, max_height).height_pt
    else:
        picture = min(m.width * SVG_ASPECT, max_height)
    return BOX_MARGINS + picture + (SMALL_LINE if block.caption else 0.0)
