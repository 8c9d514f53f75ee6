"""Issue 26, point 2: the marks a layout prints around a field (【】, ——, （供稿：…）) are
the layout's data ([marks] in layout.toml): its template prints them, and the build and
`compositor check` take off — and warn about — only what that layout prints.

The torch layout's side (it prints all three) is tests/test_one_source.py defect 8.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, copy_mini, edit, read_pdf, run_cli

from compositor.text.normalize import strip_mark

SECTION, SUBTITLE, CREDIT = "【{}】", "——{}", "（供稿：{}）"


@pytest.mark.parametrize(
    ("mark", "typed", "field"),
    [
        (SECTION, "【火炬在行动】", "火炬在行动"),
        (SECTION, " 【 火炬在行动 】 ", "火炬在行动"),
        (SECTION, "【火炬在行动", "【火炬在行动"),  # half a mark is the editor's text
        (SECTION, "火炬在行动", "火炬在行动"),
        (SUBTITLE, "——国家高新区", "国家高新区"),
        (SUBTITLE, "-- 国家高新区", "国家高新区"),
        (SUBTITLE, "—国家高新区", "国家高新区"),
        (CREDIT, "（供稿：潍坊高新区）", "潍坊高新区"),
        (CREDIT, "(供稿:潍坊高新区)", "潍坊高新区"),
        (CREDIT, "供稿：潍坊高新区", "潍坊高新区"),  # the brackets around it left out
        (CREDIT, "（供稿：西部（重庆）科学城管委会）", "西部（重庆）科学城管委会"),
        (CREDIT, "潍坊高新区（供稿）", "潍坊高新区（供稿）"),
        ("《{}》", "《火炬》", "火炬"),  # any mark a layout declares, not only torch's
        (None, "【火炬在行动】", "【火炬在行动】"),  # a layout without the mark: as typed
    ],
)
def test_strip_mark_takes_off_the_mark_as_editors_type_it(mark, typed, field):
    assert strip_mark(mark, typed) == field


@pytest.fixture(scope="module")
def brief_issue(tmp_path_factory) -> Path:
    """The small issue set as a brief (jianbao: no 【】 around a part's title), with the
    【】 and （供稿：…） typed by the editor."""
    issue = copy_mini(tmp_path_factory.mktemp("brief"))
    edit(issue.parent / "publication.toml", 'layout = "torch"', 'layout = "jianbao"')
    edit(issue / "issue.toml", 'title = "火炬在行动"', 'title = "【火炬在行动】"')
    edit(issue / "01.md", 'section = "火炬在行动"', 'section = "【火炬在行动】"')
    edit(issue / "01.md", 'credit = "科技部火炬中心"', 'credit = "（供稿：潍坊高新区）"')
    return issue


def test_a_mark_the_layout_does_not_print_is_the_editors_text(brief_issue, tmp_path):
    checked = run_cli("check", str(brief_issue))
    assert "Traceback" not in checked.stderr, checked.stderr
    assert ": error: " not in checked.stdout
    assert "【】" not in checked.stdout  # jianbao prints none, so none is typed twice
    assert "the layout prints （供稿：…） around a credit itself" in checked.stdout
    built = run_cli("build", str(brief_issue), "-o", str(tmp_path / "brief.pdf"))
    assert built.returncode == 0, built.stderr
    text = "".join("".join(read_pdf(tmp_path / "brief.pdf").pages).split())
    assert "【火炬在行动】" in text and "【【" not in text
    assert "（供稿：潍坊高新区）" in text and "（供稿：（供稿：" not in text


def test_the_template_prints_the_marks_the_manifest_declares(tmp_path):
    """A copy of the brief's layout whose [marks] declare no credit mark prints the credit
    bare, and the typed （供稿：…） is then the editor's text: kept and not warned about."""
    layout = tmp_path / "plain"
    shutil.copytree(ROOT / "layouts" / "jianbao", layout)
    edit(layout / "layout.toml", 'credit = "（供稿：{}）"', "")
    issue = copy_mini(tmp_path)
    edit(issue / "01.md", 'credit = "科技部火炬中心"', 'credit = "（来源：潍坊高新区）"')
    built = run_cli("build", str(issue), "--layout", str(layout), "-o", str(tmp_path / "x.pdf"))
    assert built.returncode == 0, built.stderr
    text = "".join("".join(read_pdf(tmp_path / "x.pdf").pages).split())
    assert "（来源：潍坊高新区）" in text and "供稿" not in text
