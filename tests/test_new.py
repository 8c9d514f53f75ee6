"""`compositor new`: the next issue's folder, numbers, date, sections and placeholders."""

from __future__ import annotations

import datetime as dt
import os
import shlex
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT, read_pdf, run_cli, squash

from compositor.content import read_issue


@pytest.fixture
def publication(tmp_path: Path) -> Path:
    """A writable copy of the small publication: one issue, 2023-01 (第1期, 总第547期)."""
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini"


def new(publication: Path, *options: str):
    return run_cli("new", str(publication), *options)


def test_next_issue_in_the_same_year(publication):
    result = new(publication, "--date", "2023-01-19")
    assert result.returncode == 0, result.stderr
    issue = read_issue(publication / "2023-02")
    assert (issue.year, issue.number, issue.cumulative) == (2023, 2, 548)
    assert issue.date == dt.date(2023, 1, 19)
    previous = read_issue(publication / "2023-01")
    assert [(s.title, s.subtitle) for s in issue.sections] == [
        (s.title, s.subtitle) for s in previous.sections
    ]
    assert issue.editors == previous.editors == ("叶伟",)
    assert [len(section.articles) for section in issue.sections] == [1, 1]
    assert all("待填写" in article.title for article in issue.articles)
    assert f"created {publication / '2023-02'}" in result.stdout
    assert f"compositor check {publication / '2023-02'}" in result.stdout


def test_a_new_year_restarts_the_number_but_not_the_cumulative_one(publication):
    assert new(publication, "--date", "2023-01-19").returncode == 0
    result = new(publication, "--date", "2024-01-04")
    assert result.returncode == 0, result.stderr
    issue = read_issue(publication / "2024-01")
    assert (issue.year, issue.number, issue.cumulative) == (2024, 1, 549)
    assert issue.label == "2024年第1期（总第549期）"


def test_the_latest_issue_is_found_by_year_and_number(publication):
    for date in ("2023-01-19", "2023-02-02", "2023-02-16"):
        assert new(publication, "--date", date).returncode == 0
    issue = read_issue(publication / "2023-04")
    assert (issue.number, issue.cumulative) == (4, 550)


def test_date_defaults_to_today(publication):
    today = dt.date.today()
    assert new(publication).returncode == 0
    same_year = today.year == 2023
    issue = read_issue(publication / f"{today.year}-{2 if same_year else 1:02d}")
    assert issue.date == today


def test_refuses_to_overwrite_an_existing_issue_folder(publication):
    draft = publication / "2023-02"
    draft.mkdir()
    (draft / "notes.md").write_text("编辑的草稿", encoding="utf-8")
    result = new(publication, "--date", "2023-01-19")
    assert result.returncode == 2
    assert "already exists" in result.stderr
    assert str(draft) in result.stderr
    assert sorted(p.name for p in draft.iterdir()) == ["notes.md"]
    assert (draft / "notes.md").read_text(encoding="utf-8") == "编辑的草稿"


def test_refuses_a_date_that_is_not_after_the_latest_issue(publication):
    result = new(publication, "--date", "2023-01-05")
    assert result.returncode == 2
    assert "not after the latest issue's date 2023-01-05" in result.stderr
    assert sorted(p.name for p in publication.iterdir()) == ["2023-01", "publication.toml"]


def test_refuses_a_folder_that_is_not_a_publication(publication):
    result = new(publication / "2023-01", "--date", "2023-01-19")
    assert result.returncode == 2
    assert "not a publication folder" in result.stderr


def test_placeholders_build_and_check_points_at_each_of_them(publication, tmp_path):
    assert new(publication, "--date", "2023-01-19").returncode == 0
    folder = publication / "2023-02"
    out = tmp_path / "new.pdf"
    built = run_cli("build", str(folder), "-o", str(out))
    assert built.returncode == 0, built.stderr
    assert squash("待填写：文章标题") in squash(read_pdf(out).pages[0])

    checked = run_cli("check", str(folder))
    assert checked.returncode == 0  # warnings only
    for name in ("01.md", "02.md"):
        lines = (folder / name).read_text(encoding="utf-8").split("\n")
        title_line = next(n for n, line in enumerate(lines, 1) if line.startswith("title"))
        title_column = lines[title_line - 1].index("待填写") + 1
        body_line = next(n for n, line in enumerate(lines, 1) if line.startswith("待填写"))
        assert (
            f"{folder / name}:{title_line}:{title_column}: warning: placeholder" in checked.stdout
        )
        assert f"{folder / name}:{body_line}:1: warning: placeholder" in checked.stdout
    assert run_cli("check", str(folder), "--strict").returncode == 1


def placeholder_places(path: Path) -> list[str]:
    """``path:line:column`` of each 待填写 in an article, counted from its text."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return [
        f"{path}:{n}:{line.index('待填写') + 1}"
        for n, line in enumerate(lines, 1)
        if "待填写" in line and not line.startswith("#")
    ]


def test_a_screen_build_warns_about_each_placeholder(publication, tmp_path):
    assert new(publication, "--date", "2023-01-19").returncode == 0
    folder = publication / "2023-02"
    built = run_cli("build", str(folder), "-o", str(tmp_path / "draft.pdf"))
    assert built.returncode == 0, built.stderr
    places = placeholder_places(folder / "01.md") + placeholder_places(folder / "02.md")
    assert len(places) == 4  # a title and a paragraph in each article
    for place in places:
        assert f"{place}: warning: placeholder 待填写" in built.stderr, built.stderr


def test_a_press_build_refuses_an_issue_with_placeholders_naming_each(publication, tmp_path):
    assert new(publication, "--date", "2023-01-19").returncode == 0
    folder = publication / "2023-02"
    written = folder / "01.md"
    written.write_text(
        written.read_text(encoding="utf-8").replace("待填写：", "火炬中心召开会议"),
        encoding="utf-8",
    )
    out = tmp_path / "press.pdf"
    result = run_cli("build", str(folder), "--press", "-o", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    left = placeholder_places(folder / "02.md")
    assert len(left) == 2
    for place in left:
        assert place in result.stderr, result.stderr
    assert str(written) not in result.stderr  # the article written in full is not named
    assert "2 placeholder" in result.stderr and "press" in result.stderr
    assert not out.exists()


def test_next_steps_can_be_pasted_into_a_shell_when_the_path_has_spaces(tmp_path):
    publication = tmp_path / "火炬 动态"
    shutil.copytree(DATA / "mini", publication)
    result = new(publication, "--date", "2023-01-19")
    assert result.returncode == 0, result.stderr
    commands = [
        shlex.split(line.split(". ", 1)[1], comments=True)
        for line in result.stdout.splitlines()
        if ". compositor " in line
    ]
    folder = str(publication / "2023-02")
    assert commands == [["compositor", "check", folder], ["compositor", "watch", folder]]


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_the_issue_folder_and_files_follow_the_users_umask(publication, umask):
    env = {**os.environ}
    command = f"umask {umask:03o} && exec {shlex.quote(sys.executable)} -m compositor new " + (
        f"{shlex.quote(str(publication))} --date 2023-01-19"
    )
    result = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    folder = publication / "2023-02"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask
    files = sorted(folder.iterdir())
    assert files, "new wrote no files"
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name
    assert not list(publication.glob(".new-*"))  # the staging folder became the issue
