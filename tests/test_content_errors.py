"""Content errors reach the editor as `file:line: message`, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_mini, edit, run_cli

from compositor.content import read_issue
from compositor.errors import ContentError


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A writable copy of the small test publication; returns its issue folder."""
    return copy_mini(tmp_path)


def build_fails(issue: Path) -> str:
    result = run_cli("build", str(issue), "-o", str(issue / "out.pdf"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert not (issue / "out.pdf").exists()
    return result.stderr


def test_the_fixture_itself_is_valid(issue):
    model = read_issue(issue)
    assert [s.title for s in model.sections] == ["火炬在行动", "奋进新征程 建功新时代"]
    assert model.colophon.editors == ("叶伟",)  # the issue's override


def test_missing_required_field_names_file(issue):
    edit(issue / "issue.toml", "cumulative = 547\n", "")
    message = build_fails(issue)
    assert "issue.toml" in message
    assert "cumulative" in message


def test_article_in_unknown_section_names_file_and_line(issue):
    edit(issue / "02.md", 'section = "奋进新征程 建功新时代"', 'section = "奋进新征程"')
    message = build_fails(issue)
    assert "02.md:2:" in message
    assert "奋进新征程" in message


def test_malformed_toml_names_line(issue):
    edit(issue / "issue.toml", "number = 1\n", "number = = 1\n")
    message = build_fails(issue)
    assert "issue.toml:2:" in message
    assert "malformed TOML" in message


def test_malformed_front_matter_names_line_in_article(issue):
    edit(issue / "01.md", 'credit = "科技部火炬中心"', "credit = 科技部火炬中心")
    message = build_fails(issue)
    assert "01.md:4:" in message


def test_wrong_type_is_explained(issue):
    edit(issue / "issue.toml", "year = 2023", 'year = "2023"')
    message = build_fails(issue)
    assert "issue.toml:1:" in message
    assert "whole number" in message


def test_gbk_file_is_refused_with_advice(issue):
    (issue / "01.md").write_bytes((issue / "01.md").read_text("utf-8").encode("gbk"))
    message = build_fails(issue)
    assert "01.md" in message and "UTF-8" in message


def test_debug_shows_the_traceback(issue):
    edit(issue / "issue.toml", "cumulative = 547\n", "")
    result = run_cli("--debug", "build", str(issue), "-o", str(issue / "out.pdf"))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_reader_raises_content_error(issue):
    (issue / "02.md").write_text("no front matter\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        read_issue(issue)
    assert caught.value.path == issue / "02.md"
    assert caught.value.line == 1


def test_empty_required_title_is_refused(issue):
    edit(issue / "01.md", 'title = "科技部火炬中心召开2023年工作会议"', 'title = ""')
    message = build_fails(issue)
    assert "01.md:3:" in message and "empty" in message
