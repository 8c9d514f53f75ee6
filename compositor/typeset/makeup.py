"""Page make-up (版面) decisions: where a short page's slack goes, and whether the
colophon can share the last text page. Pure functions on plain numbers: the seam
(``weasy.makeup.page_makeup``) measures WeasyPrint's laid-out pages into these
dataclasses and applies the plans; tests call them without WeasyPrint.

Everything on a page occupies whole lines of the line grid (the layout's CSS and
the seam's block snapping see to that), so a short page is short by whole lines.
Those lines go where a typesetter puts them (齐底): above banners, titles and
subheads, between articles, and around figures and tables; in whole lines, at most
``max_per_gap`` at any one gap. Never between a title, lead, subhead or caption and
the text it heads, never between an article's last line and its credit, never inside
a paragraph, list or table, and never by changing the line spacing. A page that
cannot be filled within those rules is left short, its slack at the foot, and the
reason is recorded for preflight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from compositor.layout.roles import FIXED, KINDS, ROLES, SPACED

FLOATS = ("block", "table")


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
    unplaced: int = 0  # of its slack, the lines its gaps could not take


def plan_flush_bottom(
    slack: int, gaps: Sequence[Gap], max_per_gap: int = 1, limits: Mapping[str, int] | None = None
) -> FillPlan:
    """Spread ``slack`` whole lines over the page's ``gaps`` so its last line lands on
    the last grid line.

    Only gaps of the ``SPACED`` kinds take lines: one line per round, each round
    opening the groups in order (between articles, above subheads, around figures),
    spread evenly down the page within a group; a gap takes at most ``max_per_gap``
    lines, or its kind's own limit in ``limits``. When they cannot take every line,
    nothing is added: the page is left short, its slack at the foot.
    """
    if slack < 0:
        raise ValueError(f"slack must not be negative, got {slack}")
    limits = limits or {}
    most = [limits.get(gap.kind, max_per_gap) for gap in gaps]
    added = [0] * len(gaps)
    left = slack
    for round_ in range(max(most, default=0)):
        for group in SPACED:
            members = [n for n, gap in enumerate(gaps) if gap.kind in group and most[n] > round_]
            if left and members:
                for index in _evenly(members, min(left, len(members))):
                    added[index] += 1
                    left -= 1
    if not left:
        return FillPlan(tuple(added), 0, "")
    # A page the rules cannot fill keeps its spacing and its slack at the foot: spacing
    # some of its gaps would only make them differ from the same gaps on full pages.
    open_gaps = sum(1 for gap in gaps if gap.kind not in FIXED)
    if not open_gaps:
        reason = (
            f"{_lines(slack)} short: no gap above a title, banner or subhead, "
            "between articles or around a figure or table to space out"
        )
    else:
        reason = (
            f"{_lines(slack)} short: its {open_gaps} gap(s) above headings and around "
            f"figures can take {slack - left} (at most {max(most)} each)"
        )
    return FillPlan(tuple(0 for _ in gaps), slack, reason, left)


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
    if below in FLOATS:
        return "before-figure"
    if above in FLOATS:
        return "after-figure"
    return None


def _evenly(members: list[int], count: int) -> list[int]:
    """``count`` of ``members`` spread evenly through the list (all of them when equal)."""
    step = len(members) / count
    return [members[int((k + 0.5) * step)] for k in range(count)]


def _lines(count: int) -> str:
    return f"{count} line" if count == 1 else f"{count} lines"


__all__ = [
    "FIXED",
    "KINDS",
    "ROLES",
    "SPACED",
    "FillPlan",
    "Gap",
    "gap_kind",
    "plan_flush_bottom",
    "plan_tightening",
]
