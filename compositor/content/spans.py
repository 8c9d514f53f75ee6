"""Merged cells in pipe tables (issue 25): several header rows, ``<`` and ``^``.

The syntax keeps a pipe table a pipe table (docs/content-format.md):

- every ``|`` row above the ``|---|`` line is a header row (MultiMarkdown's rule), so a
  two-level header is two rows typed one above the other;
- a cell holding only ``<`` belongs to the cell on its left, one holding only ``^`` to
  the cell above (the markers of markdown-it-multimd-table and of several Markdown
  dialects, one character each so that columns stay lined up in a text editor);
- ``\\<`` and ``\\^`` are a literal ``<`` and ``^`` (Markdown's backslash escape).

Grid tables (Pandoc, reStructuredText) say the same with drawn boxes, which Chinese
text, two columns wide in a monospaced font and one and a half or less in the editors
people use, cannot keep lined up; MultiMarkdown's ``||`` is an empty cell in GFM.

``header_rows_rule`` is the markdown-it block rule for the header rows; ``resolve``
turns the markers into ``model.Span``s, refusing a merge that has nothing to merge into
or does not make a rectangle, with its file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from markdown_it.rules_block.table import escapedSplit, table
from markdown_it.token import Token

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.model import Span

MERGE_LEFT = "<"
MERGE_UP = "^"
DELIMITER_ROW = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")


@dataclass(frozen=True)
class TypedCell:
    """A cell as the editor typed it: its text, or a merge marker, and where it is
    (``row`` in the table's grid: header rows first; ``line`` 1-based in the file)."""

    text: str
    mark: str  # MERGE_LEFT, MERGE_UP or ""
    row: int
    column: int
    line: int


# --- header rows: every | row above the |---| line --------------------------------------


def header_rows_rule(state, start: int, end: int, silent: bool) -> bool:
    """A pipe table with more than one row above its delimiter row. GFM's table rule
    reads the last header row and the body; the rows above it go into its ``thead``."""
    delimiter = start
    while delimiter < end and _is_pipe_row(state, delimiter):
        if DELIMITER_ROW.fullmatch(_line(state, delimiter)):
            break
        delimiter += 1
    if delimiter - start < 2 or delimiter >= end:
        return False
    if not DELIMITER_ROW.fullmatch(_line(state, delimiter)):
        return False
    if silent:
        return table(state, delimiter - 1, end, True)
    first = len(state.tokens)
    if not table(state, delimiter - 1, end, False):
        return False
    _add_upper_rows(state, first, range(start, delimiter - 1))
    return True


def _add_upper_rows(state, first: int, lines: range) -> None:
    """Insert the header rows of ``lines`` at the top of the table opened at ``first``."""
    tokens = state.tokens
    tokens[first].map[0] = lines.start
    head = tokens[first + 1]  # thead_open
    head.map[0] = lines.start
    cells = []
    index = first + 3  # the first th_open of GFM's header row
    while tokens[index].type == "th_open":
        cells.append(tokens[index])
        index += 3
    inserted = []
    for line in lines:
        inserted.append(_token("tr_open", "tr", 1, head.level + 1, line))
        typed = _split(_line(state, line))
        for n, th in enumerate(cells):
            inserted.append(_token("th_open", "th", 1, th.level, line, attrs=dict(th.attrs)))
            inline = _token("inline", "", 0, th.level + 1, line)
            inline.content = typed[n] if n < len(typed) else ""
            inline.children = []
            inserted.append(inline)
            inserted.append(_token("th_close", "th", -1, th.level, line))
        inserted.append(_token("tr_close", "tr", -1, head.level + 1, line))
    tokens[first + 2 : first + 2] = inserted


def _token(
    kind: str, tag: str, nesting: Literal[-1, 0, 1], level: int, line: int, attrs=None
) -> Token:
    token = Token(kind, tag, nesting, attrs=attrs or {}, map=[line, line + 1], level=level)
    token.block = True
    return token


def _is_pipe_row(state, line: int) -> bool:
    return (
        state.sCount[line] >= state.blkIndent
        and not state.is_code_block(line)
        and _line(state, line).startswith("|")
    )


def _line(state, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]].strip()


def _split(line: str) -> list[str]:
    cells = escapedSplit(line.strip())
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return [cell.strip() for cell in cells]


# --- markers → spans ---------------------------------------------------------------------


def mark_of(raw: str) -> str:
    """The merge marker a cell's source text is, or "" (``\\<`` is text, not a marker)."""
    return raw.strip() if raw.strip() in (MERGE_LEFT, MERGE_UP) else ""


def resolve(
    cells: list[list[TypedCell]], heads: int, path: Path
) -> tuple[list[list[str]], tuple[Span, ...]]:
    """The grid's text ("" where merged) and its spans; ``heads`` header rows come first."""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for row in cells:
        for cell in row:
            owner[cell.row, cell.column] = _owner(cell, owner, heads, path)
    spans = []
    for origin in sorted(set(owner.values())):
        members = {place for place, own in owner.items() if own == origin}
        if len(members) > 1:
            spans.append(_rectangle(origin, members, cells, path))
    grid = [[cell.text if not cell.mark else "" for cell in row] for row in cells]
    return grid, tuple(spans)


def _owner(cell: TypedCell, owner: dict, heads: int, path: Path) -> tuple[int, int]:
    if cell.mark == MERGE_LEFT:
        if cell.column == 0:
            _refuse(
                cell, path, _("a “<” in the first column has no cell on its left to merge into")
            )
        return owner[cell.row, cell.column - 1]
    if cell.mark == MERGE_UP:
        if cell.row == 0:
            _refuse(cell, path, _("a “^” in the table's first row has no cell above to merge into"))
        if cell.row == heads:
            _refuse(
                cell,
                path,
                _("a “^” right under the |---| line would merge a body cell into the header"),
            )
        return owner[cell.row - 1, cell.column]
    return (cell.row, cell.column)


def _rectangle(origin, members: set, cells: list[list[TypedCell]], path: Path) -> Span:
    rows = {row for row, _ in members}
    columns = {column for _, column in members}
    span = Span(origin[0], origin[1], max(rows) - origin[0] + 1, max(columns) - origin[1] + 1)
    whole = {
        (row, column)
        for row in range(span.row, span.row + span.rows)
        for column in range(span.column, span.column + span.columns)
    }
    if members != whole or min(rows) != origin[0] or min(columns) != origin[1]:
        row, column = min(whole - members or members - whole)
        cell = cells[row][column]
        _refuse(cell, path, _("merged cells must make a rectangle, and this one does not"))
    return span


def _refuse(cell: TypedCell, path: Path, problem: str) -> None:
    raise ContentError(
        _(
            "{problem}: “<” merges a cell into the one on its left, “^” into the one above; "
            "write \\< or \\^ for the character itself"
        ).format(problem=problem),
        path,
        cell.line,
        column=source_column(path, cell.line, cell.column),
    )


def source_column(path: Path, line: int, index: int) -> int:
    """The 1-based column in ``path``'s ``line`` where cell ``index`` of that table row
    starts (its first character, or the place after its ``|`` when it is empty)."""
    from compositor.content import read_text  # the one decoder; only when refusing

    lines = read_text(path).split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    pipes = [n for n, char in enumerate(text) if char == "|" and text[n - 1 : n] != "\\"]
    leading = text.lstrip().startswith("|")
    starts = [n + 1 for n in pipes] if leading else [0, *(n + 1 for n in pipes)]
    if index >= len(starts):
        return 1
    start = starts[index]
    while start < len(text) and text[start] == " ":
        start += 1
    return start + 1
