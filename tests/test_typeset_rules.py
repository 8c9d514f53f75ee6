"""The clreq rules as pure functions: character classes, break rules, line plans.

No WeasyPrint here: advances are given (1 em = 10 units for Han and full-width
marks, narrower for Latin), so each rule is checked in isolation.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compositor.layout import Typesetting
from compositor.text import classes, normalize
from compositor.text.classes import (
    NOT_AT_LINE_END,
    NOT_AT_LINE_START,
    compressible_pair,
    is_han_latin_boundary,
    is_latin,
    takes_justification,
)
from compositor.typeset.linebreak import (
    Break,
    NeedMoreText,
    can_break_before,
    choose_break,
    is_short_tail,
)
from compositor.typeset.spacing import SPACER, LinePlan, interior_gaps, plan_line

EM = 10.0
GB = Typesetting(punctuation="gb", han_latin_space=0.25)
NONE = Typesetting(punctuation="none", han_latin_space=0)


def advances(text: str) -> list[float]:
    """Full-width for CJK, half for Latin letters and digits, a quarter for . and spaces."""
    widths = []
    for char in text:
        if char in " .":
            widths.append(EM / 4)
        elif is_latin(char):
            widths.append(EM / 2)
        else:
            widths.append(EM)
    return widths


def line_of(text: str, measure_em: float, settings: Typesetting = GB, **options) -> Break:
    return choose_break(text, advances(text), EM, measure_em * EM, settings, **options)


# ---------------------------------------------------------------------- classes


def test_one_table_of_character_classes():
    """The normaliser uses the layout's classes, not a copy of them (issue 18)."""
    assert normalize.is_han is classes.is_han
    assert normalize.is_chinese_context is classes.is_chinese_context
    assert [classes.is_han(c) for c in "汉㐀𠀀a，"] == [True, True, True, False, False]
    assert [classes.is_chinese_context(c) for c in "汉，あa"] == [True, True, True, False]


def test_marks_side_of_their_blank_half():
    assert compressible_pair("。", "”")  # closing then closing
    assert compressible_pair("，", "“")  # closing then opening
    assert compressible_pair("（", "“")  # opening then opening
    assert not compressible_pair("（", "）")  # no blank between
    assert not compressible_pair("汉", "。")


def test_line_edge_sets_hold_what_clreq_lists():
    assert set("、，；：。！？）》」』】〕〉”’") <= NOT_AT_LINE_START
    assert set("（《「『【〔〈“‘") <= NOT_AT_LINE_END


def test_han_latin_boundary_needs_a_letter_or_digit():
    assert is_han_latin_boundary("在", "2")
    assert is_han_latin_boundary("D", "中")
    assert is_han_latin_boundary("%", "的")
    assert not is_han_latin_boundary("，", "2")  # the mark carries its own space
    assert not is_han_latin_boundary("在", "（")


def test_latin_words_and_doubled_marks_take_no_justification():
    assert takes_justification("汉") and takes_justification("，") and takes_justification(" ")
    assert not takes_justification("A") and not takes_justification("5")
    assert not takes_justification("—") and not takes_justification("…")


# ------------------------------------------------------------------- break rules


@pytest.mark.parametrize(
    ("text", "index", "allowed"),
    [
        ("你好“世界”", 2, True),  # before “ (Pango forbids it)
        ("世界”好", 2, False),  # before ”
        ("说“好", 2, False),  # after “
        ("好。吗", 1, False),  # before 。
        ("等——好", 2, False),  # inside ——
        ("等——好", 1, True),  # before ——
        ("等……好", 2, False),  # inside ……
        ("等……好", 1, True),  # before …… (Pango forbids it)
        ("约100万", 4, False),  # a number keeps its unit
        ("约100万", 1, True),  # a number may start a line
        ("增长5.2%", 4, False),  # inside 5.2%
        ("增长5.2%", 6, False),  # before %
        ("R&D中心", 3, True),
        ("one two", 4, True),  # after a space
        ("one two", 3, False),  # never before it
        ("价¥12", 2, False),  # after ¥
        ("甲\u200b乙", 2, True),  # explicit break opportunity
        ("甲\u2060乙", 2, False),  # explicit no-break
    ],
)
def test_can_break_before(text, index, allowed):
    assert can_break_before(text, index) is allowed


def test_short_tails_are_one_character_and_its_marks():
    assert is_short_tail("展。")
    assert is_short_tail("展。”")
    assert not is_short_tail("发展。")


# --------------------------------------------------------------------- spacing


def test_quarter_em_between_han_and_latin_only():
    text = "在2022年R&D，A"
    gaps = interior_gaps(text, advances(text), EM, GB)
    spaced = {text[i - 1] + text[i] for i, gap in enumerate(gaps) if gap == EM / 4}
    assert spaced == {"在2", "2年", "年R"}


def test_full_width_pairs_lose_half_an_em_and_proportional_ones_do_not():
    text = "好。”好"
    assert interior_gaps(text, advances(text), EM, GB)[2] == -EM / 2
    narrow = [EM, EM, EM * 0.35, EM]  # a font whose ” is proportional (LXGW WenKai)
    assert interior_gaps(text, narrow, EM, GB)[2] == 0


def test_style_none_leaves_everything_full_width():
    text = "（在2022年。”"
    plan = plan_line(text, advances(text), EM, NONE, at_line_start=True, at_line_end=True)
    assert set(plan.gaps) == {0} and plan.end_trim == 0


def test_line_edges_lose_blank_halves():
    text = "“好。"
    plan = plan_line(text, advances(text), EM, GB, at_line_start=True, at_line_end=True)
    assert plan.gaps[0] == -EM / 2 and plan.end_trim == EM / 2
    inner = plan_line(text, advances(text), EM, GB, at_line_start=False, at_line_end=False)
    assert inner.gaps[0] == 0 and inner.end_trim == 0


def test_spacers_carry_one_sided_gaps_and_text_survives():
    text = "在2022年。”"
    plan = plan_line(text, advances(text), EM, GB, at_line_start=True, at_line_end=True)
    assert plan.pango_text.count(SPACER) == 3
    assert plan.pango_text.replace(SPACER, "") == text


def test_letter_spacing_runs_follow_the_plan():
    plan = LinePlan("“好A", gaps=(-5.0, 0.0, 2.5), stretch=(True, True, False))
    # pango text: spacer “ 好 spacer A
    runs = plan.letter_spacing(justification=1.0)
    # The leading spacer keeps half its value after Pango trims the line start, and the
    # first mark's own leading half (0.5) follows it: 2 × -5 - 1 = -11 gives -5 in all.
    assert runs == [(0, 1, -11.0), (1, 3, 1.0), (3, 4, 2.5)]
    assert plan.opportunities == 1.5  # “好 fully, 好|A half, A none


def test_a_run_inside_a_line_keeps_its_halves_at_the_runs_it_meets():
    """A run between two others (an emphasis mid-line): Pango drops the outer halves of
    a layout's letter-spacing, so spacers stand at both edges and the characters keep
    their halves; the gap from the run before (two marks meeting: -5) is all kept."""
    plan = LinePlan(
        "（好", gaps=(-5.0, 0.0), stretch=(True, True), starts_line=False, ends_line=False
    )
    assert plan.pango_text == f"{SPACER}（好{SPACER}"
    # The leading spacer keeps half of -10; the mark's own leading half (0.5) follows.
    assert plan.letter_spacing(justification=1.0) == [(0, 1, -10.0), (1, 3, 1.0)]
    assert plan.opportunities == 2  # both edges shared: half here, half in the next run
    alone = plan_line("好好", advances("好好"), EM, GB, at_line_start=True, at_line_end=True)
    assert alone.opportunities == 1 and alone.pango_text == "好好"  # a line's own edges


def test_width_adds_gaps_trims_and_justification():
    plan = LinePlan("好。", gaps=(0.0, 0.0), stretch=(True, True), end_trim=5.0)
    assert plan.width([10.0, 10.0], justification=2.0) == 10 + 10 - 5 + 2 * 1


# ---------------------------------------------------------------------- breaking


def test_fills_the_measure_exactly():
    assert line_of("一二三四五六七八九十十一", 10) == Break(10, 10)


def test_pair_at_line_end_fits_in_one_em():
    # 9 em of Han and 。” compressed (0.5) and hanging (0.5) make 10 em.
    text = "一二三四五六七八九。”十一"
    assert line_of(text, 10) == Break(11, 11)
    assert line_of(text, 10, NONE).end == 8  # full width: the pair and 九 go down


def test_opening_quote_may_start_a_line():
    assert line_of("一二三四五六七八九“十”好的", 10) == Break(9, 9)


def test_dash_is_never_split():
    text = "一二三四五六七八九——十一"
    chosen = line_of(text, 10)
    assert chosen == Break(9, 9)


def test_number_keeps_its_unit():
    text = "一二三四五六七八100万元"
    assert line_of(text, 10) == Break(8, 8)


def test_one_character_last_line_is_avoided():
    text = "一二三四五六七八九十家。"
    assert line_of(text, 10) == Break(9, 9)  # 十家。 below, never 家。 alone


def test_overlong_word_overflows_or_breaks_anywhere():
    text = "Zhongguancunkejiyuanqu"  # a word, not a URL: URLs break at their punctuation
    assert line_of(text, 5) == Break(len(text), None)
    assert line_of(text, 5, break_anywhere=True).end == 10


def test_asks_for_more_text_when_the_measured_part_fits():
    text = "一二三四五六七八九十"
    with pytest.raises(NeedMoreText):
        choose_break(text, advances(text)[:4], EM, 100.0, GB)


def test_no_limit_takes_everything():
    assert choose_break("一二三", advances("一二三"), EM, None, GB) == Break(3, None)


ALPHABET = "汉字中国。，、“”（）《》——……AB12.% "


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=60), st.integers(3, 20))
def test_chosen_breaks_are_legal_and_fit(text, measure):
    chosen = line_of(text, measure)
    if chosen.resume is None:
        return
    assert 0 < chosen.end <= chosen.resume <= len(text)
    assert text[chosen.end : chosen.resume].strip(" ") == ""
    line = text[: chosen.end]
    plan = plan_line(line, advances(line), EM, GB, at_line_start=True, at_line_end=True)
    fits = plan.width(advances(line)) <= measure * EM + 1e-6
    assert can_break_before(text, chosen.resume)
    # A line may only overflow when no legal break fits at all.
    if not fits:
        for index in range(1, chosen.resume):
            if can_break_before(text, index):
                shorter = text[:index].rstrip(" ")
                assert (
                    not shorter
                    or plan_line(
                        shorter, advances(shorter), EM, GB, at_line_start=True, at_line_end=True
                    ).width(advances(shorter))
                    > measure * EM
                )


@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40))
def test_plans_keep_the_text(text):
    plan = plan_line(text, advances(text), EM, GB, at_line_start=True, at_line_end=True)
    assert plan.pango_text.replace(SPACER, "") == text
    assert len(plan.gaps) == len(plan.stretch) == len(text)
