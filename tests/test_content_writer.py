"""What content_writer writes, content.read_issue reads back as the same text."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compositor.content import read_issue
from compositor.importer.write import article_markdown, escape_markdown, toml_string, toml_value
from compositor.model import Article, Paragraph, Source, Subhead

PUBLICATION = Path(__file__).parent.parent / "content" / "torch" / "publication.toml"
ISSUE_TOML = """year = 2022
number = 1
cumulative = 1
date = 2022-01-01
[[sections]]
title = "s"
"""

# One stripped line of any text a file can hold (no surrogates, no NUL, no line breaks).
any_line = (
    st.text(st.characters(blacklist_characters="\n\r\0", blacklist_categories=("Cs",)))
    .map(str.strip)
    .filter(bool)
)
# Lines dense in what CommonMark treats as markup.
MARKUP = "*_`[]()<>&#;!\\-+=~|.:/1 axm;p中\t@"
markup_line = st.text(st.sampled_from(list(MARKUP))).map(str.strip).filter(bool)


def read_back(paragraph: str, subhead: str, meta: str) -> Article:
    """Write one article with these texts into a scratch issue and read it back."""
    folder = Path(tempfile.mkdtemp())
    try:
        shutil.copyfile(PUBLICATION, folder / "publication.toml")
        issue = folder / "issue"
        issue.mkdir()
        (issue / "issue.toml").write_text(ISSUE_TOML, encoding="utf-8")
        source = Source(issue)
        article = Article(
            title=meta,
            section="s",
            blocks=(Subhead(subhead, source), Paragraph(paragraph, source)),
            source=source,
            lead=meta,
            credit=meta,
        )
        (issue / "01.md").write_text(article_markdown(article), encoding="utf-8")
        return read_issue(issue).articles[0]
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize(
    "text",
    [
        "R&D经费支出占GDP达到4.6%",
        "&amp; &#123; &#x4E2D; &copy; stay as typed",
        "<http://www.chinatorch.gov.cn> and <a@b.cn>",
        "1. 不是列表",
        "2021) 也不是",
        "# 不是标题",
        "> 不是引文",
        "- 不是列表",
        "+ 不是列表",
        "***",
        "---",
        "```不是代码",
        "~~~",
        "[链接](http://x.cn) ![图](y.png)",
        "*强调* _强调_ `代码` 反斜杠\\ 结尾\\",
        "标题 ##",
        "{{ not a template }} <b>not html</b>",
    ],
)
def test_markup_characters_read_back_literally(text: str) -> None:
    article = read_back(text, text, text)
    assert [block.text for block in article.blocks] == [text, text]
    assert (article.title, article.lead, article.credit) == (text, text, text)


def test_plain_chinese_is_not_escaped() -> None:
    text = "形成“1+N”的推广模式，R&D投入强度（2.8%）。"
    assert escape_markdown(text) == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_line, markup_line), st.one_of(any_line, markup_line), any_line)
def test_any_line_reads_back_unchanged(paragraph: str, subhead: str, meta: str) -> None:
    article = read_back(paragraph, subhead, meta)
    assert [block.text for block in article.blocks] == [subhead, paragraph]
    assert (article.title, article.lead, article.credit) == (meta, meta, meta)


def test_multi_line_text_is_refused() -> None:
    with pytest.raises(ValueError):
        escape_markdown("two\nlines")


@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_toml_strings_read_back(text: str) -> None:
    assert tomllib.loads(f"v = {toml_string(text)}")["v"] == text


def test_toml_values() -> None:
    document = "\n".join(
        [
            f"n = {toml_value(546)}",
            f"d = {toml_value(dt.date(2022, 10, 18))}",
            f"e = {toml_value(['田栓林', '樊子天'])}",
        ]
    )
    assert tomllib.loads(document) == {
        "n": 546,
        "d": dt.date(2022, 10, 18),
        "e": ["田栓林", "樊子天"],
    }
