"""续表: a table that runs onto the next page is set as parts, each later part headed
"续表" with the header row repeated (CY/T 170: 表格转页接排时，续排的表格上方注明"续表"，
表头应重复排出).

CSS cannot say "only on the pages after the first" for part of a table, so the issue is
laid out once to see where each table breaks: every body row carries an id, and
WeasyPrint's public ``Page.anchors`` tell which page each row landed on. The table is
then cut at those rows (``Table.breaks``) and laid out again; the "续表" line above a
part can push a row further, so this repeats until nothing moves (a few passes at most).
An issue without tables is laid out exactly as before: this module is not used.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from compositor.model import MIN_PART_ROWS, Issue, Table
from compositor.typeset import floats

MAX_PASSES = 10  # each pass settles one more break per table


def has_tables(issue: Issue) -> bool:
    return any(isinstance(b, Table) for a in issue.articles for b in a.blocks)


def row_anchor(table: Table, row: int) -> str:
    """The id of body row ``row`` (0-based) of ``table`` in the HTML."""
    return f"{table.key}-row-{row}"


def settle_layout(
    issue: Issue, layout_pages: Callable[[Issue], list], geometry: tuple[float, float]
) -> Issue:
    """``issue`` with each table's ``breaks`` set where its rows start a new page, and
    figures and tables that would leave a page short let run on or moved after the
    paragraph that follows them (floats.py; ``geometry`` is the text block's bottom and
    a body line, in pt).

    ``layout_pages`` lays out an issue and returns WeasyPrint's pages.
    """
    for _ in range(MAX_PASSES):
        pages = layout_pages(issue)
        found = breaks_on(pages, issue)
        merged = {t.key: next_breaks(t.breaks, found.get(t.key, ())) for t in _tables(issue)}
        if crowded := {t.key for t in _tables(issue) if _part_too_small(t, merged[t.key])}:
            # a short table split to fill a page left a part too few rows: it moves whole
            issue = with_flow(issue, crowded, "moved")
            continue
        pushed = floats.pushed_floats(pages, issue, *geometry)
        flowing = floats.let_flow(issue, pushed)
        if flowing is issue and all(merged[t.key] == t.breaks for t in _tables(issue)):
            return issue
        issue = with_breaks(flowing, merged)
    return issue


def next_breaks(current: tuple[int, ...], found: tuple[int, ...]) -> tuple[int, ...]:
    """The breaks to set next: those before the first new one, and that one. A later
    break was found before the "续表" line above the new part took its room, so it is
    found again in the next pass (kept, it could leave a row alone on a page)."""
    new = [row for row in found if row not in current]
    if not new:
        return current
    first = min(new)
    return (*(row for row in current if row < first), first)


def breaks_on(pages: list, issue: Issue) -> dict[str, tuple[int, ...]]:
    """For each table, the body rows that are the first of theirs on a page (moved up to
    the first row of their row-span group)."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, number)
    found: dict[str, tuple[int, ...]] = {}
    for table in _tables(issue):
        rows = [page_of.get(row_anchor(table, n)) for n in range(len(table.rows))]
        starts = _group_starts(table)
        found[table.key] = tuple(
            dict.fromkeys(
                starts[n]
                for n in range(1, len(rows))
                if rows[n] is not None and rows[n] != rows[n - 1] and starts[n] > 0
            )
        )
    return found


def _group_starts(table: Table) -> list[int]:
    """For each body row, the first row of its group: rows joined by a row span (a
    merged cell) are one group, and a 续表 break before any of them goes before the
    first, so that the merged cell is never cut (a group taller than a page is)."""
    starts = list(range(len(table.rows)))
    for start, end in table.body_groups():
        starts[start:end] = [start] * (end - start)
    return starts


def with_breaks(issue: Issue, breaks: dict[str, tuple[int, ...]]) -> Issue:
    return issue.with_blocks(
        lambda a: tuple(
            dataclasses.replace(b, breaks=breaks[b.key]) if isinstance(b, Table) else b
            for b in a.blocks
        )
    )


def _part_too_small(table: Table, breaks: tuple[int, ...]) -> bool:
    """Whether a short table let run on (flow "split") would have a part of fewer than
    MIN_PART_ROWS body rows: one row under a header is no table."""
    if table.flow != "split" or not breaks:
        return False
    edges = [0, *breaks, len(table.rows)]
    return min(end - start for start, end in zip(edges, edges[1:], strict=False)) < MIN_PART_ROWS


def with_flow(issue: Issue, keys: set[str], flow: str) -> Issue:
    """``issue`` with the tables of ``keys`` set to ``flow``, their breaks cleared."""
    return issue.with_blocks(
        lambda a: tuple(
            dataclasses.replace(b, flow=flow, breaks=())
            if isinstance(b, Table) and b.key in keys
            else b
            for b in a.blocks
        )
    )


def _tables(issue: Issue) -> list[Table]:
    return [b for a in issue.articles for b in a.blocks if isinstance(b, Table)]
