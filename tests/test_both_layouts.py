"""Both shipped layouts, torch and jianbao, pass the same checks (issue 26).

Each layout's sample is built once per kind (conftest.LayoutBuilds): preflight finds
nothing to fix, --press passes the press preflight, --pad-to puts its blank pages before
the back page, bookmarks lead to the pages the titles print on, and a copy of the layout
whose colophon spacer has another class (its role declared in layout.toml) pads the same.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import DATA, ROOT, SAMPLE, draw_pictures, read_pdf, run_cli, squash

from compositor.content import read_issue
from compositor.layout import load_layout

BRIEF = ROOT / "content" / "jianbao" / "2022-17"
FOLIO = re.compile(r"—\s*(\d+)\s*—")


def text_pages(path: Path) -> list[str]:
    return [squash(page) for page in read_pdf(path).pages]


def blank_pages(path: Path) -> list[int]:
    return [number for number, text in enumerate(text_pages(path), start=1) if not text]


def test_preflight_finds_nothing_to_fix(layout_builds):
    result = run_cli("preflight", str(layout_builds["screen"]))
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("clean"), result.stdout
    assert "off-grid" not in result.stdout and "no reason recorded" not in result.stdout


def test_press_build_passes_the_press_preflight(layout_builds):
    result = run_cli("preflight", str(layout_builds["press"]), "--press")
    assert result.returncode == 0, result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("PASS: 0 errors"), result.stdout
    assert "poppler, MuPDF, Ghostscript draw and read it as pdfium" in result.stdout


def test_press_keeps_the_screen_pages(layout_builds):
    assert read_pdf(layout_builds["press"]).pages == read_pdf(layout_builds["screen"]).pages


def test_pad_to_puts_the_blank_pages_before_the_back_page(layout_builds):
    screen, padded = text_pages(layout_builds["screen"]), text_pages(layout_builds["pad8"])
    assert len(screen) % 8, "the sample must need padding for this test to mean anything"
    assert len(padded) % 8 == 0
    blanks = blank_pages(layout_builds["pad8"])
    assert blanks, padded
    assert blanks == list(range(blanks[0], len(padded))), blanks  # together, before the last
    back = padded[-1]
    assert squash(layout_builds.sample.back_page) in back
    assert not FOLIO.search(back), back  # GB/T 9704: no folio on the 版记 page after blanks
    # the text before the blanks is the whole issue but its colophon: nothing split by them
    last_text = padded[blanks[0] - 2]
    article = read_issue(layout_builds.sample.issue).articles[-1]
    assert squash(f"（供稿：{article.credit}）") in last_text


def test_the_bookmarks_lead_to_the_pages_the_titles_print_on(layout_builds):
    """The contents' page numbers (torch prints them; both put them in the outline)."""
    issue = read_issue(layout_builds.sample.issue)
    pages = text_pages(layout_builds["screen"])
    with pikepdf.open(layout_builds["screen"]) as pdf, pdf.open_outline() as outline:
        marks = [
            (child.title, pdf.pages.index(pikepdf.Page(child.destination[0])) + 1)
            for section in outline.root
            for child in section.children
        ]
    assert [title for title, _ in marks] == [article.title for article in issue.articles]
    for title, page in marks:
        assert squash(title)[:12] in pages[page - 1], (title, page)


def renamed_spacer_layout(name: str, folder: Path) -> Path:
    """A copy of the layout whose colophon spacer has another class, declared in layout.toml."""
    layout = load_layout(ROOT / "layouts" / name)
    spacer = layout.class_of("colophon-space")
    copy = folder / f"{name}-renamed"
    shutil.copytree(layout.folder, copy)
    renames = {
        "style.css": (f".{spacer} ", ".foot-room "),
        "issue.html.j2": (f'class="{spacer}"', 'class="foot-room"'),
        "layout.toml": (f'\n{spacer} = "colophon-space"', '\nfoot-room = "colophon-space"'),
    }
    for file, (old, new) in renames.items():
        path = copy / file
        text = path.read_text("utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new), "utf-8")
    assert load_layout(copy).class_of("colophon-space") == "foot-room"
    return copy


def test_a_renamed_colophon_spacer_pads_at_the_end_as_before(layout_builds, tmp_path):
    copy = renamed_spacer_layout(layout_builds.sample.name, tmp_path)
    target = tmp_path / "renamed.pdf"
    result = run_cli(
        "build", str(layout_builds.sample.issue), "--layout", str(copy), "--pad-to", "8",
        "-o", str(target),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert text_pages(target) == text_pages(layout_builds["pad8"])
    assert blank_pages(target) == blank_pages(layout_builds["pad8"])
    assert run_cli("preflight", str(target)).returncode == 0


# --- the brief ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def brief(every_layout_builds) -> Path:
    return every_layout_builds["jianbao"]["screen"]


def test_the_brief_builds_byte_identical(brief, tmp_path):
    """(torch's: tests/test_press.py)"""
    again = tmp_path / "again.pdf"
    result = run_cli("build", str(BRIEF), "-o", str(again))
    assert result.returncode == 0, result.stderr
    assert again.read_bytes() == brief.read_bytes()


def test_the_brief_has_its_head_and_no_contents(brief):
    first = squash(read_pdf(brief).pages[0])
    assert first.startswith(
        squash("火炬工作简报第17期（总第546期）科技部火炬中心办公室2022年10月18日")
    )
    assert "【" not in first and "……" not in first  # no contents, no banners
    with pdfplumber.open(brief) as pdf:
        page = pdf.pages[0]
        name = [c for c in page.chars if c["text"] == "火"][0]
        assert name["size"] > 40
        assert (
            name["non_stroking_color"] in ((0, 1, 1, 0), [0, 1, 1, 0])
            or name["non_stroking_color"][0] > 0.8
        )  # red: RGB #e50012 on screen
        rules = [r for r in page.rects + page.lines if r["width"] > 400]
        assert rules, "the red rule under the head"


def test_the_brief_ends_with_its_distribution_record(brief):
    last = squash(read_pdf(brief).pages[-1])
    for line in ("报：科技部办公厅。", "发：各国家高新区管委会，中心各处室。", "（共印200份）"):
        assert squash(line) in last, last
    assert last.index(squash("报：")) < last.index(squash("送：")) < last.index(squash("发："))


def test_the_brief_prints_folios_outside(brief):
    with pdfplumber.open(brief) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            digits = [c for c in page.chars if c["top"] > page.height - 100 and c["text"].isdigit()]
            assert "".join(c["text"] for c in digits) == str(number)
            middle = page.width / 2
            assert (digits[0]["x0"] > middle) == (number % 2 == 1), number


def test_any_issue_builds_in_any_layout(tmp_path):
    """The torch sample as a brief: its head, its parts as heading lines, a 版记 line."""
    target = tmp_path / "torch-as-brief.pdf"
    result = run_cli("build", str(SAMPLE), "--layout", "jianbao", "-o", str(target))
    assert result.returncode == 0, result.stderr
    pages = text_pages(target)
    assert pages[0].startswith(squash("火炬动态第17期（总第546期）"))
    assert squash("科技部火炬高技术产业开发中心编印2022年10月18日印发") in pages[-1]
    assert run_cli("preflight", str(target)).returncode == 0


def test_layouts_lists_both_with_their_descriptions():
    result = run_cli("layouts")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(None, 1) for line in result.stdout.splitlines())
    assert set(lines) == {"jianbao", "torch"}
    assert "版记" in lines["jianbao"] and "火炬动态" in lines["torch"]


def test_an_unknown_layout_is_an_input_error():
    result = run_cli("build", str(SAMPLE), "--layout", "nosuch", "-o", "/tmp/x.pdf")
    assert result.returncode == 2
    assert "layout 'nosuch' not found" in result.stderr


def test_the_brief_sets_figures_and_tables_cleanly(tmp_path):
    """The test issue of figures and tables (续表, floats, merged cells) as a brief."""
    issue = tmp_path / "figures" / "2023-02"
    shutil.copytree(DATA / "figures", tmp_path / "figures")
    draw_pictures(issue)
    target = tmp_path / "figures-brief.pdf"
    result = run_cli("build", str(issue), "--layout", "jianbao", "-o", str(target))
    assert result.returncode == 0, result.stderr
    report = run_cli("preflight", str(target))
    assert report.returncode == 0, report.stdout
    with pdfplumber.open(target) as pdf:
        assert any(page.images for page in pdf.pages)
        assert any("续表" in (page.extract_text() or "") for page in pdf.pages)
