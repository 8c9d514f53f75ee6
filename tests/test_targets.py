"""Builds never write over content: -o into an issue, a non-PDF name, two copies of one issue."""

from __future__ import annotations

import shutil

from conftest import copy_mini, run_cli


def test_output_over_an_article_is_refused_and_the_article_kept(tmp_path):
    issue = copy_mini(tmp_path)
    article = issue / "01.md"
    before = article.read_bytes()
    result = run_cli("build", str(issue), "-o", str(article))
    assert result.returncode == 2, result.stderr
    assert article.read_bytes() == before
    assert "content folder" in result.stderr and "Traceback" not in result.stderr


def test_pdf_inside_a_content_folder_is_refused(tmp_path):
    issue = copy_mini(tmp_path)
    for target in (issue / "issue.pdf", issue.parent / "out.pdf"):
        result = run_cli("build", str(issue), "-o", str(target))
        assert result.returncode == 2, result.stderr
        assert "content folder" in result.stderr
        assert not target.exists()


def test_output_not_ending_in_pdf_is_refused(tmp_path):
    issue = copy_mini(tmp_path)
    target = tmp_path / "out" / "issue.txt"
    result = run_cli("build", str(issue), "-o", str(target))
    assert result.returncode == 2
    assert "ending in .pdf" in result.stderr
    assert not target.exists()


def test_batch_into_a_content_folder_is_refused(tmp_path):
    issue = copy_mini(tmp_path)
    second = issue.parent / "2023-02"
    shutil.copytree(issue, second)
    (second / "issue.toml").write_text(
        (issue / "issue.toml").read_text(encoding="utf-8").replace("number = 1", "number = 2"),
        encoding="utf-8",
    )
    result = run_cli("build", str(issue), str(second), "-o", str(issue / "out"))
    assert result.returncode == 2
    assert "content folder" in result.stderr
    assert not (issue / "out").exists()


def test_batch_of_two_copies_of_one_issue_is_refused_naming_both(tmp_path):
    issue = copy_mini(tmp_path)
    backup = issue.parent / "2023-01 copy"
    shutil.copytree(issue, backup)
    out = tmp_path / "out"
    result = run_cli("build", str(issue), str(backup), "-o", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    message = result.stderr.replace("\n", "")
    assert str(issue) in message and str(backup) in message
    assert "Traceback" not in result.stderr
    assert not out.exists() or not list(out.glob("*.pdf"))
