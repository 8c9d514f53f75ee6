"""Source marks: where each printed piece of an issue was typed, for ``compositor preview``.

The preview's template render gives ``src(thing, part)`` to the template, which writes
its result into the element as ``data-src="03.md:12:1"`` (file relative to the issue
folder, line, column). A build for print passes ``NoMarks()`` instead, which writes
nothing, so the published HTML and PDF are the same bytes as without marks.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from markupsafe import Markup

from compositor.content import ISSUE_FILE, PUBLICATION_FILE, read_text
from compositor.content.blocks import CAPTION_PREFIX
from compositor.content.locate import Position, TomlLines, column_of
from compositor.model import Article, Figure, Issue, Publication, Section, Table

ATTRIBUTE = "data-src"


class NoMarks:
    """What a print build's template gets as ``src``: no attribute at all."""

    def __call__(self, *_args) -> str:
        return ""

    def colophon(self, _key: str) -> str:
        return ""


class SourceMarks:
    """``src(thing, part="", *where)`` for one issue's template render.

    ``thing`` is a model object (article, block, list item, section, the issue, the
    publication or its colophon) and ``part`` names a field of it where the object has
    several printed parts: an article's ``title``/``lead``/``credit``, a figure's or a
    table's ``caption``, a table's ``cell`` (with ``row`` in the grid and ``column``),
    the issue's ``label``/``date``, the publication's ``title``/``publisher``.
    ``colophon(key)`` marks a colophon field.
    """

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        self.folder = issue.folder.resolve()
        self._files: dict[Path, list[str]] = {}  # each file read once per render

    def __call__(self, thing, part: str = "", *where: int) -> Markup:
        found = self.locate(thing, part, *where)
        if found is None:
            return Markup("")
        return self._mark(*found)

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(Path(path).resolve(), self.folder)).as_posix()

    def locate(self, thing, part: str, *where: int) -> tuple[Path, Position] | None:
        if isinstance(thing, Article):
            if part in ("title", "lead", "credit"):
                return thing.source.path, self._front_matter(thing.source.path).value(part)
            return thing.source.path, Position(1, 1)
        if isinstance(thing, Section):
            index = self.issue.sections.index(thing)
            key = part or "title"
            return self.issue_file, self._issue_lines.value(key, "sections", index)
        if isinstance(thing, Issue):
            key = {"label": "number", "date": "date"}.get(part, part)
            return self.issue_file, self._issue_lines.value(key)
        if isinstance(thing, Publication):
            return self.publication_file, self._publication_lines.value(part)
        if isinstance(thing, Table):
            return thing.source.path, self._table(thing, part, *where)
        if isinstance(thing, Figure) and part == "caption":
            path, line = thing.source.path, thing.source.line
            return path, Position(line, column_of(path, line, "![") + 2)
        source = getattr(thing, "source", None)
        if source is None or not source.line:
            return None
        return source.path, Position(source.line, 1)

    def colophon(self, key: str) -> Markup:
        """``src_colophon(key)``: a colophon field of publication.toml (or the issue's
        own ``editors``)."""
        if key == "editors" and self.issue.editors:
            return self._mark(self.issue_file, self._issue_lines.value("editors"))
        return self._mark(self.publication_file, self._publication_lines.value(key, "colophon"))

    def _mark(self, path: Path, position: Position) -> Markup:
        return Markup(' {}="{}:{}:{}"').format(
            ATTRIBUTE, self.relative(path), position.line, position.column
        )

    def _table(self, table: Table, part: str, row: int = 0, column: int = 0) -> Position:
        first = table.source.line
        heads = 1 + len(table.lower_header)
        lines = self._lines(table.source.path)
        if part == "caption":
            for number in range(first, len(lines) + 1):
                text = lines[number - 1]
                if text.startswith(CAPTION_PREFIX):
                    stripped = text[len(CAPTION_PREFIX) :]
                    return Position(number, len(text) - len(stripped.lstrip()) + 1)
            return Position(first, 1)
        # row counts the grid's rows, header rows first; the |---| line sits between
        line = first + row if row < heads else first + row + 1
        return Position(line, self._cell_column(lines, line, column))

    @staticmethod
    def _cell_column(lines: list[str], line: int, column: int) -> int:
        """The column of the ``column``-th cell's text on a pipe-table line."""
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        inner = text.strip()
        offset = len(text) - len(text.lstrip()) + (1 if inner.startswith("|") else 0)
        cells = (inner[1:] if inner.startswith("|") else inner).split("|")
        for index, cell in enumerate(cells):
            if index == column:
                return offset + len(cell) - len(cell.lstrip()) + 1
            offset += len(cell) + 1
        return 1

    @cached_property
    def issue_file(self) -> Path:
        return self.folder / ISSUE_FILE

    @cached_property
    def publication_file(self) -> Path:
        return self.folder.parent / PUBLICATION_FILE

    @cached_property
    def _issue_lines(self) -> TomlLines:
        return TomlLines(self.issue_file, self._lines(self.issue_file))

    @cached_property
    def _publication_lines(self) -> TomlLines:
        return TomlLines(self.publication_file, self._lines(self.publication_file))

    def _front_matter(self, path: Path) -> TomlLines:
        """The article's +++ front matter (it starts on the file's second line)."""
        lines = self._lines(path)
        end = next((n for n in range(1, len(lines)) if lines[n].strip() == "+++"), len(lines))
        return TomlLines(path, lines[1:end], first_line=2)

    def _lines(self, path: Path) -> list[str]:
        path = Path(path)
        if path not in self._files:
            self._files[path] = _read_lines(path)
        return self._files[path]


def _read_lines(path: Path) -> list[str]:
    try:
        return read_text(path).split("\n")
    except (OSError, ValueError):
        return []
