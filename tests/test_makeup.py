"""Page make-up decisions (typeset/makeup.py), called without WeasyPrint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compositor.typeset.makeup import (
    FIXED,
    KINDS,
    Gap,
    gap_kind,
    plan_flush_bottom,
    plan_tightening,
)


def gaps(*kinds: str, lines: int = 1, minimum: int = 0) -> list[Gap]:
    return [Gap(kind, lines, minimum) for kind in kinds]


def test_a_full_page_gets_nothing():
    plan = plan_flush_bottom(0, gaps("before-title", "after-title"))
    assert plan.added == (0, 0) and plan.short == 0 and plan.reason == ""


def test_space_goes_between_articles_first_then_above_subheads_then_around_figures():
    kinds = ("after-title", "before-figure", "before-subhead", "before-title", "after-figure")
    assert plan_flush_bottom(1, gaps(*kinds)).added == (0, 0, 0, 1, 0)
    assert plan_flush_bottom(2, gaps(*kinds)).added == (0, 0, 1, 1, 0)
    assert plan_flush_bottom(4, gaps(*kinds)).added == (0, 1, 1, 1, 1)


def test_one_line_goes_to_the_middle_gap_not_the_first():
    plan = plan_flush_bottom(1, gaps("before-title", "before-title", "before-title"))
    assert plan.added == (0, 1, 0)


def test_never_after_a_heading_or_before_a_credit():
    """A title, lead or subhead stays with the text it heads, a credit with its article."""
    plan = plan_flush_bottom(
        2, gaps("after-banner", "after-title", "after-subhead", "before-credit")
    )
    assert plan.added == (0, 0, 0, 0) and plan.short == 2


def test_at_most_one_line_at_a_gap_unless_the_layout_allows_more():
    assert plan_flush_bottom(2, gaps("before-title", "before-subhead")).added == (1, 1)
    assert plan_flush_bottom(3, gaps("before-title"), max_per_gap=3).added == (3,)


def test_a_page_the_rules_cannot_fill_keeps_its_spacing_and_says_why():
    """Spacing only some gaps of a page that stays short anyway would make them differ
    from the same gaps elsewhere: its slack stays at the foot, with the reason."""
    plan = plan_flush_bottom(3, gaps("before-title", "before-subhead", "before-credit"))
    assert plan.added == (0, 0, 0) and plan.short == 3
    assert "3 lines short" in plan.reason and "at most 1" in plan.reason
    bare = plan_flush_bottom(2, gaps("after-title"))
    assert bare.short == 2 and "no gap above a title, banner or subhead" in bare.reason


@given(
    slack=st.integers(0, 30),
    kinds=st.lists(st.sampled_from(KINDS), max_size=12),
    limit=st.integers(1, 3),
)
def test_whole_lines_are_conserved_and_bounded(slack, kinds, limit):
    plan = plan_flush_bottom(slack, gaps(*kinds), max_per_gap=limit)
    assert sum(plan.added) + plan.short == slack
    assert all(0 <= added <= limit for added in plan.added)
    assert all(added == 0 for added, kind in zip(plan.added, kinds, strict=True) if kind in FIXED)
    room = limit * sum(1 for kind in kinds if kind not in FIXED)
    assert plan.short == (0 if slack <= room else slack)  # filled, or left as it was
    assert bool(plan.reason) == bool(plan.short)


def test_negative_slack_is_a_bug():
    with pytest.raises(ValueError):
        plan_flush_bottom(-1, [])


def test_tightening_stops_at_the_minimum_and_at_the_limit():
    page = [Gap("before-title", 2, 1), Gap("after-banner", 1, 0), Gap("before-title", 1, 1)]
    assert plan_tightening(0, page) == (0, 0, 0)
    assert plan_tightening(1, page) == (0, 1, 0)  # from the foot of the page up
    assert plan_tightening(2, page) == (1, 1, 0)
    assert plan_tightening(3, page) is None  # only 2 lines above the minimums
    roomy = [Gap("before-title", 5, 0)] * 3
    assert plan_tightening(3, roomy) == (1, 1, 1)
    assert plan_tightening(4, roomy) is None  # more than the 3 lines copyfitting may win
    assert plan_tightening(4, roomy, limit=4) == (1, 1, 2)


def test_gap_kinds():
    assert gap_kind(None, None) is None  # between paragraphs: never
    assert gap_kind(None, "title") == "before-title"
    assert gap_kind("credit", "title") == "before-title"
    assert gap_kind("title", "lead") is None  # a title and its lead stay together
    assert gap_kind("lead", None) == "after-title"
    assert gap_kind("title", None) == "after-title"
    assert gap_kind("banner", "title") == "after-banner"
    assert gap_kind("credit", "banner") == "before-banner"
    assert gap_kind(None, "subhead") == "before-subhead"
    assert gap_kind("subhead", None) == "after-subhead"
    assert gap_kind(None, "credit") == "before-credit"
    assert gap_kind(None, "colophon-space") is None
    assert gap_kind(None, "block") == "before-figure"  # around figures and tables
    assert gap_kind("table", None) == "after-figure"
    assert gap_kind("subhead", "table") == "after-subhead"  # a subhead heads its table too


def test_the_layout_may_let_the_gaps_between_articles_take_more():
    limits = {"before-title": 2}
    plan = plan_flush_bottom(3, gaps("before-title", "before-subhead"), 1, limits)
    assert plan.added == (2, 1) and plan.short == 0
    plan = plan_flush_bottom(4, gaps("before-title", "before-subhead"), 1, limits)
    assert plan.added == (0, 0) and plan.short == 4 and plan.unplaced == 1
    assert "can take 3 (at most 2 each)" in plan.reason
