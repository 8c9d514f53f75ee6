"""Notes (注释, issue 25): ``[^1]`` in the text, ``[^1]: …`` for the note's own text.

The syntax is Pandoc's footnotes, read by mdit-py-plugins' footnote plugin (its inline
``^[…]`` form is off: one way to write a note is enough). A reference prints as the
note's number, a circled digit ① ② ③ in the order the references first appear,
whatever the labels are; the notes print after the article's last block, before its
credit, each on its own line under 注释 (``model.Notes``).

Circled digits rather than [1]: a bulletin has notes, not a bibliography — [1] is the
GB/T 7714 reference mark of academic papers — and ① is the mark Chinese periodicals use
for 注释; it is also one character, so it sets in the line as any Han character does.
"""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.model import ListItem, Notes, Source

MARKS = tuple(chr(0x2460 + n) for n in range(20))  # ① … ⑳


def use_notes(parser: MarkdownIt) -> MarkdownIt:
    return parser.use(footnote_plugin).disable("footnote_inline")


def mark(note_id: int, path: Path, line: int) -> str:
    """The mark the ``note_id``-th note (0-based, in order of reference) prints as."""
    if note_id >= len(MARKS):
        raise ContentError(
            _(
                "an article may have at most {count} notes (① … ⑳): fold the others into the text"
            ).format(count=len(MARKS)),
            path,
            line,
        )
    return MARKS[note_id]


def mark_references(tokens: list, path: Path, first_line: int) -> None:
    """Give every reference its mark as its text, wherever it stands (a caption, a table
    cell), so that whatever reads a token's text prints it."""
    for token in tokens:
        line = first_line + (token.map[0] if token.map else 0)
        for child in _descendants(token.children or []):
            if child.type == "footnote_ref":
                child.content = mark(child.meta["id"], path, line)


def _descendants(children: list):
    for child in children:
        yield child
        yield from _descendants(child.children or [])


def read_notes(tokens: list, index: int, parse_inline, body: str, path: Path, first_line: int):
    """The notes of the ``footnote_block_open`` at ``tokens[index]``."""
    items: list = []
    texts: list[str] = []
    note_id = 0
    for token in tokens[index + 1 :]:
        if token.type == "footnote_open":
            texts, note_id = [], token.meta["id"]
        elif token.type == "inline":
            texts.append(token.content)
        elif token.type == "footnote_close":
            label = tokens_label(tokens, note_id)
            line = _definition_line(body, label, first_line)
            text = parse_inline("\n".join(texts))
            items.append(ListItem(mark(note_id, path, line), text, Source(path, line)))
    return Notes(tuple(items), items[0].source) if items else None


def tokens_label(tokens: list, note_id: int) -> str:
    for token in tokens:
        if token.type == "footnote_open" and token.meta["id"] == note_id:
            return token.meta["label"]
    return ""


def refuse_unreferenced(env: dict, body: str, path: Path, first_line: int) -> None:
    """A note nothing refers to would be dropped by the parser: say so instead."""
    for key, note_id in env.get("footnotes", {}).get("refs", {}).items():
        if note_id < 0:
            label = key.removeprefix(":")
            raise ContentError(
                _(
                    "the note [^{label}] is never referred to: put [^{label}] in the text where "
                    "its mark should print, or delete the note"
                ).format(label=label),
                path,
                _definition_line(body, label, first_line),
            )


def _definition_line(body: str, label: str, first_line: int) -> int:
    for number, line in enumerate(body.split("\n")):
        if line.lstrip().startswith(f"[^{label}]:"):
            return first_line + number
    return first_line
