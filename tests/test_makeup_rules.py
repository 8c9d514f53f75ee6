"""Page make-up a typesetter would sign (issue 23), measured on the PDFs: the sample, the
mini and figures test issues, and tests/data/makeup, written the way editors write
(subheads followed by lists, credits at page ends, a chart that does not fit, a wide
table, addresses in running text).

Lines are told apart by their face, as a reader sees them: 黑体 at body size is a
subhead, 楷体 （供稿：…） a credit, the title face a title, 黑体 14 pt a banner.
"""

from __future__ import annotations

import shutil
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest
from conftest import DATA, draw_pictures, run_cli

from compositor.paths import LAYOUTS_DIR
from compositor.preflight.typography import Line, read_makeup, read_pages

sys.path.insert(0, str(DATA / "figures"))
from make_images import make_images  # noqa: E402

PITCH = 10.5 * 1.75
NEAR = 0.3  # pt
TEXT_TOP = 26 * 72 / 25.4  # style.css @page margin-top
# Gaps where a short page's slack may go (below an article, above a heading).
OPEN = {("body", "title"), ("credit", "title"), ("body", "subhead"), ("credit", "banner")}
# Gaps that hold a fixed space: a subhead above its text, a credit below its article.
FIXED = {("subhead", "body"), ("body", "credit")}
# A title or lead is centred in whole lines, so its text stands a part of a line further
# from it when it has more lines; never a whole line further.
HEADED = {("title", "body"), ("lead", "body")}


def kind(line: Line) -> str:
    font, size = line.font, line.size
    if font.startswith("role-heading"):
        return "banner" if size >= 13 else "subhead" if size == 10.5 else "caption"
    if font.startswith("role-title"):
        return "title"
    if font.startswith("role-kai"):
        return "credit" if line.text.startswith("（供稿") else "lead"
    if font.startswith("role-body") and size == 10.5 and not line.leadered:
        return "body"
    return "other"  # masthead, contents, table cells, folios


@pytest.fixture(scope="module")
def makeup_issue(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("makeup") / "makeup"
    shutil.copytree(DATA / "makeup", root)
    draw_pictures(root / "2023-03")
    return root / "2023-03"


@pytest.fixture(scope="module")
def built(makeup_issue, sample_pdf, tmp_path_factory) -> dict[str, Path]:
    """Every PDF these rules are measured on, built once."""
    out = tmp_path_factory.mktemp("makeup-pdfs")
    figures = out / "figures"
    shutil.copytree(DATA / "figures", figures)
    make_images(figures / "2023-02")
    pdfs = {"sample": sample_pdf.path}
    for name, folder in (
        ("makeup", makeup_issue),
        ("figures", figures / "2023-02"),
        ("mini", DATA / "mini" / "2023-01"),
    ):
        result = run_cli("build", str(folder), "-o", str(out / f"{name}.pdf"))
        assert result.returncode == 0, result.stderr
        pdfs[name] = out / f"{name}.pdf"
    return pdfs


def transitions(pdf: Path):
    """(page, kind above, kind below, baseline distance) for consecutive text lines of a
    page with nothing drawn between them (a picture or a table's rows part them)."""
    with pdfplumber.open(pdf) as document:
        images = [[(i["top"], i["bottom"]) for i in page.images] for page in document.pages]
    for page in read_pages(pdf):
        lines = sorted(page.lines, key=lambda line: line.baseline)
        for above, below in zip(lines, lines[1:], strict=False):
            between = [b for t, b in images[page.number - 1] if above.baseline < b < below.baseline]
            if not between:
                yield page.number, kind(above), kind(below), below.baseline - above.baseline


@pytest.fixture(scope="module")
def gaps(built) -> dict[tuple[str, str], list[tuple[str, int, float]]]:
    found = defaultdict(list)
    for name, pdf in built.items():
        for page, above, below, distance in transitions(pdf):
            found[above, below].append((name, page, distance))
    return found


def test_a_subhead_is_one_line_above_its_text_and_a_credit_one_line_below(gaps):
    """No slack between a subhead and its text, nor before a credit, on any page of any
    issue (the sample's credits stood 2-3 lines below their articles)."""
    for pair in sorted(FIXED):
        seen = gaps[pair]
        assert len(seen) >= 5, f"too few {pair} in the test issues"
        wrong = [(n, p, round(d, 1)) for n, p, d in seen if abs(d - PITCH) > NEAR]
        assert wrong == [], f"{pair} not one line apart: {wrong}"


def test_a_title_or_lead_is_never_a_line_further_from_its_text(gaps):
    for pair in sorted(HEADED):
        seen = gaps[pair]
        least = min(distance for _, _, distance in seen)
        wide = [(n, p, round(d, 1)) for n, p, d in seen if d > least + PITCH - NEAR]
        assert wide == [], f"{pair} slack under a heading: {wide}"


def extra_lines_allowed(below: str) -> int:
    """What the torch layout lets the gap above a line of kind ``below`` take."""
    grid = tomllib.loads((LAYOUTS_DIR / "torch" / "layout.toml").read_text("utf-8"))["grid"]
    kind = {"title": "before-title", "banner": "before-banner", "subhead": "before-subhead"}
    return grid.get("max_lines", {}).get(kind[below], grid["max_gap_lines"])


def test_no_gap_takes_more_than_the_layout_allows(gaps):
    """One line at most above a subhead; between articles the layout allows two."""
    assert extra_lines_allowed("subhead") == 1
    assert sum(len(gaps[pair]) for pair in OPEN) >= 20
    for above, below in sorted(OPEN):
        seen = gaps[above, below]
        least = min((distance for _, _, distance in seen), default=0)
        # whole lines over the least; a heading centred in whole lines may differ by less
        most = extra_lines_allowed(below)
        wide = [(n, p, round(d, 1)) for n, p, d in seen if (d - least + NEAR) // PITCH > most]
        assert wide == [], f"{above, below} more than {most} line(s) over {least:.1f} pt: {wide}"


def test_lines_in_a_paragraph_are_never_spaced_out(gaps):
    assert {round(distance, 1) for _, _, distance in gaps["body", "body"]} >= {round(PITCH, 1)}
    spread = [(n, p, round(d, 1)) for n, p, d in gaps["body", "body"] if d < PITCH - NEAR]
    assert spread == []


def test_the_sample_pages_are_full_or_short_for_a_recorded_reason(built):
    makeup = read_makeup(built["sample"])
    assert set(makeup.reasons) <= {8}, makeup.reasons  # the page before a section banner
    if makeup.reasons:
        assert "section banner" in makeup.reasons[8]


def test_a_chart_that_does_not_fit_heads_the_next_page_and_the_text_fills_this_one(built):
    """图1 is written before 分季度看…; it does not fit on its page, so the paragraphs after
    it come forward and it heads the next page, caption with it, in reading order too."""
    with pdfplumber.open(built["makeup"]) as pdf:
        texts = [page.extract_text().replace(" ", "") for page in pdf.pages]
        [chart_page] = [n for n, page in enumerate(pdf.pages) if page.images]
        [image] = pdf.pages[chart_page].images
        assert image["top"] < TEXT_TOP + PITCH  # at the head of the text block
        caption = "图1　2018—2022年国家高新区营业收入".replace("　", "")
        assert caption in texts[chart_page].replace("　", "")
    before = "".join(texts[:chart_page])
    assert "分季度看" in before  # written after the chart
    assert texts[chart_page].index("图1") < texts[chart_page].index(
        "（供稿：科技部火炬中心统计处）"
    )
    makeup = read_makeup(built["makeup"])
    assert "figure" in makeup.reasons.get(chart_page, "figure")  # full, or says why


def test_our_builds_pass_our_preflight(built):
    for name in ("sample", "makeup", "figures", "mini"):
        result = run_cli("preflight", str(built[name]))
        assert result.returncode == 0, f"{name}: {result.stdout}"
        assert "no reason recorded" not in result.stdout, name


def test_the_test_issue_is_written_as_editors_write():
    """The make-up issue keeps what it was made to show (a fixture edit cannot drop it)."""
    text = "".join(p.read_text(encoding="utf-8") for p in (DATA / "makeup").rglob("*.md"))
    for needed in ("## 一、", "\n1. ", "\n（一）", "\n- ", "{width=100%}", "gxq@", "http://"):
        assert needed in text, needed


def test_a_contents_title_too_long_for_its_line_wraps_short_of_the_page_numbers(tmp_path):
    """A title that fills the line used to get its page number glued to it with no dots
    (…培训班（之2）5), or the dots and number alone on the next line: it now wraps short
    of the numbers' column, and its last line has dots running up to the number."""
    from conftest import copy_mini, edit

    folder = copy_mini(tmp_path)
    long = "科技部火炬中心举办2022年国家高新区主任和主要职能部门负责同志专题培训班（之2）"
    edit(folder / "01.md", 'title = "科技部火炬中心召开2023年工作会议"', f'title = "{long}"')
    result = run_cli("build", str(folder), "-o", str(tmp_path / "toc.pdf"))
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "toc.pdf") as pdf:
        chars = [c for c in pdf.pages[0].chars if c["top"] < pdf.pages[0].height / 2]
    rows = defaultdict(list)
    for char in chars:
        rows[round(char["top"])].append(char)
    entry = [sorted(row, key=lambda c: c["x0"]) for _, row in sorted(rows.items())]
    entry = [row for row in entry if any(c["text"] in "科（" for c in row)]
    title_rows = [row for row in entry if "科技部火炬中心举办" in "".join(c["text"] for c in row)]
    [first] = title_rows
    number_column = max(c["x1"] for row in entry for c in row if c["text"].isdigit()) - 10.5
    assert max(c["x1"] for c in first) <= number_column - 10  # wrapped short of the numbers
    below = entry[entry.index(first) + 1]
    text = "".join(c["text"] for c in below)
    assert text.startswith("（之2）") and text.rstrip("0123456789").endswith("..")
    number = max((c for c in below if c["text"].isdigit()), key=lambda c: c["x0"])
    dots = [c for c in below if c["text"] == "."]
    assert 0 <= number["x0"] - max(d["x1"] for d in dots) < 3  # the dots reach the number
