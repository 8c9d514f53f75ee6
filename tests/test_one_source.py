"""Issue 18: build, check and import share one validator and one normaliser.

Each test here is one of the issue's defects, seen as an editor sees it: through the
CLI and in the PDF it prints. Every one of them failed before the change.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_mini, edit, read_pdf, run_cli

from compositor.fonts.fontset import load_fontset

MINI_TEXT_EDITS = [
    # defect 8: marks the layout adds, typed by the editor
    ("issue.toml", 'title = "火炬在行动"', 'title = "【火炬在行动】"'),
    ("issue.toml", 'subtitle = "国家高新区十年成就巡礼"', 'subtitle = "——国家高新区十年成就巡礼"'),
    ("01.md", 'credit = "科技部火炬中心"', 'credit = "（供稿：潍坊高新区）"'),
    # defect 9: stray spaces around Chinese punctuation and quotes
    ("01.md", "会议强调，要深入学习", "会议强调， 要形成 “研发” 的合力，要深入学习"),
    # defect 15: a line break inside a TOML title
    (
        "01.md",
        'title = "科技部火炬中心召开2023年工作会议"',
        'title = """科技部火炬中心召开2023年工作会议\n举办专题培训班"""',
    ),
]


Q = '"'  # a value's position is its opening quote


def check(issue: Path, *options: str) -> tuple[int, str]:
    result = run_cli("check", str(issue), *options)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, result.stdout


def position(path: Path, needle: str, offset: int = 0) -> str:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if needle in line:
            return f"{path}:{number}:{line.index(needle) + 1 + offset}"
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


@pytest.fixture(scope="module")
def typed_issue(tmp_path_factory) -> Path:
    """The small issue with what editors type that the layout or the normaliser handles."""
    issue = copy_mini(tmp_path_factory.mktemp("typed"))
    for name, old, new in MINI_TEXT_EDITS:
        edit(issue / name, old, new)
    return issue


@pytest.fixture(scope="module")
def typed_pdf(typed_issue: Path) -> str:
    """The PDF's text ("" if the build failed, which the tests then report)."""
    out = typed_issue.parent.parent / "typed.pdf"  # outside the content folders
    result = run_cli("build", str(typed_issue), "-o", str(out))
    return "".join(read_pdf(out).pages) if result.returncode == 0 else result.stderr


@pytest.fixture(scope="module")
def typed_check(typed_issue: Path) -> str:
    """What check prints; the typed marks and spaces are warnings, never errors."""
    return check(typed_issue)[1]


# --- defect 4 -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["123", "true"])
def test_4_a_section_title_that_is_not_text_is_an_error_everywhere(issue, value):
    edit(issue / "issue.toml", 'title = "火炬在行动"', f"title = {value}")
    where = position(issue / "issue.toml", f"= {value}", 2)
    message = f"'title' must be a \"string\", not {'int' if value == '123' else 'bool'}"
    status, out = check(issue)
    assert status == 2 and f"{where}: error: {message}" in out
    commands = [
        ("build", str(issue), "-o", str(issue.parent.parent / "x.pdf")),
        ("fonts", "check", str(issue)),
        ("new", str(issue.parent), "--date", "2023-02-05"),
    ]
    for command in commands:
        result = run_cli(*command)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert result.returncode == 2, (command, result.stderr)
        assert f"{where.rsplit(':', 1)[0]}: {message}" in result.stderr, (command, result.stderr)


# --- defect 5 -------------------------------------------------------------------------


def test_5_cumulative_behind_number_is_refused_by_build_and_import(issue, tmp_path):
    edit(issue / "issue.toml", "number = 1", "number = 12")
    edit(issue / "issue.toml", "cumulative = 547", "cumulative = 5")
    assert check(issue)[0] == 2
    result = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2, result.stderr
    assert "issue.toml:3: 'cumulative' (总第5期) is smaller than 'number' (第12期)" in result.stderr
    assert not (tmp_path / "x.pdf").exists()

    from conftest import SEED

    legacy = tmp_path / "legacy.txt"
    text = SEED.read_text(encoding="utf-8")
    assert "(总第546期)" in text
    legacy.write_text(text.replace("(总第546期)", "(总第5期)"), encoding="utf-8")
    out = tmp_path / "torch" / "2022-17"
    result = run_cli("import", str(legacy), "-o", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    line = next(n for n, t in enumerate(text.split("\n"), start=1) if "(总第546期)" in t)
    assert f"{legacy}:{line}: " in result.stderr and "smaller than 'number'" in result.stderr
    assert not out.exists()


# --- defect 7 -------------------------------------------------------------------------

# In the body (宋体) face but not in the Kai face that sets leads and credits.
NOT_IN_KAI = "⓵"


def test_7_a_lead_character_the_kai_face_lacks_is_an_error(issue, tmp_path):
    fonts = load_fontset()
    assert fonts.by_role("body").covers(NOT_IN_KAI) and not fonts.by_role("kai").covers(NOT_IN_KAI)
    edit(issue / "02.md", 'lead = "大战略', f'lead = "{NOT_IN_KAI}大战略')
    where = position(issue / "02.md", NOT_IN_KAI)
    status, out = check(issue)
    assert status == 2
    assert f"{where}: error: '{NOT_IN_KAI}' (U+24F5) is not in the kai font" in out
    fonts_check = run_cli("fonts", "check", str(issue))
    assert fonts_check.returncode != 0 and "U+24F5" in fonts_check.stdout + fonts_check.stderr
    built = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert built.returncode == 2 and "U+24F5" in built.stderr
    assert not (tmp_path / "x.pdf").exists()


# --- defect 8 -------------------------------------------------------------------------


def test_8_marks_the_layout_adds_are_printed_once(typed_pdf):
    assert "【火炬在行动】" in typed_pdf
    assert "【【" not in typed_pdf and "】】" not in typed_pdf
    assert "——国家高新区十年成就巡礼" in typed_pdf and "————" not in typed_pdf
    assert "（供稿：潍坊高新区）" in typed_pdf
    assert "（供稿：（供稿：" not in typed_pdf


def test_8_check_warns_about_marks_the_layout_adds(typed_issue, typed_check):
    assert ": error: " not in typed_check
    toml, article = typed_issue / "issue.toml", typed_issue / "01.md"
    assert (
        f"{position(toml, Q + '【火炬')}: warning: the layout prints 【】 around a section title "
        "itself: write '火炬在行动', not '【火炬在行动】'" in typed_check
    )
    assert f"{position(toml, Q + '——国家')}: warning: the layout prints —— before a subtitle" in (
        typed_check
    )
    assert (
        f"{position(article, Q + '（供稿')}: warning: the layout prints （供稿：…） around a "
        "credit itself: write '潍坊高新区'" in typed_check
    )


# --- defect 9 -------------------------------------------------------------------------


def test_9_stray_spaces_around_chinese_punctuation_are_not_printed(typed_pdf):
    assert "会议强调，要形成“研发”的合力，要深入学习" in typed_pdf


def test_9_check_warns_about_stray_spaces(typed_issue, typed_check):
    article = typed_issue / "01.md"
    for needle in (" 要形成", " “研发", " 的合力"):
        assert (
            f"{position(article, needle)}: warning: stray space in Chinese text: delete it"
            in typed_check
        ), typed_check


# --- defect 10 ------------------------------------------------------------------------


@pytest.mark.parametrize("marks", ["#", "###"])
def test_10_only_two_hashes_make_a_subhead(issue, tmp_path, marks):
    edit(issue / "02.md", "## 强化规划引领", f"{marks} 强化规划引领")
    where = position(issue / "02.md", f"{marks} 强化")
    status, out = check(issue)
    assert status == 2
    assert f"{where}: error: a subhead is written '## ' (two #)" in out
    built = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert built.returncode == 2 and "a subhead is written '## '" in built.stderr


def test_10_an_entity_draws_no_half_width_warning(issue, tmp_path):
    edit(issue / "01.md", "R&D经费", "研究&amp;开发经费")
    status, out = check(issue, "--strict")
    assert status == 0, out
    built = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert built.returncode == 0, built.stderr
    printed = "".join(read_pdf(tmp_path / "x.pdf").pages)
    assert "研究&开发" in printed and "&amp;" not in printed


# --- defect 11 ------------------------------------------------------------------------


def test_11_hidden_files_are_not_articles(issue, tmp_path):
    (issue / "._01.md").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (issue / ".#01.md").symlink_to("root@host.12345:1700000000")  # Emacs's lock: dangling
    status, out = check(issue, "--strict")
    assert status == 0, out
    built = run_cli("build", str(issue), "-o", str(tmp_path / "x.pdf"))
    assert built.returncode == 0, built.stderr

    from compositor.watch import Rebuilder

    assert Rebuilder(issue, tmp_path / "w.pdf").timed_build().error == ""


def test_11_numbers_of_unequal_width_are_a_warning(issue):
    text = (issue / "02.md").read_text(encoding="utf-8")
    (issue / "01.md").rename(issue / "1.md")
    (issue / "02.md").rename(issue / "2.md")
    (issue / "10.md").write_text(text.replace("无锡高新区：", "苏州高新区："), encoding="utf-8")
    status, out = check(issue)
    assert status == 0, out
    assert (
        f"{issue / '1.md'}:1:1: warning: articles are read in file-name order, which puts "
        "1.md, 10.md, 2.md in that order" in out
    )


# --- defect 15 (the line break; the widened subsets are the lead's) -------------------


def test_15_a_line_break_inside_a_toml_title_is_not_a_space(typed_pdf):
    assert "工作会议举办专题培训班" in typed_pdf
    assert "会议 举办" not in typed_pdf


# --- defect 14 ------------------------------------------------------------------------


def legacy_variant(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    from conftest import SEED

    text = SEED.read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "legacy.txt"
    path.write_text(text, encoding="utf-8")
    return path


def line_in(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n, text in enumerate(lines, start=1) if needle in text)


def run_import(legacy: Path, out: Path, *options: str):
    result = run_cli("import", str(legacy), "-o", str(out), *options)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_14_a_long_heading_merged_into_a_paragraph_is_a_warning(tmp_path):
    heading = "强化规划引领持续推进国家自主创新示范区高质量建设"  # 24 characters, no punctuation
    assert len(heading) == 24
    legacy = legacy_variant(tmp_path, ("\n强化规划引领\n", f"\n{heading}\n"))
    result = run_import(legacy, tmp_path / "torch" / "a")
    assert result.returncode == 0, result.stderr
    line = line_in(legacy, heading)
    assert f"{legacy}:{line}: warning: '{heading}' reads like a heading but is too long" in (
        result.stderr
    )
    strict = run_import(legacy, tmp_path / "torch" / "b", "--strict")
    assert strict.returncode == 2 and f"{legacy}:{line}: " in strict.stderr


def test_14_a_short_first_paragraph_taken_as_the_lead_is_a_warning(tmp_path):
    from conftest import SEED

    result = run_import(SEED, tmp_path / "torch" / "2022-17")
    assert result.returncode == 0, result.stderr
    line = line_in(SEED, "大战略呼唤大担当")
    assert (
        f"{SEED}:{line}: warning: the short first paragraph '大战略呼唤大担当，新起点瞄准新高度。' "
        "is taken as the article's lead" in result.stderr
    )
    strict = run_import(SEED, tmp_path / "torch2" / "2022-17", "--strict")
    assert strict.returncode == 2 and f"{SEED}:{line}: " in strict.stderr


def test_14_a_credit_may_hold_brackets(tmp_path):
    legacy = legacy_variant(tmp_path, ("(供稿:重庆高新区)", "(供稿:西部(重庆)科学城管委会)"))
    result = run_import(legacy, tmp_path / "torch" / "2022-17")
    assert result.returncode == 0, result.stderr
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "torch" / "2022-17").glob("*.md")]
    assert any('credit = "西部（重庆）科学城管委会"' in text for text in texts)
    assert not any("供稿" in text for text in texts)


def test_14_a_toc_title_ending_in_a_question_mark_is_a_title(tmp_path):
    title = "天津滨海高新区广大党员收听收看党的二十大开幕会"  # a TOC line of its own
    legacy = legacy_variant(tmp_path, (title, f"{title}?"))
    result = run_import(legacy, tmp_path / "torch" / "2022-17")
    assert result.returncode == 0, result.stderr
    toml = (tmp_path / "torch" / "2022-17" / "issue.toml").read_text(encoding="utf-8")
    assert f'title = "{title}？"' in toml or any(
        f'title = "{title}？"' in p.read_text(encoding="utf-8")
        for p in (tmp_path / "torch" / "2022-17").glob("*.md")
    )


# --- watch shows the findings (the design change) ------------------------------------


def test_watch_shows_what_check_warns_about_and_stops_on_what_it_calls_an_error(issue, tmp_path):
    from compositor.watch import BUILT, Rebuilder, describe

    edit(issue / "01.md", "会议强调，要", "会议强调， 要")
    rebuilder = Rebuilder(issue, tmp_path / "w.pdf")
    shown = describe(rebuilder.timed_build(), BUILT)
    warning = f"{position(issue / '01.md', ' 要')}: warning: stray space in Chinese text"
    assert warning in shown and f"built {tmp_path / 'w.pdf'}" in shown
    assert warning in check(issue)[1]

    edit(issue / "issue.toml", "cumulative = 547", "cumulative = 0")
    outcome = rebuilder.timed_build()
    assert outcome.result is None
    assert "'cumulative' must be 1 or more" in outcome.error
    status, out = check(issue)
    assert status == 2 and "error: 'cumulative' must be 1 or more" in out
