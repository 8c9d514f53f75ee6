"""Page make-up decisions (typeset/makeup.py), called without WeasyPrint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compositor.typeset.makeup import (
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


def test_space_goes_before_headings_first():
    plan = plan_flush_bottom(2, gaps("after-title", "before-title", "before-subhead"))
    assert plan.added == (0, 1, 1)


def test_one_line_goes_to_the_middle_gap_not_the_first():
    plan = plan_flush_bottom(1, gaps("before-title", "before-title", "before-title"))
    assert plan.added == (0, 1, 0)


def test_then_after_headings_and_never_more_than_two_lines_at_a_gap():
    plan = plan_flush_bottom(5, gaps("before-title", "after-title", "before-credit"))
    assert plan.added[0] == 2 and sorted(plan.added[1:]) == [1, 2] and plan.short == 0


def test_a_page_whose_gaps_cannot_take_the_slack_stays_short_and_says_why():
    plan = plan_flush_bottom(3, gaps("before-credit"))
    assert plan.added == (2,) and plan.short == 1
    assert "1 line short" in plan.reason and "at most 2" in plan.reason
    bare = plan_flush_bottom(2, [])
    assert bare.short == 2 and "no title, banner, subhead or credit" in bare.reason


def test_the_gap_limit_is_the_layouts():
    assert plan_flush_bottom(3, gaps("before-title"), max_per_gap=3).added == (3,)


@given(
    slack=st.integers(0, 30),
    kinds=st.lists(st.sampled_from(KINDS), max_size=12),
    limit=st.integers(1, 3),
)
def test_whole_lines_are_conserved_and_bounded(slack, kinds, limit):
    plan = plan_flush_bottom(slack, gaps(*kinds), max_per_gap=limit)
    assert sum(plan.added) + plan.short == slack
    assert all(0 <= added <= limit for added in plan.added)
    assert plan.short == max(0, slack - limit * len(kinds))
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
