"""Notes (注释, issue 25): ``[^1]`` in the text and ``[^1]: …`` for the note, read into the
article (marks ① ② in the text, the notes after its blocks) and printed before the credit."""

from __future__ import annotations

import pytest
from conftest import copy_mini, read_pdf, run_cli, squash

from compositor.content import read_issue
from compositor.errors import ContentError

ARTICLE = """+++
section = "火炬在行动"
title = "注释测试"
credit = "火炬中心"
+++

火炬计划实施以来[^plan]，高新区数量持续增长[^count]。

| 指标 | 数量 |
| --- | ---: |
| 国家高新区[^count] | 178 |

[^count]: 截至2022年底。
[^plan]: 火炬计划于1988年经国务院批准实施。
"""


def write_article(tmp_path, text: str = ARTICLE):
    folder = copy_mini(tmp_path)
    (folder / "01.md").write_text(text, encoding="utf-8")
    return folder


def test_references_print_as_circled_numbers_in_order_of_first_reference(tmp_path):
    article = read_issue(write_article(tmp_path)).articles[0]
    paragraph, table, notes = article.blocks
    assert paragraph.text == "火炬计划实施以来①，高新区数量持续增长②。"
    assert table.rows[0][0] == "国家高新区②"  # a second reference to the same note
    assert notes.kind == "notes"
    assert [(item.marker, item.text) for item in notes.items] == [
        ("①", "火炬计划于1988年经国务院批准实施。"),
        ("②", "截至2022年底。"),
    ]


def test_a_note_nothing_refers_to_is_an_error_on_its_line(tmp_path):
    folder = write_article(tmp_path, ARTICLE + "[^lost]: 无人引用。\n")
    with pytest.raises(ContentError, match=r"the note \[\^lost\] is never referred to") as error:
        read_issue(folder)
    assert error.value.line == ARTICLE.count("\n") + 1


def test_notes_print_under_their_head_after_the_text_and_before_the_credit(tmp_path):
    folder = write_article(tmp_path)
    checked = run_cli("check", str(folder), "--strict")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    pdf = tmp_path / "notes.pdf"
    built = run_cli("build", str(folder), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    lines = [squash(line) for page in read_pdf(pdf).pages for line in page.splitlines()]
    head = lines.index("注释:")
    assert "火炬计划实施以来①,高新区数量持续增长②。" in "".join(lines[:head])
    assert lines[head + 1 : head + 4] == [
        "①火炬计划于1988年经国务院批准实施。",
        "②截至2022年底。",
        "(供稿:火炬中心)",
    ]
