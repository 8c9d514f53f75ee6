"""Line breaks in table cells: ``<br>`` in a pipe-table cell, built with the real CLI and
read back.

tests/data/mini's first article gets three tables typed as an editor would: one whose
cells hold two and three lines (``<br>``, ``<br/>``, ``<br />``), an escaped ``\\<br>``
and a paragraph with ``<br>`` (both print as typed, as all HTML outside cells does); one
of Latin words that fits the measure at the layout's size only when each line is
measured on its own; and 20 rows of four lines each, which fill more pages than 20 rows
of one. Expectations come from the content typed here and the torch layout (9 pt tables,
the text block 77.13 pt from each side), never from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy
import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import copy_mini, read_pdf, run_cli

LEFT = 77.13
RIGHT = 595.28 - 77.13  # the torch layout's text block (style.css @page)
TABLE_PT = 9.0  # the torch layout's table size (a size smaller is 8 pt)
SCALE = 4  # pixels per pt when looking for rules
MIN_RULE = 100  # pt: longer than any run of dark pixels text makes, shorter than a rule

MEASURES = """
会议研究了下列措施。

| 类别 | 措施 | 责任单位 |
|:-----|:-----|:-----|
| 政策 | 第一行<br>第二行 | 火炬中心 |
| 服务 | 完善政策<br/>加强服务<br />优化环境 | 各高新区 |
| 宣传 | 照印\\<br>标记 | 办公室 |
Table: 表1　支持措施

段落里的<br>照原样印出。
"""

# Each cell's words measured together would be wider than a third of the measure.
NAMES = """
下表列出英文名称。

| 领域 | 名称 | 简称 |
|:---|:---|:---|
| 电子信息 | Internationalization<br>Telecommunications | Microelectronics<br>Nanotechnology |
| 生物医药 | Biotechnology<br>Electromechanical | Internationalization<br>Telecommunications |
Table: 表2　英文名称
"""  # noqa: E501 (a pipe table as an editor types it)


def steps_table(between: str = "<br>") -> str:
    """表3: 20 rows whose 环节 cell holds four lines (or, ``between`` "", one)."""
    steps = between.join(("申报", "评审", "验收"))
    rows = "\n".join(f"| {n + 1} | 第{n + 1}项{between}{steps} | 火炬中心 |" for n in range(20))
    head = "| 序号 | 环节 | 单位 |\n|---:|:---|:---|"
    return f"\n下表列出各项目环节。\n\n{head}\n{rows}\nTable: 表3　项目环节\n"


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("breaks"))
    article = folder / "01.md"
    text = article.read_text(encoding="utf-8") + MEASURES + NAMES + steps_table()
    article.write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pdf(issue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "breaks.pdf"
    result = run_cli("build", str(issue), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[dict]:
    """Per page: its words (with their size) and the horizontal rules drawn on it."""
    found = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            found.append({"words": page.extract_words(extra_attrs=["size"])})
    drawn = pdfium.PdfDocument(str(pdf))
    try:
        for page, found_page in zip(drawn, found, strict=True):
            found_page["rules"] = rule_heights(page.render(scale=SCALE, grayscale=True).to_numpy())
    finally:
        drawn.close()
    return found


def rule_heights(pixels: numpy.ndarray) -> list[float]:
    """The y in pt of every row of pixels with a dark run at least MIN_RULE pt long."""
    dark = pixels.reshape(pixels.shape[0], pixels.shape[1], -1)[:, :, 0] < 128
    heights = []
    for y, row in enumerate(dark):
        edges = numpy.flatnonzero(numpy.diff(numpy.concatenate(([0], row.view(numpy.int8), [0]))))
        if any(
            end - start >= MIN_RULE * SCALE
            for start, end in zip(edges[::2], edges[1::2], strict=True)
        ):
            heights.append((y + 0.5) / SCALE)
    return heights


def find(pages: list[dict], text: str) -> tuple[int, dict]:
    hits = [(n, w) for n, page in enumerate(pages) for w in page["words"] if w["text"] == text]
    assert len(hits) == 1, f"{text!r} printed {len(hits)} times, not once"
    return hits[0]


def word(page: dict, text: str) -> dict:
    [found] = [w for w in page["words"] if w["text"] == text]
    return found


def test_a_cells_lines_print_one_under_the_other_in_its_column(pages):
    """第一行<br>第二行: both lines start where the column starts (措施 above them), the
    second one line lower; the three lines of the next row likewise, each a line lower."""
    number, first = find(pages, "第一行")
    page = pages[number]
    header, next_column = word(page, "措施"), word(page, "责任单位")
    second = word(page, "第二行")
    assert first["x0"] == pytest.approx(header["x0"], abs=0.5)
    assert second["x0"] == pytest.approx(first["x0"], abs=0.5)
    assert second["x1"] < next_column["x0"]
    assert TABLE_PT <= second["top"] - first["top"] <= 2 * TABLE_PT
    lines = [word(page, text) for text in ("完善政策", "加强服务", "优化环境")]
    assert all(w["x0"] == pytest.approx(header["x0"], abs=0.5) for w in lines)
    steps = [b["top"] - a["top"] for a, b in zip(lines, lines[1:], strict=False)]
    assert all(TABLE_PT <= step <= 2 * TABLE_PT for step in steps), steps
    assert lines[0]["top"] > second["bottom"]  # the next row starts below both lines


def test_the_three_line_tables_rules_enclose_the_broken_rows(pages):
    """The top rule above the header, the rule under the header above 第一行, the bottom
    rule under the last row and nothing between the rows (a 三线表 has three rules)."""
    number, first = find(pages, "第一行")
    page = pages[number]
    header = word(page, "类别")
    last = word(page, "办公室")
    rules = [y for y in page["rules"] if header["top"] - 12 < y < last["bottom"] + 12]
    bands = [rules[0]] + [y for a, y in zip(rules, rules[1:], strict=False) if y - a > 1]
    assert len(bands) == 3, rules
    top, under_header, bottom = bands
    assert top < header["top"] and header["bottom"] < under_header < first["top"]
    assert word(page, "优化环境")["bottom"] < last["top"] < last["bottom"] < bottom


def test_an_escaped_break_and_one_outside_a_table_print_as_typed(pdf: Path):
    """``\\<br>`` in a cell and ``<br>`` in a paragraph are text, printed as typed."""
    text = re.sub(r"\s", "", "".join(read_pdf(pdf).pages))
    assert "照印<br>标记" in text
    assert "段落里的<br>照原样印出" in text


def test_lines_are_measured_each_on_its_own(pages):
    """Each cell of 表2 holds two Latin words on two lines: measured line by line the
    table fits at the layout's size, its words whole and one under the other."""
    number, long_word = find(pages, "Microelectronics")
    page = pages[number]
    assert long_word["size"] == pytest.approx(TABLE_PT, abs=0.05)
    under = word(page, "Nanotechnology")
    assert under["x0"] == pytest.approx(long_word["x0"], abs=0.5)
    assert under["top"] > long_word["bottom"]
    for text in ("Internationalization", "Telecommunications"):
        assert all(
            w["size"] == pytest.approx(TABLE_PT, abs=0.05)
            for w in page["words"]
            if w["text"] == text
        )
        assert len([w for w in page["words"] if w["text"] == text]) == 2
    assert min(w["x0"] for w in page["words"] if w["text"] == "电子信息") > LEFT - 1
    assert max(w["x1"] for w in page["words"] if w["text"] == "Telecommunications") < RIGHT + 1


def checked(issue: Path) -> tuple[str, int]:
    """`compositor check`'s output and its page estimate."""
    result = run_cli("check", str(issue))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    estimate = re.search(r"about (\d+) pages", output)
    assert estimate, output
    return output, int(estimate[1])


def test_check_is_clean_and_counts_the_lines_in_its_estimate(issue: Path, pdf: Path, tmp_path):
    """`compositor check` finds nothing to say about the breaks, and its page estimate
    counts each row's lines: 表3's 20 rows of four lines (some 800 pt) take a page more
    than the same rows of one line, as they do in print (within a page: an estimate)."""
    output, estimate = checked(issue)
    assert "0 errors, 0 warnings" in output, output
    assert abs(estimate - read_pdf(pdf).page_count) <= 1
    one_line = copy_mini(tmp_path)
    article = one_line / "01.md"
    text = article.read_text(encoding="utf-8") + MEASURES + NAMES + steps_table(between="")
    article.write_text(text, encoding="utf-8")
    assert estimate >= checked(one_line)[1] + 1


def test_check_reads_each_line_of_a_cell_as_the_build_prints_it(tmp_path):
    """Each line of a cell is text of its own, for check as for the build: a half-width
    comma after a break is found at its column and printed full-width; quotes around a
    break pair with nothing, so check says they print as typed, and they do."""
    folder = copy_mini(tmp_path)
    article = folder / "01.md"
    comma = "| 政策 | 第一行<br>第二行,第三段 | 火炬中心 |"
    quotes = '| 服务 | "完善政策<br>加强服务" | 各高新区 |'
    table = (
        f"\n| 类别 | 措施 | 责任单位 |\n|:---|:---|:---|\n{comma}\n{quotes}\nTable: 表1　支持措施\n"
    )
    article.write_text(article.read_text(encoding="utf-8") + table, encoding="utf-8")
    lines = article.read_text(encoding="utf-8").split("\n")
    output, _ = checked(folder)
    warnings = dict(re.findall(r"01\.md:(\d+:\d+): warning: (.*)", output))
    assert "，" in warnings[f"{lines.index(comma) + 1}:{comma.index(',') + 1}"], output
    for column in (quotes.index('"') + 1, quotes.rindex('"') + 1):
        assert "without its partner" in warnings[f"{lines.index(quotes) + 1}:{column}"], output
    out = tmp_path / "out" / "x.pdf"
    out.parent.mkdir()
    built = run_cli("build", str(folder), "-o", str(out))
    assert built.returncode == 0, built.stderr
    with pdfplumber.open(out) as document:
        words = {w["text"]: w for page in document.pages for w in page.extract_words()}
    first, second = words["第一行"], words["第二行，第三段"]
    assert second["x0"] == pytest.approx(first["x0"], abs=0.5) and second["top"] > first["bottom"]
    assert words['"完善政策']["x0"] == pytest.approx(first["x0"], abs=0.5)
    assert words['加强服务"']["top"] > words['"完善政策']["bottom"]
