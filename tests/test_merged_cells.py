"""Tables with merged cells (issue 25, point 3), built with the real CLI and read back.

tests/data/mini's first article gets two tables typed as an editor would: a two-level
header (2021年 and 2022年 over 数量 | 增长) with cells merged down (华北 over three rows)
and across (合计 over three columns), and an 84-row table whose 片区 cells each span
seven rows, long enough to run onto further pages (续表). Expectations come from the
content typed here and the layout (the text block 77.13 pt from each side), never from
the code under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy
import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import copy_mini, run_cli

LEFT = 77.13
RIGHT = 595.28 - 77.13  # the torch layout's text block (style.css @page)
GROUPS, GROUP_ROWS = 12, 7
SCALE = 4  # pixels per pt when looking for rules
MIN_RULE = 30  # pt: longer than any run of dark pixels text makes

TWO_LEVELS = """
下表列出各地区高新区数量。

| 地区 | 2021年 | <    | 2022年 | <    |
| ^    | 数量   | 增长（%） | 数量   | 增长（%） |
|:-----|-------:|-----:|-------:|-----:|
| 华北 | 120 | 3.5 | 130 | 8.3 |
| ^    | 125 | 4.1 | 137 | 9.6 |
| ^    | 126 | 4.2 | 139 | 9.7 |
| 华东 | 210 | 5.2 | 228 | \\^ |
| 合计 | < | < | 634 | \\< |
Table: 表1　各地区高新区数量
"""


def long_table() -> str:
    rows = []
    for group in range(GROUPS):
        for n in range(GROUP_ROWS):
            first = f"第{group + 1}片区" if n == 0 else "^"
            rows.append(f"| {first} | 项目{group * GROUP_ROWS + n + 1:03d} | {100 + n} |")
    return (
        "\n下表列出各片区项目。\n\n| 片区 | 项目 | 投资 |\n|:---|:---|---:|\n"
        + "\n".join(rows)
        + "\nTable: 表2　各片区项目\n"
    )


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("merged"))
    article = folder / "01.md"
    article.write_text(
        article.read_text(encoding="utf-8") + TWO_LEVELS + long_table(), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def pdf(issue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "merged.pdf"
    result = run_cli("build", str(issue), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[dict]:
    """Per page: its words and its horizontal rules, as drawn (however the PDF draws a
    border, a rule is a run of dark pixels at least ``MIN_RULE`` pt long)."""
    found = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            found.append({"words": page.extract_words(), "text": page.extract_text()})
    drawn = pdfium.PdfDocument(str(pdf))
    try:
        for page, found_page in zip(drawn, found, strict=True):
            found_page["rules"] = dark_runs(page.render(scale=SCALE, grayscale=True).to_numpy())
    finally:
        drawn.close()
    return found


def dark_runs(pixels: numpy.ndarray) -> list[tuple[float, float, float]]:
    """(x0, x1, y) in pt of every run of dark pixels of a row at least MIN_RULE pt long."""
    dark = pixels.reshape(pixels.shape[0], pixels.shape[1], -1)[:, :, 0] < 128
    runs = []
    for y, row in enumerate(dark):
        edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], row.view(numpy.int8), [0]))))
        for start, end in zip(edges[::2], edges[1::2], strict=True):
            if end - start >= MIN_RULE * SCALE:
                runs.append((start / SCALE, end / SCALE, (y + 0.5) / SCALE))
    return runs


def find(pages: list[dict], text: str) -> tuple[int, dict]:
    hits = [(n, w) for n, page in enumerate(pages) for w in page["words"] if w["text"] == text]
    assert len(hits) == 1, f"{text!r} printed {len(hits)} times, not once"
    return hits[0]


def rules_at(page: dict, top: float, bottom: float) -> list[tuple[float, float]]:
    """The horizontal extents of the rules between ``top`` and ``bottom``, joined where
    they touch (a rule is drawn cell by cell)."""
    spans = sorted((x0, x1) for x0, x1, y in page["rules"] if top < y < bottom)
    joined: list[list[float]] = []
    for x0, x1 in spans:
        if joined and x0 <= joined[-1][1] + 0.5:
            joined[-1][1] = max(joined[-1][1], x1)
        else:
            joined.append([x0, x1])
    return [(x0, x1) for x0, x1 in joined]


def centre(word: dict) -> tuple[float, float]:
    return (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2


def test_a_two_level_header_has_its_rules_where_a_three_line_table_has_them(pages):
    page_number, year = find(pages, "2021年")
    page = pages[page_number]
    units = [w for w in page["words"] if w["text"] == "数量"]
    first_row = next(w for w in page["words"] if w["text"] == "120")
    total = next(w for w in page["words"] if w["text"] == "合计")
    full = (pytest.approx(LEFT, abs=0.6), pytest.approx(RIGHT, abs=0.6))
    # the heavy top rule above both header rows, the light one under the lower row only
    assert rules_at(page, year["top"] - 12, year["top"]) == [full]
    assert rules_at(page, units[0]["bottom"], first_row["top"]) == [full]
    assert rules_at(page, total["bottom"], total["bottom"] + 8) == [full]
    # between the two header rows: one short rule under each year, apart from each other
    groups = rules_at(page, year["bottom"], units[0]["top"])
    assert len(groups) == 2, groups
    assert groups[1][0] - groups[0][1] > 10
    assert all(x0 > LEFT + 20 and x1 < RIGHT - 5 for x0, x1 in groups)


def test_a_header_cell_over_two_columns_is_centred_over_them(pages):
    """2021年 spans 数量 | 增长（%）: its centre is that of its short rule, which runs from
    the left of the 数量 column to the right edge of the 增长 column's right-aligned
    figures, less the cells' padding at most."""
    page_number, year = find(pages, "2021年")
    page = pages[page_number]
    rule = rules_at(page, year["bottom"], year["bottom"] + 12)[0]
    assert centre(year)[0] == pytest.approx((rule[0] + rule[1]) / 2, abs=1.0)
    growth = next(w for w in page["words"] if w["text"] == "3.5")
    units = min((w for w in page["words"] if w["text"] == "数量"), key=lambda w: w["x0"])
    assert rule[0] < units["x0"] and rule[1] == pytest.approx(growth["x1"], abs=1.0)


def test_a_cell_merged_down_prints_once_centred_on_its_rows(pages):
    """华北 spans the rows of 120, 125 and 126: printed once, centred vertically on them
    (GB/T tables centre a merged cell; 地区 likewise on the two header rows)."""
    page_number, north = find(pages, "华北")
    page = pages[page_number]
    top = next(w for w in page["words"] if w["text"] == "120")
    bottom = next(w for w in page["words"] if w["text"] == "126")
    assert centre(north)[1] == pytest.approx((top["top"] + bottom["bottom"]) / 2, abs=1.0)
    _, region = find(pages, "地区")
    _, year = find(pages, "2021年")
    units = next(w for w in page["words"] if w["text"] == "数量")
    assert centre(region)[1] == pytest.approx((year["top"] + units["bottom"]) / 2, abs=1.0)


def test_a_cell_merged_across_is_centred_over_its_columns(pages):
    """合计 spans 地区, 数量 and 增长（%）: centred between the table's left edge and the
    right edge of the second column of figures (its 3.5), within the cells' padding."""
    page_number, total = find(pages, "合计")
    page = pages[page_number]
    growth = next(w for w in page["words"] if w["text"] == "3.5")
    padding = 3 * 72 / 25.4  # 3 mm each side of a cell
    assert centre(total)[0] == pytest.approx((LEFT + growth["x1"] + padding) / 2, abs=1.0)


def test_escaped_markers_print_as_characters(pages):
    page_number, _ = find(pages, "华东")
    text = pages[page_number]["text"]
    assert "228 ^" in text and "634 <" in text


def test_a_continued_table_never_cuts_a_merged_cell(pages):
    """Every 片区 prints once, on the page of all its seven rows; the table ran on."""
    assert sum(page["text"].count("续表2") for page in pages) >= 1
    for group in range(GROUPS):
        page_number, _ = find(pages, f"第{group + 1}片区")
        rows = [find(pages, f"项目{group * GROUP_ROWS + n + 1:03d}")[0] for n in range(GROUP_ROWS)]
        assert set(rows) == {page_number}, (group + 1, rows)


def test_without_merged_cells_the_long_table_would_have_been_cut_inside_a_group(pages):
    """The test above can fail: the first part ends before the page is full, where the
    next group's seven rows would not fit, so a page break by rows alone falls inside it."""
    first = find(pages, "第1片区")[0]
    last_row = max(
        (w for w in pages[first]["words"] if w["text"].startswith("项目")),
        key=lambda w: w["top"],
    )
    continued = next(n for n, page in enumerate(pages) if "续表2" in page["text"])
    assert continued == first + 1
    assert int(last_row["text"][2:]) % GROUP_ROWS == 0  # a whole group ends the part


# --- malformed merges: file, line, column and what to do ---------------------------------

BAD = {
    "left-in-first-column": (
        "| 地区 | 数量 |\n|---|---:|\n| < | 12 |\n",
        3,
        3,
        "first column",
    ),
    "up-in-first-header-row": (
        "| 地区 | ^ |\n| 省份 | 数量 |\n|---|---:|\n| 华北 | 12 |\n",
        1,
        8,
        "first row",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_merge_with_nothing_to_merge_into_stops_the_build(name, tmp_path):
    table, line, column, problem = BAD[name]
    folder = copy_mini(tmp_path)
    article = folder / "01.md"
    before = article.read_text(encoding="utf-8") + "\n下表。\n\n"
    article.write_text(before + table, encoding="utf-8")
    where = f"{article}:{before.count(chr(10)) + line}:{column}:"
    result = run_cli("build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert where in result.stderr and problem in result.stderr, result.stderr
    assert "\\<" in result.stderr  # says how to write the character itself
    assert not (tmp_path / "out.pdf").exists()
    checked = run_cli("check", str(folder))
    assert checked.returncode != 0 and f"{where} error:" in checked.stdout, checked.stdout


def test_a_table_made_in_code_is_written_back_in_the_syntax_and_reads_the_same(tmp_path):
    """What `compositor import` does with Word's merged cells: the model's spans written as
    `<` and `^` (a 2 × 2 block, a cell whose text is `<`) read back as the same table."""
    from compositor.content import MARKDOWN_RULES
    from compositor.content.blocks import markdown, read_block
    from compositor.importer.write import table_markdown
    from compositor.model import Source, Span, Table

    table = Table(
        header=("地区", "2021年", ""),
        lower_header=(("", "数量", "增长"),),
        rows=(("华北", "12", "<"), ("", "", ""), ("", "", "^")),
        align=("left", "right", "right"),
        caption="表1　测试",
        source=Source(tmp_path / "01.md", 1),
        spans=(Span(0, 0, 2, 1), Span(0, 1, 1, 2), Span(3, 0, 2, 2)),
    )
    written = table_markdown(table)
    assert written.splitlines()[:3] == [
        "| 地区 | 2021年 | < |",
        "| ^ | 数量 | 增长 |",
        "| :--- | ---: | ---: |",
    ]
    tokens = markdown(MARKDOWN_RULES).parse(written)
    (read,) = read_block(tokens, 0, tmp_path / "01.md", 1)
    assert (read.grid, read.spans, read.caption) == (table.grid, table.spans, table.caption)
