"""Page make-up (版面) decisions: where a short page's slack goes, and whether the
colophon can share the last text page. Pure functions on plain numbers: the seam
(``weasy_seam.page_makeup``) measures WeasyPrint's laid-out pages into these
dataclasses and applies the plans; tests call them without WeasyPrint.

Everything on a page occupies whole lines of the line grid (the layout's CSS and
the seam's block snapping see to that), so a short page is short by whole lines.
Those lines go into the gaps before and after titles, banners, subheads and credits
(齐底), in whole lines, at most ``max_per_gap`` at any one gap; never inside a
paragraph and never by changing the line spacing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Gap kinds, from the make-up's point of view. Space goes first where a reader expects
# a pause (before a heading: a new section, article or subsection), then after one.
BEFORE = ("before-banner", "before-title", "before-subhead")
AFTER = ("after-banner", "after-title", "after-subhead", "before-credit")
KINDS = BEFORE + AFTER
# What a block is to the make-up (layout.toml [grid] blocks maps CSS classes to these).
# "block": any other block (a figure, a table) that must take whole lines, no more.
ROLES = ("banner", "title", "lead", "subhead", "credit", "block", "colophon", "colophon-space")


@dataclass(frozen=True)
class Gap:
    """A place between two blocks of one page where whole lines of space may go."""

    kind: str  # one of KINDS
    lines: int = 0  # the space there now, in grid lines
    minimum: int = 0  # the layout's minimum spacing there, in grid lines


@dataclass(frozen=True)
class FillPlan:
    """Lines added at each gap of a page (same order as the gaps), and what is left."""

    added: tuple[int, ...]
    short: int  # lines the page still ends above the last grid line
    reason: str  # why it is short ("" when it is not)


def plan_flush_bottom(slack: int, gaps: Sequence[Gap], max_per_gap: int = 2) -> FillPlan:
    """Spread ``slack`` whole lines over the page's ``gaps`` so its last line lands on
    the last grid line.

    Gaps before headings are filled first, then gaps after them; within each group one
    line at a time, round the gaps, spread evenly down the page, each gap taking at
    most ``max_per_gap`` lines.
    """
    if slack < 0:
        raise ValueError(f"slack must not be negative, got {slack}")
    added = [0] * len(gaps)
    left = slack
    for group in (BEFORE, AFTER):
        members = [index for index, gap in enumerate(gaps) if gap.kind in group]
        for _ in range(max_per_gap):
            if left == 0 or not members:
                break
            for index in _evenly(members, min(left, len(members))):
                added[index] += 1
                left -= 1
    reason = ""
    if left:
        if not gaps:
            reason = f"{_lines(left)} short: no title, banner, subhead or credit to space out"
        else:
            reason = (
                f"{_lines(left)} short: its {len(gaps)} gap(s) took "
                f"{slack - left} of {_lines(slack)} (at most {max_per_gap} each)"
            )
    return FillPlan(tuple(added), left, reason)


def plan_tightening(needed: int, gaps: Sequence[Gap], limit: int = 3) -> tuple[int, ...] | None:
    """Lines to take out of each gap to win ``needed`` lines, or ``None`` when that
    needs more than ``limit`` lines or more than the gaps can give (a gap never goes
    below its ``minimum``). Taken from the bottom of the page upwards, one line per gap
    per round, so the tightening spreads."""
    if needed <= 0:
        return tuple(0 for _ in gaps)
    spare = [max(gap.lines - gap.minimum, 0) for gap in gaps]
    if needed > limit or needed > sum(spare):
        return None
    taken = [0] * len(gaps)
    left = needed
    while left:
        for index in reversed(range(len(gaps))):
            if left and taken[index] < spare[index]:
                taken[index] += 1
                left -= 1
    return tuple(taken)


def gap_kind(above: str | None, below: str | None) -> str | None:
    """The kind of the gap between a block of role ``above`` and one of role ``below``
    (roles as in ``ROLES``; ``None`` for body text), or ``None`` when no space may go
    there (inside an article's text, between a title and its lead, before the colophon).
    """
    if below in ("colophon", "colophon-space") or above is None and below is None:
        return None
    if above == "banner":
        return "after-banner"
    if below == "banner":
        return "before-banner"
    if above == "title" and below == "lead":
        return None
    if above in ("title", "lead"):
        return "after-title"
    if below == "title":
        return "before-title"
    if below == "subhead":
        return "before-subhead"
    if above == "subhead":
        return "after-subhead"
    if below == "credit":
        return "before-credit"
    if above == "credit":
        return "before-title"  # a credit ends an article: the next one starts below
    return None


def _evenly(members: list[int], count: int) -> list[int]:
    """``count`` of ``members`` spread evenly through the list (all of them when equal)."""
    step = len(members) / count
    return [members[int((k + 0.5) * step)] for k in range(count)]


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


__all__ = ["KINDS", "ROLES", "FillPlan", "Gap", "gap_kind", "plan_flush_bottom", "plan_tightening"]
