"""Write an issue and its publication facts in the content format (docs/content-format.md).

The inverse of ``content.read_issue``: whatever is written here reads back to the
same text. Output is deterministic (same model → same bytes), so a re-import
shows up in ``git diff`` only where the content changed.

TOML is written by hand rather than with a library: the files use a handful of
value types, and writing them directly keeps the layout the one an editor expects
(docs/content-format.md). Markdown text is escaped just enough that CommonMark
reads it back as the same characters.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from compositor.importer.wordnotes import as_references
from compositor.model import (
    Article,
    Figure,
    Issue,
    ItemList,
    Notes,
    Paragraph,
    Publication,
    Subhead,
    Table,
    cell_lines,
)

# A line break in a table cell, as content/blocks.py reads it (CELL_BREAK).
CELL_BREAK_MARKUP = "<br>"

# Labels printed in the colophon: written as comments so the TOML reads like the page,
# and named by parse.py when a legacy colophon lacks one.
COLOPHON_FIELDS = (
    ("address", "地址"),
    ("postcode", "邮编"),
    ("phone", "电话"),
    ("website", "网址"),
    ("editorial_address", "编辑部地址"),
    ("editorial_postcode", "编辑部邮编"),
    ("editorial_phone", "编辑部电话"),
    ("editors", "责任编辑"),
)


def write_files(folder: Path, files: dict[str, str]) -> list[Path]:
    """Write ``{name: text}`` into ``folder`` (created if needed); return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def publication_toml(publication: Publication) -> str:
    colophon = publication.colophon
    lines = [
        f"title = {toml_value(publication.title)}",
        f"publisher = {toml_value(publication.publisher)}",
        f"layout = {toml_value(publication.layout)}",
        "",
        "[colophon]",
    ]
    for name, label in COLOPHON_FIELDS:
        value = getattr(colophon, name)
        if name == "editors":
            value = list(value)
        lines.append(f"{name} = {toml_value(value)}  # {label}")
    return "\n".join(lines) + "\n"


def issue_files(issue: Issue, *, note: str = "") -> dict[str, str]:
    """issue.toml plus one NN.md per article, numbered in reading order: {name: text}."""
    files = {"issue.toml": issue_toml(issue, note=note)}
    articles = issue.articles
    width = max(2, len(str(len(articles))))
    for number, article in enumerate(articles, start=1):
        files[f"{number:0{width}d}.md"] = article_markdown(article)
    return files


def issue_toml(issue: Issue, *, note: str = "") -> str:
    lines = [f"# {line}" for line in note.splitlines()]
    lines += [
        f"year = {toml_value(issue.year)}",
        f"number = {toml_value(issue.number)}",
        f"cumulative = {toml_value(issue.cumulative)}",
        f"date = {toml_value(issue.date)}",
    ]
    if issue.editors:
        lines.append(f"editors = {toml_value(list(issue.editors))}  # 责任编辑, this issue only")
    for section in issue.sections:
        lines += ["", "[[sections]]", f"title = {toml_value(section.title)}"]
        if section.subtitle:
            lines.append(f"subtitle = {toml_value(section.subtitle)}")
    return "\n".join(lines) + "\n"


def article_markdown(article: Article) -> str:
    title = list(article.title_lines) if article.title_lines else article.title
    meta = [f"section = {toml_value(article.section)}", f"title = {toml_value(title)}"]
    if article.lead:
        meta.append(f"lead = {toml_value(article.lead)}")
    if article.credit:
        meta.append(f"credit = {toml_value(article.credit)}")
    body = []
    for block in article.blocks:
        if isinstance(block, Subhead):
            body.append("## " + escape_markdown(block.text, heading=True))
        elif isinstance(block, Paragraph) and block.emphasis:
            body.append(emphasised_markdown(block))
        elif isinstance(block, Paragraph):
            body.append(escape_markdown(block.text))
        elif isinstance(block, Figure):
            body.append(figure_markdown(block))
        elif isinstance(block, Table):
            body.append(table_markdown(block))
        elif isinstance(block, Notes):
            body.append(notes_markdown(block))
        elif isinstance(block, ItemList):
            body.append(list_markdown(block))
    return "+++\n" + "\n".join(meta) + "\n+++\n\n" + "\n\n".join(body) + "\n"


def figure_markdown(figure: Figure) -> str:
    """``![图注](file){width=…}``; ``figure.path`` is relative to the issue folder."""
    caption = escape_markdown(figure.caption) if figure.caption else ""
    width = f"{{width={figure.width}}}" if figure.width else ""
    return f"![{caption}]({figure.path.as_posix()}){width}"


def emphasised_markdown(paragraph: Paragraph) -> str:
    """A paragraph with its emphasised stretches between ``**`` (docs/content-format.md)."""
    segments = paragraph.segments()
    parts = []
    for text, strong in segments:
        escaped = as_references(_ENTITY.sub(r"\\&", _INLINE_SPECIAL.sub(r"\\\1", text)))
        parts.append(f"**{escaped}**" if strong else escaped)
    line = "".join(parts)
    return line if segments[0][1] else _BLOCK_START.sub(_escape_block_start, line)


def notes_markdown(block: Notes) -> str:
    """``[^1]: text`` per note, numbered as their references are (importer/wordnotes.py)."""
    return "\n".join(
        f"[^{number}]: {escape_markdown(item.text)}"
        for number, item in enumerate(block.items, start=1)
    )


def list_markdown(block: ItemList) -> str:
    """One line per item, the enumerator as printed, in one paragraph (docs/content-format.md,
    "列表"). No space follows the enumerator, so that no line starts a CommonMark list
    (``- a`` or ``1. a`` would end the paragraph before it), except where the text
    starts with a digit or a dash and would otherwise run into the enumerator."""
    lines = []
    for item in block.items:
        text = _INLINE_SPECIAL.sub(r"\\\1", item.text)
        text = as_references(_ENTITY.sub(r"\\&", text))
        space = " " if item.text[:1].isdigit() or item.text.startswith("-") else ""
        lines.append(item.marker + space + text)
    return "\n".join(lines)


DELIMITERS = {"left": ":---", "center": ":---:", "right": "---:", "": "---"}


def table_markdown(table: Table) -> str:
    """A GFM pipe table, then its ``Table:`` caption after a blank line; every header row
    above the ``|---|`` line and merged cells as ``<`` and ``^`` (content/spans.py)."""
    rows = [_table_row(table, n, row) for n, row in enumerate(table.grid)]
    heads = len(table.header_rows)
    delimiter = "| " + " | ".join(DELIMITERS[a] for a in table.align) + " |"
    lines = [*rows[:heads], delimiter, *rows[heads:]]
    if table.caption:
        lines += ["", "Table: " + escape_markdown(table.caption)]
    return "\n".join(lines)


def _table_row(table: Table, row: int, cells: tuple[str, ...]) -> str:
    written = [_table_cell(table, row, column, cell) for column, cell in enumerate(cells)]
    return "| " + " | ".join(written) + " |"


def _table_cell(table: Table, row: int, column: int, cell: str) -> str:
    """``<`` for a cell merged into the one on its left, ``^`` into the one above; a cell
    that is ``<`` or ``^`` as text is escaped; a cell's lines are joined with ``<br>``
    (a ``<`` typed as text is escaped, so only these break a line)."""
    if table.covered(row, column):
        span = next(s for s in table.spans if s.covers(row, column))
        return "<" if row == span.row else "^"
    if cell in ("<", "^"):
        return "\\" + cell
    lines = (escape_markdown(line, line_start=False) for line in cell_lines(cell))
    return CELL_BREAK_MARKUP.join(lines).replace("|", "\\|") if cell else ""


# --- TOML values -------------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_TOML_ESCAPES["\r"] = "\\r"


def toml_value(value: str | int | dt.date | list[str]) -> str:
    """One TOML value: basic string, integer, local date or array of strings."""
    if isinstance(value, bool):
        raise TypeError("booleans are not used in the content format")
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_string(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# --- Markdown text -----------------------------------------------------------------------

# Inline syntax anywhere in a line: emphasis, code, links, autolinks, escapes.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
# "&amp;" or "&#12;" would be decoded as a character reference.
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# Block syntax that only counts at the start of a line: headings, quotes, lists,
# thematic breaks, fences. Escaping the first character disarms all of them.
_BLOCK_START = re.compile(r"^([#>+\-=~])|^(\d{1,9})([.)])")


def escape_markdown(text: str, *, heading: bool = False, line_start: bool = True) -> str:
    """Escape ``text`` so that CommonMark reads it back as exactly ``text``.

    Only characters that would otherwise be read as markup are escaped, so the
    Chinese text in the file stays as readable as the page. ``text`` is one
    line (a paragraph or a subhead) without surrounding whitespace; a table cell's
    text does not start a line (``line_start`` false): ``51.3`` needs no escape there.
    """
    if text != text.strip() or "\n" in text or "\r" in text:
        raise ValueError(f"a paragraph is one stripped line, got {text!r}")
    escaped = _INLINE_SPECIAL.sub(r"\\\1", text)
    escaped = _ENTITY.sub(r"\\&", escaped)
    if line_start:
        escaped = _BLOCK_START.sub(_escape_block_start, escaped)
    escaped = as_references(escaped)
    if heading:
        # A run of # at the end of a heading line is a closing sequence, not text.
        escaped = re.sub(r"(?<!\\)#", r"\\#", escaped)
    return escaped


def _escape_block_start(match: re.Match) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\" + match.group(3)
