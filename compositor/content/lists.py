"""Lists in an article body (issue 23): lines typed one per item → ``ItemList``.

content/__init__.py parses the body and asks this module about each paragraph and each
CommonMark list (see docs/content-format.md, "Lists"):

- **Enumerated lines inside a paragraph.** Editors type a list as consecutive lines,
  each starting with an enumerator or bullet — ``1.`` ``1、`` ``1)`` ``(1)`` ``（1）``
  ``①`` ``一、`` ``（一）`` ``-`` ``·`` ``•`` — with or without a space after it. Most
  of these are no Markdown (``（一）``, ``一、``, ``①``, ``1、``, and ``1.`` without a
  space), so the paragraph's lines are read here. Two or more such lines make a list;
  one alone is an ordinary paragraph (a numbered subhead typed as ``一、总体情况``).
  Lines before the first item stay a paragraph of their own; a line without an
  enumerator after an item continues that item (an item typed over several lines, as
  CommonMark's lazy continuation); a blank line ends the list.
- **CommonMark lists** (``- a``, ``* a``, ``1. a``, ``1) a``) become the same block;
  nested lists are flattened into it, each item keeping its own marker. A list of one
  numbered item is an ordinary paragraph, exactly as typed: ``1. 总体情况`` or
  ``2022. …`` alone printed as a paragraph before lists existed and still does.

Prose is not misread: an enumerator is followed by no digit (``3.5%``, ``1.2倍``), a
year (``2022年``) has no enumerator's mark, and a bullet dash is no minus sign or dash
(``-5℃``, ``--``). ``*`` and ``+`` are bullets only as CommonMark has them (with a
space): ``*注：…`` is a footnote mark, not a list.

The marker is kept as typed; what is printed for it is the typesetting stage's
business (``text.normalize.printed_marker``: bullets print as one bullet glyph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from compositor.model import ItemList, ListItem, Source

_HAN_NUMBER = "[一二三四五六七八九十]{1,3}"
# ⑴–⒇ and ⒈–⒛ are the parenthesised and full-stop numbers of the same Unicode block.
_CIRCLED = "[\u2460-\u249b]"
ENUMERATOR = re.compile(
    r"\s*(?P<marker>"
    r"\d{1,2}[.．、)）](?!\d)"  # 1.  1、  1)  1）  — never 3.5% or 1.2倍
    rf"|[(（](?:\d{{1,2}}|{_HAN_NUMBER})[)）]"  # (1)  （1）  （一）
    rf"|{_CIRCLED}"  # ①
    rf"|{_HAN_NUMBER}、"  # 一、
    r"|[-·•](?![-\d])"  # - · •, not a minus sign (-5℃) or a dash (--)
    r")\s*"
)
MIN_ITEMS = 2  # one enumerated line alone is a paragraph (a numbered subhead)


def split_enumerator(line: str) -> tuple[str, str] | None:
    """``(marker, text)`` when ``line`` starts an item, the space after the marker
    dropped; None for a line of prose (or an enumerator with nothing after it)."""
    match = ENUMERATOR.match(line)
    if match is None or not line[match.end() :].strip():
        return None
    return match["marker"], line[match.end() :]


@dataclass(frozen=True)
class RawItem:
    """An item as found in a paragraph's source: its marker and its lines, unparsed."""

    marker: str
    text: str  # the item's source text after the marker, lines joined by \n
    line: int  # offset of its first line in the paragraph


@dataclass(frozen=True)
class Split:
    """A paragraph's source split into the prose before a list and the list's items."""

    lead: str  # source lines before the first item ("" when the list starts the paragraph)
    items: tuple[RawItem, ...]  # () when the paragraph is no list


def split_paragraph(content: str, min_items: int = MIN_ITEMS) -> Split:
    """Split a paragraph's source (lines joined by \\n) into prose and items."""
    lines = content.split("\n")
    starts = [index for index, line in enumerate(lines) if split_enumerator(line)]
    if len(starts) < min_items:
        return Split(content, ())
    items = []
    for start, end in zip(starts, [*starts[1:], len(lines)], strict=True):
        split = split_enumerator(lines[start])
        assert split is not None  # starts are the lines that split
        marker, first = split
        items.append(RawItem(marker, "\n".join([first, *lines[start + 1 : end]]), start))
    return Split("\n".join(lines[: starts[0]]), tuple(items))


def paragraph_list(split: Split, parse_inline, article: Path, line: int) -> ItemList:
    """The list of a split paragraph starting on source ``line``; ``parse_inline`` turns
    an item's source into its text (escapes and entities read as in any paragraph)."""
    items = tuple(
        ListItem(raw.marker, parse_inline(raw.text), Source(article, line + raw.line))
        for raw in split.items
    )
    return ItemList(items, items[0].source)


# --- CommonMark lists ----------------------------------------------------------------


@dataclass(frozen=True)
class CommonMarkList:
    """A CommonMark list read from markdown-it's tokens."""

    items: tuple[ListItem, ...]
    end: int  # index of the token after the list's closing token
    ordered: bool


def read_commonmark(
    tokens: list, index: int, parse_inline, article: Path, first_line: int
) -> CommonMarkList:
    """The list whose ``bullet_list_open``/``ordered_list_open`` is ``tokens[index]``.

    Every item's paragraphs join into its text; an item's lines may themselves start
    items the Chinese way (lazy continuation lines ``（1）…`` typed under ``1. …``)."""
    depth, items = 0, []
    position = index
    marker, line = "", 0
    texts: list[tuple[str, int]] = []
    while True:
        token = tokens[position]
        position += 1
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth == 0:
                break
        elif token.type == "list_item_open":
            items.extend(_commonmark_item(marker, texts, parse_inline, article, line))
            marker, line, texts = token.info + token.markup, first_line + token.map[0], []
        elif token.type == "inline":
            texts.append((token.content, first_line + token.map[0]))
    items.extend(_commonmark_item(marker, texts, parse_inline, article, line))
    return CommonMarkList(tuple(items), position, tokens[index].type == "ordered_list_open")


def _commonmark_item(
    marker: str, texts: list[tuple[str, int]], parse_inline, article: Path, line: int
) -> list[ListItem]:
    """One CommonMark item (none before the first ``list_item_open``), and the items
    its lines start the Chinese way when it is one paragraph; an item of several
    paragraphs (a loose list) is one item, its paragraphs joined."""
    if not marker:
        return []
    contents = [text for text, _ in texts]
    own, split, below = "\n".join(contents), Split("", ()), line
    if len(texts) == 1:  # the lines under the item's first may start items of their own
        first, _, rest = contents[0].partition("\n")
        split, below = split_paragraph(rest, min_items=1), texts[0][1] + 1
        own = "\n".join([first, split.lead]) if split.items else contents[0]
    # An empty item (a "-" alone on its line) keeps its marker: nothing typed is lost.
    found = [ListItem(marker, parse_inline(own), Source(article, line))]
    found.extend(
        ListItem(raw.marker, parse_inline(raw.text), Source(article, below + raw.line))
        for raw in split.items
    )
    return found
