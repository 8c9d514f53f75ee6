"""The document model: what an issue *is*, independent of files and of layout.

Every later stage (typesetting, HTML rendering, checks) reads these dataclasses
and nothing else; the content reader is the only code that knows about TOML and
Markdown. Text is stored exactly as the editor wrote it; normalisation happens
in the typesetting stage so that reports can still point at the source.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Source:
    """Where a piece of content came from, for error messages (1-based line)."""

    path: Path
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclass(frozen=True)
class Colophon:
    """The 版权页 facts printed at the foot of the last page."""

    address: str
    postcode: str
    phone: str
    website: str
    editorial_address: str
    editorial_postcode: str
    editorial_phone: str
    editors: tuple[str, ...]


@dataclass(frozen=True)
class Distribution:
    """A brief's 版记: the offices it goes to (报, 送, 发) and the copies printed."""

    report_to: tuple[str, ...] = ()  # 报：superior offices
    send_to: tuple[str, ...] = ()  # 送：offices alongside
    issue_to: tuple[str, ...] = ()  # 发：offices below
    copies: int | None = None  # 共印N份


@dataclass(frozen=True)
class Publication:
    """Facts that hold for every issue of one publication."""

    title: str
    publisher: str
    layout: str
    colophon: Colophon
    root: Path
    # The publication's own 补字 font (``buzi_font`` in publication.toml): glyphs no
    # shipped face has, such as an office's own characters. None: no such font.
    buzi_font: Path | None = None
    # Whom the issues go to ([distribution] in publication.toml); None: not given.
    distribution: Distribution | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    source: Source
    # Emphasised stretches (``**…**``, Word's bold runs) as (start, end) indices into
    # ``text``, in order and apart; printed in the layout's emphasis face.
    emphasis: tuple[tuple[int, int], ...] = ()
    # Where a note's reference (``[^1]``) stands: the index into ``text`` of each mark
    # (①, content/notes.py), in order; a tagged PDF reads them as references to the notes.
    references: tuple[int, ...] = ()
    kind: ClassVar[str] = "paragraph"

    def segments(self) -> tuple[tuple[str, bool], ...]:
        """The text in stretches, each with whether it is emphasised."""
        parts, at = [], 0
        for start, end in self.emphasis:
            parts += [(self.text[at:start], False), (self.text[start:end], True)]
            at = end
        parts.append((self.text[at:], False))
        return tuple((text, strong) for text, strong in parts if text)

    @property
    def emphasised(self) -> str:
        return "".join(text for text, strong in self.segments() if strong)

    def runs(self) -> tuple[tuple[str, bool, bool], ...]:
        """The text in stretches, each with whether it is emphasised and whether it is a
        note's reference mark (a stretch of its own: the layout tags it)."""
        found, at = [], 0
        for text, strong in self.segments():
            end = at + len(text)
            cuts = [i for i in self.references if at <= i < end]
            start = at
            for index in cuts:
                found += [(self.text[start:index], strong, False)]
                found += [(self.text[index : index + 1], strong, True)]
                start = index + 1
            found.append((self.text[start:end], strong, False))
            at = end
        return tuple(run for run in found if run[0])


@dataclass(frozen=True)
class Subhead:
    text: str
    source: Source
    kind: ClassVar[str] = "subhead"


@dataclass(frozen=True)
class ListItem:
    """One item of a list: its enumerator or bullet as typed (``1.``, ``（一）``, ``①``,
    ``-``) and its text after it, the space typed between them dropped."""

    marker: str
    text: str
    source: Source


@dataclass(frozen=True)
class ItemList:
    """Consecutive lines typed one per item (content/lists.py says which lines are).

    Each item prints on a line of its own, set as a paragraph is: the first line
    indented 2 em, the enumerator first, the lines it wraps onto back at the left edge.
    """

    items: tuple[ListItem, ...]
    source: Source
    kind: ClassVar[str] = "list"

    @property
    def text(self) -> str:  # what is printed, for the checks that read every block's text
        return "".join(item.marker + item.text for item in self.items)


@dataclass(frozen=True)
class Notes(ItemList):
    """An article's notes (注释, content/notes.py): one item per note, its marker the
    circled digit its reference prints as in the text. Printed after the article's last
    block and before its credit, each note set as a list item is."""

    kind: ClassVar[str] = "notes"


@dataclass(frozen=True)
class Figure:
    """A picture alone in its paragraph, with the caption (图注) printed below it.

    ``path`` is the resolved file inside the issue folder (compositor/content/blocks.py
    checks that); ``width`` is a CSS length as the editor wrote it (``40mm``, ``50%``) or
    empty for the text width; ``pixels`` is (width, height) in pixels, (0, 0) for SVG;
    ``alt`` is what a screen reader says for the picture when the editor gave it
    (``{alt="…"}``), else the caption is said.
    """

    path: Path
    caption: str
    source: Source
    width: str = ""
    pixels: tuple[int, int] = (0, 0)
    key: str = "figure"  # unique in the issue: the HTML id of the figure (typeset/floats.py)
    alt: str = ""
    kind: ClassVar[str] = "figure"

    @property
    def text(self) -> str:  # what is printed, for the checks that read every block's text
        return self.caption


WHOLE_ROWS = 30
CELL_LINE_BREAK = "\n"  # between the lines of a table cell (Table)
MIN_PART_ROWS = 2  # body rows a 续表 part of a short table may not go below


def cell_lines(cell: str) -> list[str]:
    """The lines of a table cell, top first (one for a cell without breaks)."""
    return cell.split(CELL_LINE_BREAK)


@dataclass(frozen=True)
class Span:
    """A merged cell (issue 25): the cell at ``row``, ``column`` of its table's grid covers
    ``rows`` rows and ``columns`` columns. ``row`` counts the grid's rows from the top:
    the header rows first (``Table.header_rows``), then the body rows.

    The grid cells a span covers, other than its own, hold "" and are not printed. Spans
    lie inside the grid, do not overlap, are never 1 × 1, and never reach from the header
    into the body (content/blocks.py refuses such a table with its file and line)."""

    row: int
    column: int
    rows: int = 1
    columns: int = 1

    def covers(self, row: int, column: int) -> bool:
        return (
            self.row <= row < self.row + self.rows
            and self.column <= column < self.column + self.columns
        )


@dataclass(frozen=True)
class Table:
    """A pipe table printed as a 三线表; ``align`` is "left", "center", "right" or "" per
    column, from the delimiter row; ``caption`` is the ``Table:`` line (may be empty).

    The table is a full grid: every row, header or body, has one string per column. A
    cell of several lines (``<br>`` in the content, a Word cell's paragraphs) holds them
    joined with ``CELL_LINE_BREAK`` ("\\n"); ``cell_lines`` splits it again.
    ``header`` is its first header row (the only one of a plain pipe table) and
    ``lower_header`` the header rows under it (a two-level header: 2021年 over 数量 增长);
    ``spans`` are its merged cells, in grid coordinates (see ``Span``), written
    ``<`` (merge into the cell on the left) and ``^`` (merge into the cell above) in the
    content (docs/content-format.md). A table made in code, e.g. from Word's merged cells,
    gives the grid with "" in the covered cells and lists the spans; importer/write.py
    writes it back as the editor would.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...]
    caption: str
    source: Source
    key: str = "table"  # unique in the issue: the HTML ids of the table's rows start with it
    breaks: tuple[
        int, ...
    ] = ()  # body rows that begin a continued part (续表), see typeset/continued.py
    # How a short table (up to WHOLE_ROWS rows) flows, decided by typeset/floats.py:
    # "kept" on one page; "split" runs on (续表) rather than leave a page short;
    # "moved" whole to the next page, as splitting left a part too few rows.
    flow: str = "kept"
    # Set by typeset/tables.py from the fonts and the measure: "" (the layout's size),
    # "smaller" (a size smaller, to fit) or "too-wide" (too wide even then; the template
    # gives each its own class), and per
    # column the width in em of the widest decimal part that the points align on, and
    # the width in em that sets its header cell on two lines at most.
    size: str = ""
    fractions: tuple[float, ...] = ()
    header_em: tuple[float, ...] = ()
    lower_header: tuple[tuple[str, ...], ...] = ()
    spans: tuple[Span, ...] = ()
    kind: ClassVar[str] = "table"

    @property
    def header_rows(self) -> tuple[tuple[str, ...], ...]:
        """Every header row, top first (grid rows 0 … len - 1)."""
        return (self.header, *self.lower_header)

    @property
    def grid(self) -> tuple[tuple[str, ...], ...]:
        """Header rows then body rows: the rows ``Span.row`` counts."""
        return (*self.header_rows, *self.rows)

    def span_at(self, row: int, column: int) -> Span | None:
        """The span whose own cell is at grid ``row``, ``column``, if any."""
        return next((s for s in self.spans if (s.row, s.column) == (row, column)), None)

    def covered(self, row: int, column: int) -> bool:
        """Whether the grid cell is merged into another cell (and so not printed)."""
        return any(s.covers(row, column) and (s.row, s.column) != (row, column) for s in self.spans)

    def body_groups(self) -> list[tuple[int, int]]:
        """The body rows as (start, end) runs that a page break may not cut: rows joined
        by a row span form one group, every other row is a group of its own."""
        heads = len(self.header_rows)
        ends = list(range(1, len(self.rows) + 1))  # the group of row n ends before ends[n]
        for span in self.spans:
            start = span.row - heads
            if start >= 0:
                for n in range(start, start + span.rows):
                    ends[n] = max(ends[n], start + span.rows)
        groups, start = [], 0
        while start < len(self.rows):
            end = ends[start]
            while any(ends[n] > end for n in range(start, end)):
                end = max(ends[start:end])
            groups.append((start, end))
            start = end
        return groups

    def parts(self) -> list[TablePart]:
        """The table as set: one part, or one per page when it runs on (``breaks``)."""
        edges = [0, *self.breaks, len(self.rows)]
        return [
            TablePart(start, self.rows[start:end], continued=start > 0)
            for start, end in zip(edges, edges[1:], strict=False)
            if end > start
        ]

    @property
    def kept_whole(self) -> bool:
        """Set on one page (``break-inside: avoid``): a table of up to ``WHOLE_ROWS``
        rows (about a page of 9 pt), unless keeping it whole would leave a page short."""
        return len(self.rows) <= WHOLE_ROWS and self.flow != "split"

    @property
    def continued_caption(self) -> str:
        """ "续表" with the table's number if the caption starts with one: 表1… → 续表1."""
        match = re.match(r"表\s*([0-9０-９A-Za-z]+(?:[.\-－–][0-9０-９]+)*)", self.caption)
        return f"续表{match[1]}" if match else "续表"

    @property
    def text(self) -> str:
        cells = [cell for row in self.grid for cell in row]
        return "".join([self.caption, *cells])


@dataclass(frozen=True)
class TablePart:
    start: int  # index of its first body row in the table
    rows: tuple[tuple[str, ...], ...]
    continued: bool


Block = Paragraph | Subhead | ItemList | Notes | Figure | Table


@dataclass(frozen=True)
class Article:
    title: str
    section: str
    blocks: tuple[Block, ...]
    source: Source
    lead: str = ""
    credit: str = ""
    # Where the author broke the title (``title = ["…", "…"]``): its lines, which join
    # to ``title``; () for a title of one line, broken where the layout's measure does.
    title_lines: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True)
class Section:
    title: str
    articles: tuple[Article, ...]
    source: Source
    subtitle: str = ""


@dataclass(frozen=True)
class Issue:
    publication: Publication
    year: int
    number: int
    cumulative: int
    date: dt.date
    sections: tuple[Section, ...]
    folder: Path
    editors: tuple[str, ...] = field(default=())

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(a for s in self.sections for a in s.articles)

    def with_blocks(self, change: Callable[[Article], tuple[Block, ...]]) -> Issue:
        """This issue with each article's blocks as ``change`` gives them (typeset/:
        tables cut into 续表 parts, floats moved)."""
        sections = tuple(
            replace(s, articles=tuple(replace(a, blocks=change(a)) for a in s.articles))
            for s in self.sections
        )
        return replace(self, sections=sections)

    @property
    def colophon(self) -> Colophon:
        """The publication's colophon with this issue's 责任编辑 override applied."""
        base = self.publication.colophon
        if not self.editors:
            return base
        return Colophon(**{**base.__dict__, "editors": self.editors})

    @property
    def slug(self) -> str:
        """File-name stem for outputs, e.g. ``torch-2022-17``; the number has two digits,
        like the issue's folder (``2023-05``), so that the PDFs sort in issue order."""
        return f"{self.publication.root.name}-{self.year}-{self.number:02d}"

    @property
    def label(self) -> str:
        """The masthead's issue line, e.g. ``2022年第17期(总第546期)`` with full-width brackets."""
        return f"{self.year}年第{self.number}期（总第{self.cumulative}期）"

    @property
    def date_label(self) -> str:
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"
