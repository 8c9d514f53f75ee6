"""Column widths of tables from their content (issue 23): what may break in a cell, the
table's size, and numbers aligned on their decimal point.

WeasyPrint's automatic table layout gives each column at least its min-content width,
the widest piece of a cell that cannot break. The layout's cells use ``overflow-wrap:
break-word``, which (unlike ``anywhere``) breaks a word only when nothing else fits and
does not count in that width; so the pieces are those the line breaker keeps together:
a number, a date range, a Latin word (typeset/linebreak.py), a short cell kept whole
here; a header cell is given the width that sets it on two lines. When those pieces of
all columns are wider than the measure, the table is set a size smaller (``compact``),
and when even that is too wide it is ``overfull``: its cells break anywhere, as before,
and ``compositor check`` says so.

A cell of several lines (``<br>``, model.Table) is measured line by line: its lines
break where the editor broke them, so its widest piece is its lines' widest, a header's
two lines at most are per line, and it is ``whole`` when every line is.

The widths are estimated before layout from the shipped fonts' advances (fontTools)
with the spacing rules of typeset/spacing.py: laying the table out to see would cost a
layout of the whole issue, and ``compositor check`` cannot lay out at all. The estimate
never breaks a Latin run at its hyphens, so it errs on the wide side.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from compositor.layout import Layout, Typesetting
from compositor.model import Issue, Table, cell_lines
from compositor.text.classes import SPACE, contains_cjk, is_han
from compositor.typeset.linebreak import can_break_before
from compositor.typeset.spacing import interior_gaps

# A cell of at most this many Han characters (序号, 合计, 高新区) is never broken.
SHORT_HAN = 4
# Signs, thousands separators, decimals, a per cent or per mille sign: 1,234.5 −3.2 12%.
NUMBER = re.compile(r"(?P<int>[+\-−±]?(?:\d{1,3}(?:,\d{3})+|\d+))(?P<frac>(?:\.\d+)?[%‰]?)")
# 2022-2023, 2022.1–2023.6, 2021~2025, 2022/01-2023/12: years, optionally with months.
DATE_RANGE = re.compile(r"\d{4}(?:[./-]\d{1,2}){0,2}\s*[-–—~～]\s*\d{2,4}(?:[./-]\d{1,2}){0,2}")
LATIN_WORD = re.compile(r"[^\s]+")
# A header's unit in brackets at its end, 总投资（亿元）, 增长率（%）: kept on one line, so
# that a header broken in two reads 总投资 / （亿元）.
UNIT = re.compile(r"(?P<head>.*[^\s（(])(?P<unit>[（(][^（()）]{1,6}[）)])")
# Cells that stand for "no figure" in a column of numbers.
EMPTY = frozenset({"", "-", "—", "——", "–", "…", "/", "／"})
# A table's size when it does not fit at the layout's table size (Table.size): a size
# smaller, or too wide even then. The layout's template gives each a class of its own.
COMPACT = "smaller"
OVERFULL = "too-wide"
# The estimate may be this much short of WeasyPrint's own measure (rounding, kerning).
SAFETY_PT = 2.0


@dataclass(frozen=True)
class Cell:
    """One cell as set: ``whole`` never breaks; a number in a column of numbers is
    split at its decimal point (``number`` + ``fraction``), its fraction set in a box
    ``fraction_em`` wide, the column's widest, so that the points line up."""

    text: str
    whole: bool = False
    number: str = ""
    fraction: str = ""
    fraction_em: float = 0.0
    min_em: float = 0.0  # a header cell: the width that sets it on two lines at most
    unit: str = ""  # a header cell: its unit in brackets (the end of ``text``), kept whole
    # A merged cell (model.Span): the rows and columns it covers; a cell it covers is
    # ``covered`` and not printed. ``upper``: a header cell above the header's last row,
    # with no rule under it but the short one of a cell over several columns.
    rowspan: int = 1
    colspan: int = 1
    covered: bool = False
    upper: bool = False

    @property
    def head(self) -> str:
        return self.text[: len(self.text) - len(self.unit)]

    @property
    def lines(self) -> list[str]:
        """The cell's lines as the editor broke them (``<br>``); the template sets a line
        break between them."""
        return cell_lines(self.text)


@dataclass(frozen=True)
class SetTable:
    head: tuple[tuple[Cell, ...], ...]  # the header rows, top first
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[str, ...]  # the editor's alignment; a column of numbers "right" by default

    def align_of(self, cell: Cell, column: int) -> str:
        """A cell over several columns is centred over them; others take their column's."""
        return "center" if cell.colspan > 1 else self.align[column]


@dataclass(frozen=True)
class TableMetrics:
    """What decides a table's size, from the layout (its CSS) and its fonts."""

    measure: float  # the text width, pt
    sizes: tuple[float, float]  # the table's font size, and the compact size, pt
    padding: float  # left + right padding of a cell, pt
    body: Callable[[str], float]  # a character's advance in em, body cells' face
    heading: Callable[[str], float]  # likewise, header cells' face
    settings: Typesetting


def is_unbreakable(text: str) -> bool:
    """A number, a date range, one Latin word, or at most four Han characters."""
    if NUMBER.fullmatch(text) or DATE_RANGE.fullmatch(text):
        return True
    if not contains_cjk(text):
        return LATIN_WORD.fullmatch(text) is not None
    return len(text) <= SHORT_HAN and all(is_han(char) for char in text)


def is_whole(text: str) -> bool:
    """A cell none of whose lines breaks (``is_unbreakable``)."""
    return all(is_unbreakable(line) for line in cell_lines(text))


def is_number(text: str) -> bool:
    return NUMBER.fullmatch(text) is not None


def numeric_columns(table: Table) -> list[bool]:
    """Columns whose body cells are all numbers (or stand for none); a cell merged over
    several columns is no column's."""
    columns = [_column_cells(table, c) for c in range(len(table.header))]
    return [
        any(is_number(text) for text in cells) and all(is_number(t) or t in EMPTY for t in cells)
        for cells in columns
    ]


def _column_cells(table: Table, column: int) -> list[str]:
    """The body cells of ``column`` that are its own (not merged across columns)."""
    heads = len(table.header_rows)
    return [
        row[column]
        for n, row in enumerate(table.rows)
        if column < len(row) and _own_column(table, heads + n, column)
    ]


def _own_column(table: Table, row: int, column: int) -> bool:
    """Whether the grid cell is printed and spans one column only."""
    if not table.spans:
        return True
    span = table.span_at(row, column)
    return not table.covered(row, column) and (span is None or span.columns == 1)


def column_alignment(table: Table) -> tuple[str, ...]:
    """The editor's alignment of each column; a column of numbers is right-aligned unless
    the editor said otherwise."""
    numeric = numeric_columns(table)
    return tuple(a or ("right" if numeric[c] else "") for c, a in enumerate(table.align))


def _fraction(number: str) -> str:
    """The decimal part and unit (``.25``, ``.5%``) of a cell ``is_number`` accepts."""
    match = NUMBER.fullmatch(number)
    return match["frac"] if match else ""


def fraction_widths(table: Table, advance: Callable[[str], float]) -> tuple[float, ...]:
    """Per column, the widest decimal part (``.25``, ``.5%``) in em of the body face
    (``advance``) in a right-aligned column of numbers; 0 in other columns."""
    align = column_alignment(table)
    return tuple(
        max(
            (_em(_fraction(text), advance) for text in _column_cells(table, c) if is_number(text)),
            default=0.0,
        )
        if numeric and align[c] == "right"
        else 0.0
        for c, numeric in enumerate(numeric_columns(table))
    )


def set_table(table: Table) -> SetTable:
    """The cells of ``table`` as set (``table.fractions`` decided by ``size_tables``)."""
    fractions = table.fractions or (0.0,) * len(table.header)
    heads = len(table.header_rows)
    widths = table.header_em if table.size != OVERFULL else ()
    head = tuple(
        tuple(
            _merged(table, r, c, _header_cell(text, widths[c] if c < len(widths) else 0.0))
            for c, text in enumerate(row)
        )
        for r, row in enumerate(table.header_rows)
    )
    rows = tuple(
        tuple(
            _merged(
                table,
                heads + r,
                c,
                _cell(text, fractions[c] if _own_column(table, heads + r, c) else 0.0),
            )
            for c, text in enumerate(row)
        )
        for r, row in enumerate(table.rows)
    )
    return SetTable(head, rows, column_alignment(table))


def _header_cell(text: str, min_em: float) -> Cell:
    return Cell(text, whole=is_whole(text), min_em=min_em, unit=_unit(text))


def _merged(table: Table, row: int, column: int, cell: Cell) -> Cell:
    """``cell`` with its span, or covered; a header cell above the header's last row is
    ``upper``. A merged cell over several columns has no width of one column."""
    if not table.spans:
        return cell
    if table.covered(row, column):
        return dataclasses.replace(cell, covered=True)
    span = table.span_at(row, column)
    rows, columns = (span.rows, span.columns) if span else (1, 1)
    upper = row + rows < len(table.header_rows)
    min_em = cell.min_em if columns == 1 else 0.0
    return dataclasses.replace(cell, rowspan=rows, colspan=columns, upper=upper, min_em=min_em)


def _unit(header: str) -> str:
    match = UNIT.fullmatch(header)
    return match["unit"] if match and not is_unbreakable(header) else ""


def _cell(text: str, fraction_em: float = 0.0) -> Cell:
    whole = is_whole(text)
    match = NUMBER.fullmatch(text)
    if not fraction_em or match is None:
        return Cell(text, whole=whole)
    return Cell(text, whole, match["int"], match["frac"], fraction_em)


def _em(text: str, advance: Callable[[str], float]) -> float:
    """The width of ``text`` in em, rounded up to a thousandth (never narrower)."""
    return _round_up(sum(advance(char) for char in text))


def _round_up(em: float) -> float:
    return -(-round(em * 1e6) // 1000) / 1000


# --- the table's size -----------------------------------------------------------------


def table_size(table: Table, metrics: TableMetrics) -> str:
    """The table's size class: "" when its unbreakable pieces fit the measure, ``COMPACT``
    when they fit at the smaller size, ``OVERFULL`` when they do not fit even then."""
    for size, name in zip(metrics.sizes, ("", COMPACT), strict=True):
        if min_content_width(table, size, metrics) <= metrics.measure - SAFETY_PT:
            return name
    return OVERFULL


def min_content_width(table: Table, size: float, metrics: TableMetrics) -> float:
    """The narrowest the table can be set at ``size`` pt without breaking a piece or
    setting a header cell on more than two lines. A cell merged over several columns
    widens them evenly when they are narrower than its widest piece."""
    heads = len(table.header_rows)
    need = [0.0] * len(table.header)
    merged = []
    for r, row in enumerate(table.grid):
        header = r < heads
        advance = metrics.heading if header else metrics.body
        for c, text in enumerate(row[: len(need)]):
            if table.spans and table.covered(r, c):
                continue
            width = _widest_piece(text, size, advance, metrics.settings, header)
            span = table.span_at(r, c) if table.spans else None
            if span is not None and span.columns > 1:
                merged.append((c, span.columns, width))
                continue
            if header:
                width = max(two_line_em(text, advance, metrics.settings) * size, width)
            need[c] = max(need[c], width)
    widths = [width + metrics.padding for width in need]
    for c, columns, width in merged:
        short = width + metrics.padding - sum(widths[c : c + columns])
        for k in range(c, c + columns):
            widths[k] += max(short, 0.0) / columns
    return sum(widths)


def two_line_em(text: str, advance, settings: Typesetting) -> float:
    """The width in em that sets ``text`` on at most two lines, broken where our line
    breaker may break it (0 for text that is not broken at all); for a cell of several
    lines, each of its lines on at most two."""
    return max(_two_line_em(line, advance, settings) for line in cell_lines(text))


def _two_line_em(text: str, advance, settings: Typesetting) -> float:
    edges = _pieces(text, 1.0, advance, settings, header=True)
    if len(edges) < 3:
        return 0.0
    total = edges[-1]
    return _round_up(min(max(edge, total - edge) for edge in edges[1:-1]))


def _widest_piece(text: str, size: float, advance, settings: Typesetting, header: bool) -> float:
    """The widest piece of any of the cell's lines (a line break is a break)."""
    return max(
        (
            b - a
            for line in cell_lines(text)
            for edges in [_pieces(line, size, advance, settings, header)]
            for a, b in zip(edges, edges[1:], strict=False)
        ),
        default=0.0,
    )


def _pieces(
    text: str, size: float, advance, settings: Typesetting, header: bool = False
) -> list[float]:
    """Where the pieces of ``text`` between its break opportunities end, as widths from
    its start at ``size`` pt: [0, end of the first piece, …, the whole width]."""
    if not text:
        return [0.0]
    advances = [advance(char) * size for char in text]
    gaps = interior_gaps(text, advances, size, settings)
    edges = [0.0]
    start = 0
    for end in [*_breaks(text, header), len(text)]:
        # the gap before a break's first character goes with the line end, as a space
        edges.append(edges[-1] + sum(advances[start:end]) + sum(gaps[start + 1 : end]))
        start = end
    return edges


def _breaks(text: str, header: bool = False) -> Iterable[int]:
    """Where a line may break in the cell: clreq rules in Chinese text (our line breaker),
    spaces in Latin text (Pango's rule, less its breaks after hyphens); never inside a
    header's unit."""
    if is_unbreakable(text):
        return []
    unit = _unit(text) if header else ""
    end = len(text) - len(unit) + 1 if unit else len(text)  # the last break: before it
    if not contains_cjk(text):
        return [i for i in range(1, end) if text[i - 1] == SPACE and text[i] != SPACE]
    return [i for i in range(1, end) if can_break_before(text, i)]


def size_tables(issue: Issue, metrics: TableMetrics) -> Issue:
    """``issue`` with each table's ``size`` (see ``table_size``) and ``fractions`` decided."""
    sections = []
    for section in issue.sections:
        articles = []
        for article in section.articles:
            blocks = tuple(
                dataclasses.replace(
                    block,
                    size=table_size(block, metrics),
                    fractions=fraction_widths(block, metrics.body),
                    header_em=header_widths(block, metrics),
                )
                if isinstance(block, Table)
                else block
                for block in article.blocks
            )
            articles.append(dataclasses.replace(article, blocks=blocks))
        sections.append(dataclasses.replace(section, articles=tuple(articles)))
    return dataclasses.replace(issue, sections=tuple(sections))


def header_widths(table: Table, metrics: TableMetrics) -> tuple[float, ...]:
    """Per column, the width in em that sets its header cells on two lines at most (a
    cell merged over several columns is none's)."""
    return tuple(
        max(
            (
                two_line_em(row[c], metrics.heading, metrics.settings)
                for r, row in enumerate(table.header_rows)
                if c < len(row) and _own_column(table, r, c)
            ),
            default=0.0,
        )
        for c in range(len(table.header))
    )


# --- from the layout and its fonts ----------------------------------------------------


def table_metrics(layout: Layout, font_files: dict[str, Path]) -> TableMetrics:
    """The layout's table measures, read from its CSS as ``compositor check`` does (the
    rules layout.toml names as [selectors] table, table-compact and table-cell)."""
    from compositor.layout.cssboxes import PT_PER_UNIT, Box, StyleSheet

    css = StyleSheet.read(layout.stylesheets)
    page = css.page_margins()
    root = css.box("html", Box(em=12.0, line_factor=1.2))
    table = _box(css, layout.selector("table"), root)
    compact = _box(css, layout.selector("table-compact"), table)
    cell = _box(css, layout.selector("table-cell"), table)
    return TableMetrics(
        measure=layout.page_width_mm * PT_PER_UNIT["mm"] - page.left - page.right,
        sizes=(table.em, compact.em),
        padding=cell.padding.left + cell.padding.right,
        body=font_advances(font_files["body"]),
        heading=font_advances(font_files.get("heading", font_files["body"])),
        settings=layout.typesetting,
    )


def _box(css, selector: str | None, parent):
    """The box of ``selector``; the parent's for a layout that does not name one."""
    return css.box(selector, parent) if selector else parent


def font_advances(path: Path) -> Callable[[str], float]:
    """A character's advance in em in the font at ``path`` (1 em if it lacks it)."""
    stat = path.stat()
    widths = _advances(path, stat.st_size, stat.st_mtime_ns)
    return lambda char: widths.get(ord(char), 1.0)


@functools.lru_cache(maxsize=8)
def _advances(path: Path, size: int, mtime_ns: int) -> dict[int, float]:
    """Every character's advance in em, read once per font file (a CJK face's cmap and
    metrics take 0.07 s to read: `watch` and `preview` rebuild with the same fonts);
    ``size`` and ``mtime_ns`` make a rebuilt font file read again."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        cmap = font.getBestCmap()
        metrics = font["hmtx"].metrics
        units = font["head"].unitsPerEm
        return {code: metrics[glyph][0] / units for code, glyph in cmap.items()}
