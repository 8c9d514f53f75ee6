"""`compositor build A B C`: parallel builds, a summary table, and one failure among them."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, read_pdf, run_cli, squash


def add_issue(publication: Path, name: str, number: int) -> Path:
    """Another good issue: the test issue with its numbers changed."""
    folder = publication / name
    shutil.copytree(publication / "2023-01", folder)
    toml = folder / "issue.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("number = 1\n", f"number = {number}\n")
    text = text.replace("cumulative = 547", f"cumulative = {546 + number}")
    toml.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def publication(tmp_path: Path) -> Path:
    """2023-01 and 2023-02 are good; 2023-03 has malformed TOML."""
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    publication = tmp_path / "mini"
    add_issue(publication, "2023-02", 2)
    broken = add_issue(publication, "2023-03", 3)
    toml = broken / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("number = 3", "number = = 3"))
    return publication


def table_rows(stdout: str) -> dict[str, tuple[str, str]]:
    """{issue: (pages, status)} from the summary table."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in re.split(r"[│┃]", line)[1:-1]]
        if len(cells) == 4 and cells[0] not in ("issue", ""):
            rows[cells[0]] = (cells[1], cells[3])
    return rows


def test_one_broken_issue_does_not_stop_the_others(publication, tmp_path):
    out = tmp_path / "out"
    # As the shell expands content/torch/*: publication.toml comes along and is skipped.
    paths = sorted(str(path) for path in publication.iterdir())
    wide = {**os.environ, "COLUMNS": "300"}  # one table row per line, to read it back
    result = run_cli("build", *paths, "-j", "2", "-o", str(out), env=wide)
    assert result.returncode == 2
    rows = table_rows(result.stdout)
    assert rows == {
        str(publication / "2023-01"): ("2", "ok"),
        str(publication / "2023-02"): ("2", "ok"),
        str(publication / "2023-03"): ("", "FAILED"),
    }
    assert "3 issues, 1 failed" in result.stdout
    assert f"error: {publication / '2023-03' / 'issue.toml'}:2: malformed TOML" in result.stderr
    assert f"skipped {publication / 'publication.toml'}" in result.stderr
    assert "Traceback" not in result.stderr
    built = sorted(path.name for path in out.iterdir())
    assert built == ["mini-2023-01.pdf", "mini-2023-02.pdf"]
    second = read_pdf(out / "mini-2023-02.pdf")
    assert second.page_count == 2
    assert squash("2023年第2期（总第548期）") in squash(second.pages[0])


def test_all_good_exits_zero(publication, tmp_path):
    shutil.rmtree(publication / "2023-03")
    out = tmp_path / "out"
    issues = [str(publication / "2023-01"), str(publication / "2023-02")]
    result = run_cli("build", *issues, "-o", str(out), env={**os.environ, "COLUMNS": "300"})
    assert result.returncode == 0, result.stderr
    assert set(table_rows(result.stdout).values()) == {("2", "ok")}
    assert len(list(out.glob("*.pdf"))) == 2


def test_with_several_issues_output_must_be_a_folder(publication, tmp_path):
    existing = tmp_path / "file.pdf"
    existing.write_bytes(b"not a folder")
    result = run_cli(
        "build", str(publication / "2023-01"), str(publication / "2023-02"), "-o", str(existing)
    )
    assert result.returncode == 2
    assert "-o names a folder" in result.stderr
    assert existing.read_bytes() == b"not a folder"


def test_a_single_issue_prints_exactly_path_and_pages(publication, tmp_path):
    out = tmp_path / "one.pdf"
    result = run_cli("build", str(publication / "2023-01"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out} (2 pages)\n"


def test_with_several_issues_an_output_named_pdf_is_refused_not_made_a_folder(
    publication, tmp_path
):
    result = run_cli(
        "build",
        str(publication / "2023-01"),
        str(publication / "2023-02"),
        "-o",
        "all.pdf",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == "error: all.pdf: with several issues, -o names a folder, not a file\n"
    assert list(tmp_path.iterdir()) == [publication]
