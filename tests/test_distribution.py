"""A brief's 版记 data: [distribution] in publication.toml (issue 26), read and checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, edit, run_cli

from compositor.content import read_issue
from compositor.model import Distribution

BRIEF = ROOT / "content" / "jianbao"


@pytest.fixture
def brief(tmp_path) -> Path:
    shutil.copytree(BRIEF, tmp_path / "jianbao")
    return tmp_path / "jianbao"


def test_the_sample_brief_reads_its_distribution():
    issue = read_issue(BRIEF / "2022-17")
    assert issue.publication.distribution == Distribution(
        report_to=("科技部办公厅",),
        send_to=("各省、自治区、直辖市及计划单列市科技厅（委、局）", "新疆生产建设兵团科技局"),
        issue_to=("各国家高新区管委会", "中心各处室"),
        copies=200,
    )


def test_a_publication_without_it_has_none():
    assert read_issue(ROOT / "content" / "torch" / "2022-17").publication.distribution is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("copies = 200", "copies = 0", "copies must be 1 or more, not 0"),
        ('report_to = ["科技部办公厅"]', 'report_to = "办公厅"', "'report_to' must be a list"),
        ("copies = 200", "copy = 200", "unknown key 'copy' in [distribution]"),
        ('issue_to = ["各国家高新区管委会", "中心各处室"]', 'issue_to = [""]', "list of names"),
    ],
)
def test_a_wrong_distribution_is_an_error_at_its_line(brief, old, new, message):
    edit(brief / "publication.toml", old, new)
    result = run_cli("check", str(brief / "2022-17"))
    assert result.returncode == 2, result.stdout
    line = next(line for line in result.stdout.splitlines() if message in line)
    assert line.startswith(f"{brief / 'publication.toml'}:"), line
    number = int(line.split(":")[1])
    assert (
        new.split(" =")[0]
        in (brief / "publication.toml").read_text("utf-8").splitlines()[number - 1]
    )
