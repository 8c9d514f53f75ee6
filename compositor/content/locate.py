"""Where things are in an editor's files: line and column of TOML keys, values and text.

``compositor check`` points every finding at a ``file:line:column`` an editor's
text editor can jump to. The TOML parser forgets positions, so this module scans
the lines itself. It only needs to understand what the content format uses:
``[table]`` and ``[[array]]`` headers, ``key = value`` lines, basic and literal
strings and comments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from compositor.content.blocks import CAPTION_PREFIX, CELL_BREAK

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]")
_KEY = re.compile(r"^\s*\"?([A-Za-z0-9_\-]+)\"?\s*=\s*")


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in characters


@dataclass(frozen=True)
class Span:
    """A piece of text that will be printed, and where its first character is."""

    path: Path
    line: int
    column: int
    text: str
    # Where each character of ``text`` starts in the line, from ``column`` (and where the
    # text ends, last): a TOML escape such as \" is two characters typed for one printed.
    # None when every character is typed as printed.
    offsets: tuple[int, ...] | None = None

    def position_of(self, index: int) -> Position:
        return Position(self.line, self.column + self.offset(index))

    def offset(self, index: int) -> int:
        return index if self.offsets is None else self.offsets[index]


class TomlLines:
    """Positions of the tables, keys and strings of one TOML text.

    ``first_line`` is the file line of the text's first line (an article's front
    matter starts on line 2). Tables are named as in the header and counted:
    ``("sections", 2)`` is the third ``[[sections]]``; top-level keys are in ``("", 0)``.
    """

    def __init__(self, path: Path, lines: list[str], first_line: int = 1) -> None:
        self.path = path
        self.lines = lines
        self.first_line = first_line
        self._tables: dict[tuple[str, int], Position] = {}
        self._keys: dict[tuple[str, int, str], tuple[Position, Position]] = {}
        self._scan()

    def _scan(self) -> None:
        table: tuple[str, int] = ("", 0)
        seen: dict[str, int] = {}
        for number, text in enumerate(self.lines, start=self.first_line):
            header = _HEADER.match(text)
            if header:
                name = header[2]
                table = (name, seen.get(name, 0))
                seen[name] = table[1] + 1
                self._tables[table] = Position(number, header.start(1) + 1)
                continue
            key = _KEY.match(text)
            if key:
                where = (Position(number, key.start(1) + 1), Position(number, key.end() + 1))
                self._keys.setdefault((*table, key[1]), where)

    def table(self, name: str = "", index: int = 0) -> Position:
        """The header of a table, or the first line for the top level."""
        return self._tables.get((name, index), Position(self.first_line, 1))

    def key(self, key: str, table: str = "", index: int = 0) -> Position:
        """Where ``key`` is written in the table; its table's header if it is not there."""
        found = self._keys.get((table, index, key))
        return found[0] if found else self.table(table, index)

    def value(self, key: str, table: str = "", index: int = 0) -> Position:
        """Where the value of ``key`` starts, after the ``=``."""
        found = self._keys.get((table, index, key))
        return found[1] if found else self.table(table, index)

    def strings(self) -> Iterator[Span]:
        """The contents of every string literal, outside comments."""
        for number, text in enumerate(self.lines, start=self.first_line):
            for start, content in string_literals(text):
                if text[start - 1] == '"' and "\\" in content:
                    printed, offsets = decode_basic_string(content)
                    yield Span(self.path, number, start + 1, printed, offsets)
                else:
                    yield Span(self.path, number, start + 1, content)


# TOML's escapes in a basic string ("…"): \" \\ \b \t \n \f \r \e, \uXXXX, \UXXXXXXXX.
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_SIMPLE_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", "e": "\x1b"}


def decode_basic_string(raw: str) -> tuple[str, tuple[int, ...]]:
    """The printed text of a basic string's content, and where each of its characters
    starts in ``raw`` (then ``len(raw)``)."""
    printed: list[str] = []
    offsets: list[int] = []
    index = 0
    for match in _ESCAPE.finditer(raw):
        for position in range(index, match.start()):
            printed.append(raw[position])
            offsets.append(position)
        escape = match[0][1:]
        if escape[0] in "uU":
            printed.append(chr(int(escape[1:], 16)))
        else:
            printed.append(_SIMPLE_ESCAPES.get(escape, escape))
        offsets.append(match.start())
        index = match.end()
    for position in range(index, len(raw)):
        printed.append(raw[position])
        offsets.append(position)
    offsets.append(len(raw))
    return "".join(printed), tuple(offsets)


def string_literals(line: str) -> list[tuple[int, str]]:
    """(index of the first character inside the quotes, raw content) of each string on a line.

    Escapes are left as typed, so indices into the content are columns in the file.
    """
    found = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "#":
            break
        if char in "\"'":
            end = _closing_quote(line, index)
            found.append((index + 1, line[index + 1 : end]))
            index = end + 1
            continue
        index += 1
    return found


def _closing_quote(line: str, opening: int) -> int:
    quote = line[opening]
    index = opening + 1
    while index < len(line):
        if quote == '"' and line[index] == "\\":
            index += 2
            continue
        if line[index] == quote:
            return index
        index += 1
    return len(line)


# An HTML entity as Markdown reads it (&amp; &#38; &#x26;): printed as one character.
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


# A note's definition (content/notes.py): its label, colon and the spaces after them.
NOTE_DEFINITION = re.compile(r" {0,3}\[\^[^\]\s]+\]:[ \t]*")


def markdown_spans(path: Path, lines: list[str], first_line: int) -> Iterator[Span]:
    """Each body line of an article from ``first_line`` on (every character is printed,
    apart from Markdown's own marks, which are ASCII). An entity such as ``&amp;`` is
    masked as ``&`` repeated to its length, so its ``;`` is not taken for punctuation
    while columns stay those of the file."""
    for number in range(first_line, len(lines) + 1):
        text = lines[number - 1]
        if text.lstrip().startswith("|"):  # a table row: each cell is text, the | are markup
            for cell in re.finditer(r"[^|]+", text):
                yield from _cell_spans(path, number, cell.start(), cell[0])
        elif text.startswith(CAPTION_PREFIX):  # Pandoc's "Table:" is markup, not text
            caption = _ENTITY.sub(lambda m: "&" * len(m[0]), text[len(CAPTION_PREFIX) :])
            yield Span(path, number, len(CAPTION_PREFIX) + 1, caption)
        elif note := NOTE_DEFINITION.match(text):  # "[^1]: " is markup; the note is text
            masked = _ENTITY.sub(lambda m: "&" * len(m[0]), text[note.end() :])
            yield Span(path, number, note.end() + 1, masked)
        elif text.strip():
            masked = _ENTITY.sub(lambda m: "&" * len(m[0]), text)
            yield Span(path, number, 1, masked)


def _cell_spans(path: Path, number: int, start: int, cell: str) -> Iterator[Span]:
    """A table cell's lines (its ``<br>`` are markup, content/blocks.py), each a span of
    its own, stripped as the cell reader strips it; ``start`` is where the cell begins."""
    edges = [0, *(n for m in _cell_breaks(cell) for n in m.span()), len(cell)]
    for begin, end in zip(edges[::2], edges[1::2], strict=True):
        stripped = cell[begin:end].strip()
        if stripped:
            column = start + begin + cell[begin:end].index(stripped) + 1
            masked = _ENTITY.sub(lambda m: "&" * len(m[0]), stripped)
            yield Span(path, number, column, masked)


def _cell_breaks(cell: str) -> Iterator[re.Match]:
    """The ``<br>`` in a cell's source that break it: not one escaped as ``\\<br>``."""
    for found in CELL_BREAK.finditer(cell):
        backslashes = len(cell[: found.start()]) - len(cell[: found.start()].rstrip("\\"))
        if backslashes % 2 == 0:
            yield found


def column_of(path: Path, line: int, needle: str) -> int:
    """1-based column of ``needle`` on a line of a file; 1 if it cannot be found."""
    try:
        text = path.read_text(encoding="utf-8-sig").split("\n")[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return 1
    index = text.find(needle)
    return index + 1 if index >= 0 else 1
