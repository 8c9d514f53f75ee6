"""Chinese typesetting stage: model in, model out (text normalised for print).

``typeset_issue`` is the stage's entry point. It applies the one normaliser
(``text.normalize.normalize_field``) to every text the layout will set — ASCII
punctuation in Chinese context becomes full-width, stray spaces and line breaks go,
marks the layout prints itself (its [marks], given as ``marks``: 【】, ——, （供稿：…）
in the torch layout) are not printed twice — so the
PDF never carries what ``compositor check`` warns about. Source positions stay intact
so that reports still point at the editor's file.
Spacing, compression and justification themselves happen during line layout,
in ``compositor.weasy``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from compositor.model import (
    CELL_LINE_BREAK,
    Article,
    Block,
    Figure,
    Issue,
    ItemList,
    ListItem,
    Paragraph,
    Table,
    cell_lines,
)
from compositor.text.normalize import normalize_field, normalize_item


def normalize_text(text: str, kind: str = "text", marks: Mapping[str, str] | None = None) -> str:
    return normalize_field(kind, text, marks or {})


def typeset_issue(issue: Issue, marks: Mapping[str, str]) -> Issue:
    """``issue`` as it prints, in a layout whose [marks] are ``marks``."""
    sections = tuple(
        dataclasses.replace(
            section,
            title=normalize_text(section.title, "section", marks),
            subtitle=normalize_text(section.subtitle, "subtitle", marks),
            articles=tuple(_typeset_article(a, marks) for a in section.articles),
        )
        for section in issue.sections
    )
    return dataclasses.replace(issue, sections=sections)


def _typeset_article(article: Article, marks: Mapping[str, str]) -> Article:
    return dataclasses.replace(
        article,
        title=normalize_text(article.title),
        title_lines=tuple(normalize_text(line) for line in article.title_lines),
        lead=normalize_text(article.lead),
        credit=normalize_text(article.credit, "credit", marks),
        blocks=tuple(_typeset_block(b) for b in article.blocks),
    )


def _typeset_block(block: Block) -> Block:
    if isinstance(block, Figure):
        return dataclasses.replace(block, caption=normalize_text(block.caption))
    if isinstance(block, Table):
        return dataclasses.replace(
            block,
            caption=normalize_text(block.caption),
            header=tuple(_normalize_cell(cell) for cell in block.header),
            rows=tuple(tuple(_normalize_cell(cell) for cell in row) for row in block.rows),
            lower_header=tuple(
                tuple(_normalize_cell(cell) for cell in row) for row in block.lower_header
            ),
        )
    if isinstance(block, ItemList):
        return dataclasses.replace(block, items=tuple(_typeset_item(i) for i in block.items))
    if isinstance(block, Paragraph) and (block.emphasis or block.references):
        text = normalize_text(block.text)
        marks = tuple((at, at + 1) for at in block.references)  # each mark one character
        return dataclasses.replace(
            block,
            text=text,
            emphasis=_moved_ranges(block.text, text, block.emphasis),
            references=tuple(at for at, _ in _moved_ranges(block.text, text, marks)),
        )
    return dataclasses.replace(block, text=normalize_text(block.text))


def _normalize_cell(cell: str) -> str:
    """A table cell, each of its lines normalised on its own: the normaliser takes line
    breaks for stray ones and would join the lines."""
    return CELL_LINE_BREAK.join(normalize_text(line) for line in cell_lines(cell))


def _moved_ranges(before: str, after: str, ranges: tuple) -> tuple[tuple[int, int], ...]:
    """Ranges of ``before`` (emphasis, note marks) as indices into its normalised ``after``. The
    normaliser changes characters one for one and removes only spaces (no line breaks are
    left in a paragraph), so each character of ``before`` maps to one of ``after`` or to a
    removed space."""
    position, at = [], 0
    for char in before:
        position.append(at)
        if at < len(after) and (not char.isspace() or after[at].isspace()):
            at += 1
    position.append(at)
    moved = ((position[start], position[end]) for start, end in ranges)
    return tuple((start, end) for start, end in moved if start < end)


def _typeset_item(item: ListItem) -> ListItem:
    marker, text = normalize_item(item.marker, item.text)
    return dataclasses.replace(item, marker=marker, text=text)


__all__ = ["typeset_issue", "normalize_text"]
