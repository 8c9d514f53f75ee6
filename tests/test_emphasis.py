"""Emphasis (issue 25): ``**…**`` in a paragraph prints in the layout's emphasis face (黑体);
every other emphasis mark prints as typed, as before the rule was on."""

from __future__ import annotations

import pdfplumber
import pytest
from conftest import copy_mini, run_cli

from compositor.content import read_issue

ARTICLE = """+++
section = "火炬在行动"
title = "强调测试"
+++

会议强调，要把**硬科技**摆在突出位置，*注意*这里 5*3=15，**全年投入1,000万元**。

## 小标题**照印**
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The mini issue with the article above, built once: its characters with their fonts."""
    tmp_path = tmp_path_factory.mktemp("emphasis")
    folder = copy_mini(tmp_path)
    (folder / "01.md").write_text(ARTICLE, encoding="utf-8")
    pdf = tmp_path / "e.pdf"
    built = run_cli("build", str(folder), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    with pdfplumber.open(pdf) as document:
        chars = [(c["text"], c["fontname"]) for page in document.pages for c in page.chars]
    return read_issue(folder).articles[0], chars


def fonts_of(chars, text: str) -> set[str]:
    """The fonts the first printing of ``text`` is drawn in."""
    string = "".join(char for char, _ in chars)
    at = string.index(text)
    return {font for _, font in chars[at : at + len(text)]}


def test_double_asterisks_mark_emphasis_and_single_ones_are_text(printed):
    article, _ = printed
    paragraph = article.blocks[0]
    expected = "会议强调，要把硬科技摆在突出位置，*注意*这里 5*3=15，全年投入1,000万元。"
    assert paragraph.text == expected
    assert [text for text, strong in paragraph.segments() if strong] == [
        "硬科技",
        "全年投入1,000万元",
    ]
    assert article.blocks[1].text == "小标题**照印**"  # outside a paragraph: as typed


def test_emphasis_prints_in_the_heading_face_and_the_rest_in_the_body_face(printed):
    _, chars = printed
    (emphasis,) = fonts_of(chars, "硬科技")
    (body,) = fonts_of(chars, "要把")
    assert "role-heading" in emphasis and "role-body" in body  # 黑体 and 宋体 (layout.toml)
    assert fonts_of(chars, "1,000") == {emphasis}
    assert fonts_of(chars, "*注意*") == {body}
