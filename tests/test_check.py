"""`compositor check`: every finding at its file:line:column, on crafted broken issues."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, copy_mini, edit, read_pdf, run_cli

from compositor.content import read_issue
from compositor.layout import layout_for, load_layout
from compositor.layout.estimate import estimate_issue
from compositor.text import typeset_issue

FINDING = re.compile(r"^(.+):(\d+):(\d+): (error|warning|info): (.+)$")


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    """A writable copy of the small test publication; returns its issue folder."""
    return copy_mini(tmp_path)


def position(path: Path, needle: str, offset: int = 0) -> str:
    """``file:line:column`` of the first ``needle`` in ``path`` (+ ``offset`` characters)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return f"{path}:{number}:{line.index(needle) + 1 + offset}"
    raise AssertionError(f"{needle!r} not in {path}")


def check(issue: Path, *options: str) -> tuple[int, list[str]]:
    result = run_cli("check", str(issue), *options)
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith(f"{issue}: "), lines  # the summary
    for line in lines[:-1]:
        assert FINDING.match(line), line
    return result.returncode, lines[:-1]


def findings(lines: list[str], level: str) -> list[str]:
    return [line for line in lines if f": {level}: " in line]


def test_a_clean_issue_has_no_findings_but_the_estimate(issue):
    status, lines = check(issue, "--strict")
    assert status == 0
    assert findings(lines, "error") == findings(lines, "warning") == []
    assert findings(lines, "info") == [
        f"{issue / 'issue.toml'}:1:1: info: about 2 pages (an estimate from line counts)"
    ]


def test_reports_every_error_at_once_not_just_the_first(issue):
    edit(issue / "issue.toml", "cumulative = 547", 'cumulative = "547"')
    edit(issue / "01.md", 'title = "科技部', 'titel = "科技部')
    edit(issue / "02.md", 'section = "奋进新征程 建功新时代"', 'section = "奋进新征程"')
    cumulative = position(issue / "issue.toml", '"547"')
    section = position(issue / "02.md", '"奋进新征程"')
    status, lines = check(issue)
    assert status == 2
    assert findings(lines, "error") == [
        f"{cumulative}: error: 'cumulative' must be a whole number, not str ('547')",
        f"{issue / '01.md'}:2:1: error: article front matter is missing the required key 'title'",
        f"{position(issue / '01.md', 'titel')}: error: unknown key 'titel' in article front "
        f"matter; did you mean 'title'? (known: section, title, lead, credit)",
        f"{section}: error: article is in section "
        f"'奋进新征程', which issue.toml does not declare; did you mean '奋进新征程 建功新时代'?",
    ]


def test_unknown_key_in_publication_and_section_tables(issue):
    edit(issue.parent / "publication.toml", "postcode =", "postcod =")
    edit(issue / "issue.toml", 'subtitle = "', 'subtitel = "')
    status, lines = check(issue)
    assert status == 2
    publication = issue.parent / "publication.toml"
    assert (
        f"{position(publication, 'postcod =')}: error: unknown key 'postcod' in [colophon]; "
        "did you mean 'postcode'?" in "\n".join(lines)
    )
    assert f"{publication}:5:1: error: [colophon] is missing the required key 'postcode'" in lines
    assert any(
        line.startswith(
            f"{position(issue / 'issue.toml', 'subtitel')}: error: unknown key "
            f"'subtitel' in [[sections]]; did you mean 'subtitle'?"
        )
        for line in lines
    )


def test_dates_and_numbers(issue):
    edit(issue / "issue.toml", "date = 2023-01-05", 'date = "2023-01-05"')
    edit(issue / "issue.toml", "number = 1", "number = 0")
    date = position(issue / "issue.toml", '"2023')
    status, lines = check(issue)
    assert status == 2
    assert f"{position(issue / 'issue.toml', '= 0', 2)}: error: 'number' must be 1 or more" in lines
    assert any(
        line.startswith(f"{date}: error: 'date' must be a date like 2022-10-18 (no quotes)")
        for line in lines
    )


def test_a_date_outside_the_issue_year_is_a_warning(issue):
    edit(issue / "issue.toml", "date = 2023-01-05", "date = 2022-12-30")
    status, lines = check(issue)
    assert status == 0
    assert findings(lines, "warning") == [
        f"{position(issue / 'issue.toml', '2022-12-30')}: warning: the date 2022-12-30 is not in "
        "the issue's year 2023"
    ]
    assert check(issue, "--strict")[0] == 1


def test_malformed_toml_names_the_line(issue):
    edit(issue / "issue.toml", "number = 1\n", "number = = 1\n")
    edit(issue / "02.md", "section =", "section ==")
    status, lines = check(issue)
    assert status == 2
    errors = findings(lines, "error")
    assert errors[0].startswith(f"{issue / 'issue.toml'}:2:1: error: malformed TOML")
    assert errors[1].startswith(f"{issue / '02.md'}:2:1: error: malformed TOML")


def test_sections_empty_duplicated_and_out_of_order(issue):
    (issue / "02.md").rename(issue / "00.md")  # 奋进新征程 now comes before 火炬在行动
    status, lines = check(issue)
    assert status == 2
    assert f"{issue / '01.md'}:1:1: error: article is out of order" in "\n".join(lines)

    (issue / "00.md").unlink()
    status, lines = check(issue)
    assert status == 0
    assert findings(lines, "warning") == [
        f"{position(issue / 'issue.toml', '奋进新征程', -1)}: warning: section "
        "'奋进新征程 建功新时代' has no articles: write one or remove the section"
    ]

    with (issue / "issue.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[[sections]]\ntitle = "火炬在行动"\n')
    status, lines = check(issue)
    assert status == 2
    toml_lines = (issue / "issue.toml").read_text(encoding="utf-8").split("\n")
    assert (
        f"{issue / 'issue.toml'}:{len(toml_lines) - 1}:9: error: section '火炬在行动' is "
        "declared twice; declare each section once" in lines
    )
    built = run_cli("build", str(issue), "-o", str(issue / "x.pdf"))
    assert built.returncode == 2
    assert "declared twice" in built.stderr and "Traceback" not in built.stderr


def test_duplicate_titles_and_articles_without_text(issue):
    shutil.copy(issue / "01.md", issue / "01a.md")
    status, lines = check(issue)
    assert status == 0
    assert findings(lines, "warning") == [
        f"{position(issue / '01a.md', '科技部火炬中心召开', -1)}: warning: the title "
        "'科技部火炬中心召开2023年工作会议' is also the title of 01.md"
    ]
    text = (issue / "01a.md").read_text(encoding="utf-8")
    (issue / "01a.md").write_text(text[: text.rindex("+++") + 4], encoding="utf-8")
    status, lines = check(issue)
    assert status == 2
    assert f"{issue / '01a.md'}:6:1: error: article has no paragraphs" in "\n".join(lines)


def test_half_width_punctuation_is_a_warning_at_its_column(issue):
    edit(issue / "01.md", "会议强调，要", "会议强调,要")
    edit(
        issue / "issue.toml",
        'subtitle = "国家高新区十年成就巡礼"',
        'subtitle = "国家高新区(十年)成就巡礼"',
    )
    status, lines = check(issue)
    assert status == 0
    assert findings(lines, "warning") == [
        f"{position(issue / 'issue.toml', '(')}: warning: half-width '(' in Chinese text: type "
        "the full-width '（' (the build converts it)",
        f"{position(issue / 'issue.toml', ')')}: warning: half-width ')' in Chinese text: type "
        "the full-width '）' (the build converts it)",
        f"{position(issue / '01.md', '强调,', 2)}: warning: half-width ',' in Chinese text: type "
        "the full-width '，' (the build converts it)",
    ]
    assert check(issue, "--strict")[0] == 1


def test_characters_the_fonts_lack_are_errors_at_their_column(issue):
    # Extension G (𰀀 𰀁): no shipped face has it, the fallback face (补字) neither
    edit(issue / "02.md", "牢牢把握", "牢牢把握𰀀")
    edit(issue / "01.md", 'credit = "科技部火炬中心"', 'credit = "科技部火炬中心𰀁"')
    status, lines = check(issue)
    assert status == 2
    errors = findings(lines, "error")
    assert errors[0].startswith(
        f"{position(issue / '01.md', '𰀁')}: error: '𰀁' (U+30001) is not in the kai font"
    )
    assert errors[1].startswith(
        f"{position(issue / '02.md', '𰀀')}: error: '𰀀' (U+30000) is not in the body font"
    )
    assert len(errors) == 2


def test_what_only_the_reader_rejects_is_still_an_error(issue):
    """check never passes an issue that build refuses."""
    edit(issue / "issue.toml", 'editors = ["叶伟"]', "editors = [1]")
    status, lines = check(issue)
    assert status == 2
    assert findings(lines, "error") == [
        f"{issue / 'issue.toml'}:5:1: error: 'editors' must be a list of names in quotes"
    ]
    assert run_cli("build", str(issue), "-o", str(issue / "x.pdf")).returncode == 2


def test_not_an_issue_folder(tmp_path):
    status, lines = check(tmp_path)
    assert status == 2
    assert lines == [
        f"{tmp_path}:1:1: error: not an issue folder: it has no issue.toml, and an issue folder "
        "needs one (see docs/content-format.md)"
    ]


def test_a_table_of_contents_too_long_for_page_1(issue, tmp_path):
    """The warning agrees with the PDF: the last contents entries move to page 2."""
    body = "十年来，高新区坚持创新驱动发展，营业收入持续增长。"
    for number in range(3, 41):
        section = "火炬在行动" if number < 20 else "奋进新征程 建功新时代"
        title = f"第{number}篇：国家高新区创新发展情况综述"
        (issue / f"{number:02d}.md").write_text(
            f'+++\nsection = "{section}"\ntitle = "{title}"\n+++\n\n{body}\n', encoding="utf-8"
        )
    (issue / "02.md").unlink()  # its section comes second: the new files take its place
    status, lines = check(issue)
    assert status == 0, lines
    warnings = findings(lines, "warning")
    assert len(warnings) == 1
    assert warnings[0].startswith(
        f"{position(issue / 'issue.toml', '[[sections]]')}: warning: the table of contents needs "
    )
    out = tmp_path / "long.pdf"
    assert run_cli("build", str(issue), "-o", str(out)).returncode == 0
    assert "第40篇" not in read_pdf(out).pages[0]


def test_the_page_estimate_is_within_a_page_of_the_pdf(layout_builds):
    """On both layouts (issue 26): the brief has no contents, which then takes no lines."""
    issue = read_issue(layout_builds.sample.issue)
    estimate = estimate_issue(typeset_issue(issue, layout_for(issue).marks), layout_for(issue))
    pages = read_pdf(layout_builds["screen"]).page_count
    assert not estimate.toc_overflows
    assert abs(estimate.pages - pages) <= 1, (estimate, pages)
    has_contents = load_layout(ROOT / "layouts" / layout_builds.sample.name).selector("contents")
    assert (estimate.toc_lines > 0) == bool(has_contents), estimate


def test_the_sample_issue_is_clean():
    status, lines = check(SAMPLE, "--strict")
    assert status == 0, lines
