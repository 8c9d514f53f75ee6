"""Punctuation and spacing normalisation: the seed's cases, and properties on any text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compositor.text.normalize import (
    HALFWIDTH_TO_FULLWIDTH,
    find_halfwidth_punctuation,
    fold_for_comparison,
    normalize,
    normalize_punctuation,
    remove_han_latin_spaces,
    remove_stray_spaces,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Chinese context → full-width.
        ("贾敬敦强调,要从10个方面", "贾敬敦强调，要从10个方面"),
        ("工作:一是不断提高", "工作：一是不断提高"),
        ("“热血沸腾!”“振奋人心!”", "“热血沸腾！”“振奋人心！”"),
        ("完整链条?答案是肯定的", "完整链条？答案是肯定的"),
        ("达到4.6%;国家高新技术企业", "达到4.6%；国家高新技术企业"),
        ("若干意见》(7号文),进一步", "若干意见》（7号文），进一步"),
        ("推动西部(重庆)科学城城市品质提升", "推动西部（重庆）科学城城市品质提升"),
        ("电话:(010)88656173", "电话：（010）88656173"),
        # Latin and number context stays ASCII.
        ("R&D经费支出占GDP达到4.6%", "R&D经费支出占GDP达到4.6%"),
        ("由2.2:25.8:72.0调整为1.4:41.8:56.8,实体", "由2.2:25.8:72.0调整为1.4:41.8:56.8，实体"),
        ("网址:www.chinatorch.gov.cn", "网址：www.chinatorch.gov.cn"),
        ("访问http://www.chinatorch.gov.cn查询", "访问http://www.chinatorch.gov.cn查询"),
        ("(010)88656173", "(010)88656173"),
        ("see (p. 3), then stop!", "see (p. 3), then stop!"),
        ("共1,000家", "共1,000家"),
        # Dashes and ellipses are kept as they are.
        ("增长超4倍……", "增长超4倍……"),
        ("“一核——镜湖科技城、两平台——滨海科技城”", "“一核——镜湖科技城、两平台——滨海科技城”"),
    ],
)
def test_normalize_punctuation(raw: str, expected: str) -> None:
    assert normalize_punctuation(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("等企业 2000 多家。", "等企业2000多家。"),
        ("在指挥部,38 名干部", "在指挥部,38名干部"),
        ("GDP 达到", "GDP达到"),
        # Deliberate spaces between Han characters stay.
        ("产业 崛起的力量", "产业 崛起的力量"),
        ("奋进新征程 建功新时代", "奋进新征程 建功新时代"),
        ("hello world", "hello world"),
    ],
)
def test_remove_han_latin_spaces(raw: str, expected: str) -> None:
    assert remove_han_latin_spaces(raw) == expected


def test_normalize_removes_spaces_at_fullwidth_punctuation_and_quotes() -> None:
    assert normalize("发展先行区。 (供稿:科技部火炬中心)") == "发展先行区。（供稿：科技部火炬中心）"
    assert normalize("形成 “研发—中试” 的链条") == "形成“研发—中试”的链条"
    assert normalize("he said “yes” to it") == "he said “yes” to it"


def test_find_halfwidth_punctuation_reports_positions_in_chinese_context() -> None:
    text = "会上,比例为1:2(见表)。see (p. 3)"
    assert find_halfwidth_punctuation(text) == [(2, ","), (9, "("), (12, ")")]
    assert find_halfwidth_punctuation(normalize_punctuation(text)) == []


def test_fold_for_comparison_ignores_width_and_spacing() -> None:
    printed = "主任和 主要\n职能：部门（一）"
    assert fold_for_comparison(printed) == fold_for_comparison("主任和主要职能:部门(一)")


# --- properties on arbitrary text -------------------------------------------------------

# Arbitrary Unicode, plus text dense in the characters the rules look at.
TRICKY = "中文字国家，（）。“”‘’—…2019aZé ,:;()!?\t\n"
texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from(TRICKY)))


@given(texts)
def test_punctuation_changes_only_the_seven_marks(text: str) -> None:
    out = normalize_punctuation(text)
    assert len(out) == len(text)
    for old, new in zip(text, out, strict=True):
        assert new == old or HALFWIDTH_TO_FULLWIDTH.get(old) == new


@given(texts)
def test_punctuation_is_idempotent(text: str) -> None:
    once = normalize_punctuation(text)
    assert normalize_punctuation(once) == once


@given(texts)
def test_parentheses_convert_in_pairs(text: str) -> None:
    out = normalize_punctuation(text)
    ascii_open = sum(1 for a, b in zip(text, out, strict=True) if a == "(" and b == "（")
    ascii_close = sum(1 for a, b in zip(text, out, strict=True) if a == ")" and b == "）")
    if text.count("(") == text.count(")") and _well_nested(text):
        assert ascii_open == ascii_close


def _well_nested(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@given(texts)
def test_space_removal_only_removes_spaces_and_is_idempotent(text: str) -> None:
    for remove in (remove_han_latin_spaces, remove_stray_spaces):
        out = remove(text)
        assert out.replace(" ", "") == text.replace(" ", "")
        assert remove(out) == out


@given(texts)
def test_normalize_is_idempotent_and_keeps_every_other_character(text: str) -> None:
    out = normalize(text)
    assert normalize(out) == out
    assert fold_for_comparison(out) == fold_for_comparison(text)


@given(texts)
def test_find_halfwidth_punctuation_agrees_with_normalize(text: str) -> None:
    found = find_halfwidth_punctuation(text)
    out = normalize_punctuation(text)
    assert found == [(i, c) for i, c in enumerate(text) if out[i] != c]
    assert all(text[i] == c and c in HALFWIDTH_TO_FULLWIDTH for i, c in found)


# --- issue 24: the whole normaliser, and the changes check reports -----------------------

from compositor.text.normalize import apply_changes, changes, normalize_line  # noqa: E402

TYPED = "中文国家，。“”‘’—…\"'.,:;()!?-２Ａ．％ 1a"
typed_texts = st.one_of(st.text(), st.text(alphabet=st.sampled_from(TYPED)))
# Around a protected token: Chinese text and marks, never a letter or digit that would
# make the token a longer one.
AROUND = st.text(alphabet=st.sampled_from("中文国家，。“”‘’—…\"' ,:;()!?"), max_size=8)
PROTECTED = st.sampled_from(
    [
        "3.5%",
        "3,000",
        "v2.0",
        "10:30",
        "1:2",
        "1.4:41.8:56.8",
        "http://www.chinatorch.gov.cn/a.html",
        "https://example.com/p?a=1&b=2,c",
        "www.chinatorch.gov.cn",
        "torch@most.cn",
        "mailto:a.b@x.cn",
    ]
)


@given(typed_texts)
def test_normalising_twice_is_normalising_once(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert changes(once) == []  # and check has nothing to say about it


@given(typed_texts)
def test_the_changes_check_reports_make_exactly_the_normalised_text(text: str) -> None:
    found = changes(text)
    assert apply_changes(text, found) == normalize_line(text)
    ends = [0]
    for change in found:
        assert change.start >= ends[-1]  # in order, never overlapping
        assert text[change.start : change.end] == change.old != change.new
        assert change.message
        ends.append(change.end)


@given(AROUND, PROTECTED, AROUND)
def test_numbers_urls_and_addresses_are_never_changed(before: str, token: str, after: str):
    text = before + token + after
    assert token in normalize(text)
    assert not [c for c in changes(text) if c.start < len(before) + len(token) and
                c.end > len(before)]  # fmt: skip
