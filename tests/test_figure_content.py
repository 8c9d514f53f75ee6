"""Reading figures and tables from an article (compositor/content/blocks.py): what is
accepted, and every picture reference that must stay refused, with file and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import copy_mini, run_cli
from PIL import Image

from compositor.content import read_issue
from compositor.errors import ContentError
from compositor.model import Figure, Paragraph, Table

FRONT = '+++\nsection = "火炬在行动"\ntitle = "图片"\n+++\n\n正文一段。\n\n'
PICTURE_LINE = 8  # the line after FRONT


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    folder = copy_mini(tmp_path)
    (folder / "photos").mkdir()
    Image.new("RGB", (900, 600), (10, 120, 200)).save(folder / "photos" / "a.jpg")
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(folder / "chart.png")
    return folder


def write(issue: Path, body: str) -> Path:
    path = issue / "01b.md"
    path.write_text(FRONT + body, encoding="utf-8")
    return path


def blocks(issue: Path) -> tuple:
    article = next(a for a in read_issue(issue).articles if a.source.path.name == "01b.md")
    return article.blocks


def refusal(issue: Path, body: str) -> str:
    write(issue, body)
    with pytest.raises(ContentError) as caught:
        read_issue(issue)
    error = caught.value
    assert error.path.name == "01b.md"
    assert error.line == PICTURE_LINE, str(error)
    return error.message


def test_a_figure_with_caption_and_widths(issue):
    write(
        issue,
        "![图1　会场](photos/a.jpg)\n\n![图2](photos/a.jpg){width=40mm}\n\n"
        '![](chart.png){width=50%}\n\n![图3](chart.png){width="25%"}\n\n后文。\n',
    )
    found = blocks(issue)
    figures = [b for b in found if isinstance(b, Figure)]
    assert [f.caption for f in figures] == ["图1　会场", "图2", "", "图3"]
    assert [f.width for f in figures] == ["", "40mm", "50%", "25%"]
    assert figures[0].path == (issue / "photos" / "a.jpg").resolve()
    assert figures[0].pixels == (900, 600)
    assert figures[0].source.line == PICTURE_LINE
    assert isinstance(found[0], Paragraph) and isinstance(found[-1], Paragraph)


def test_a_picture_named_in_chinese_and_an_inside_symlink_are_fine(issue):
    (issue / "photos" / "会场.jpg").write_bytes((issue / "photos" / "a.jpg").read_bytes())
    os.symlink(issue / "photos" / "a.jpg", issue / "link.jpg")
    write(issue, "![图1](photos/会场.jpg)\n\n![图2](link.jpg)\n")
    assert [b.caption for b in blocks(issue) if isinstance(b, Figure)] == ["图1", "图2"]


def test_a_table_with_alignment_and_caption(issue):
    write(
        issue,
        "| 指标 | 单位 | 数值 |\n|:--|:-:|--:|\n| 收入 | 亿元 | 1.5 |\n| 利润 | 亿元 | 0.3 |\n"
        "Table: 表1　指标\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: 表2　另一张\n\n后文。\n",
    )
    tables = [b for b in blocks(issue) if isinstance(b, Table)]
    assert tables[0].header == ("指标", "单位", "数值")
    assert tables[0].align == ("left", "center", "right")
    assert tables[0].rows == (("收入", "亿元", "1.5"), ("利润", "亿元", "0.3"))
    assert tables[0].caption == "表1　指标"  # typed right under the table
    assert tables[1].caption == "表2　另一张"  # after a blank line
    assert tables[1].align == ("", "")
    texts = [b.text for b in blocks(issue) if isinstance(b, Paragraph)]
    assert not any("Table:" in text for text in texts)  # captions are not printed twice
    assert tables[0].continued_caption == "续表1"


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("http://example.com/a.jpg", "never fetches a URL"),
        ("https://example.com/a.jpg", "never fetches a URL"),
        ("//example.com/a.jpg", "never fetches a URL"),
        ("file:///etc/passwd", "never fetches a URL"),
        ("data:image/png;base64,iVBORw0KGgo=", "never fetches a URL"),
        ("/etc/passwd", "an absolute path"),
        ("C:/photos/a.jpg", "an absolute path"),
        ("../2023-01/photos/a.jpg", "'..' leads out of the issue folder"),
        ("photos/../../mini/2023-01/photos/a.jpg", "'..' leads out"),
        ("outside.jpg", "a link to a file outside the issue folder"),  # a symlink out
        ("missing.jpg", "does not exist"),
        ("photos", "is a folder"),
        ("01.md", "not a picture Pillow can read"),
        ("deep.png", "mode I;16, which cannot be placed"),  # 16 bits per pixel
        ("photo.gif", "a GIF picture"),
        ("evil.svg", "links to"),
        ("bomb.svg", "DOCTYPE"),
        ("styled.svg", "loads a file or URL"),
    ],
)
def test_a_picture_that_may_not_be_placed_is_refused(issue, tmp_path, reference, reason):
    secret = tmp_path / "secret.jpg"
    Image.new("RGB", (10, 10)).save(secret)
    os.symlink(secret, issue / "outside.jpg")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    (issue / "evil.svg").write_text(
        svg + '<image xlink:href="file:///etc/passwd" width="10" height="10"/></svg>'
    )
    (issue / "bomb.svg").write_text(
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>' + svg + "&a;</svg>"
    )
    (issue / "styled.svg").write_text(
        svg + "<style>rect { fill: url(http://example.com/x) }</style></svg>"
    )
    Image.new("I;16", (10, 10)).save(issue / "deep.png")
    Image.new("RGB", (10, 10)).save(issue / "photo.gif")
    message = refusal(issue, f"![图1]({reference})\n")
    assert reason in message
    assert "![图1](" in message


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("文字 ![图1](photos/a.jpg) 文字\n", "stands alone in its paragraph"),
        ("![图1](photos/a.jpg) ![图2](photos/a.jpg)\n", "stands alone"),
        ("![图1](photos/a.jpg){.wide}\n", "unknown attribute 'class'"),
        ("![图1](photos/a.jpg){width=120%}\n", "wider than the text"),
        ("![图1](photos/a.jpg){width=300px}\n", "not a printed size"),
        ("![图1](photos/a.jpg){width=0mm}\n", "not a printed size"),
    ],
)
def test_a_picture_written_wrong_is_refused(issue, body, reason):
    assert reason in refusal(issue, body)


def test_a_refused_picture_stops_the_build_with_file_and_line(issue):
    write(issue, "![图1](../../../../etc/passwd)\n")
    result = run_cli("build", str(issue), "-o", str(issue.parent.parent / "out.pdf"))
    assert result.returncode == 2
    assert f"01b.md:{PICTURE_LINE}: ![图1](../../../../etc/passwd)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (issue.parent.parent / "out.pdf").exists()


def test_check_reports_a_refused_picture_too(issue):
    write(issue, "![图1](http://example.com/a.jpg)\n")
    result = run_cli("check", str(issue))
    assert result.returncode == 2
    assert f"01b.md:{PICTURE_LINE}:1: error: ![图1](http://example.com/a.jpg)" in result.stdout


def test_captions_and_cells_are_checked_for_font_coverage(issue):
    """A character no shipped font has, in a caption or a cell, stops the build there."""
    write(issue, "![图1　𰀀](photos/a.jpg)\n\n| 𰀀 | b |\n|---|---|\n| 1 | 2 |\n")
    result = run_cli("build", str(issue), "-o", str(issue.parent.parent / "out.pdf"))
    assert result.returncode == 2, result.stderr
    assert "01b.md:8" in result.stderr and "𰀀" in result.stderr


def test_check_reads_table_cells_as_text_and_pipes_as_markup(issue):
    """Spaces around | and the Table: prefix are markup: no warning; a half-width comma
    in a cell is found at its column."""
    write(issue, "| 指标 | 单位 |\n|:--|--:|\n| 收入,利润 | 亿元（人民币） |\nTable: 表1　指标\n")
    result = run_cli("check", str(issue))
    findings = [line for line in result.stdout.splitlines() if "01b.md" in line]
    assert findings == [
        f"{issue / '01b.md'}:{PICTURE_LINE + 2}:5: warning: half-width ',' in Chinese text: "
        "type the full-width '，' (the build converts it)"
    ]
