"""A title broken by hand (issue 25): ``title = ["…", "…"]`` prints one line per item; the
contents join them."""

from __future__ import annotations

import pytest
from conftest import copy_mini, read_pdf, run_cli, squash

from compositor.content import read_issue
from compositor.errors import ContentError

ARTICLE = """+++
section = "火炬在行动"
title = {title}
+++

正文一段。
"""


def write_title(tmp_path, title: str):
    folder = copy_mini(tmp_path)
    (folder / "01.md").write_text(ARTICLE.format(title=title), encoding="utf-8")
    return folder


def test_a_title_of_lines_prints_each_on_its_own_line_and_joined_in_the_contents(tmp_path):
    folder = write_title(tmp_path, '["潍坊高新区：", "冲刺一流国家高新区"]')
    article = read_issue(folder).articles[0]
    assert article.title == "潍坊高新区：冲刺一流国家高新区"
    pdf = tmp_path / "t.pdf"
    built = run_cli("build", str(folder), "-o", str(pdf))
    assert built.returncode == 0, built.stderr
    lines = [squash(line) for line in read_pdf(pdf).pages[0].splitlines()]
    assert any(line.startswith("潍坊高新区:冲刺一流国家高新区...") for line in lines)  # contents
    at = lines.index("潍坊高新区:")
    assert lines[at + 1] == "冲刺一流国家高新区"


@pytest.mark.parametrize("title", ['["潍坊高新区：", ""]', "[]", '["甲", 2]'])
def test_a_title_list_of_anything_but_lines_of_text_is_an_error_at_the_title(tmp_path, title):
    folder = write_title(tmp_path, title)
    with pytest.raises(ContentError, match="a title broken into lines is a list") as error:
        read_issue(folder)
    assert error.value.line == 3
