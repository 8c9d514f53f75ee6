"""Tables get column widths from their content (issue 23, point 4), on a real build.

The issue is tests/data/mini with three tables added to 01.md: a 7-column table with
long cells that fits only a size smaller, a small table that fits as it is, and one
whose Latin words cannot fit even a size smaller. Expectations come from the content
typed here and the layout's sizes (9 pt tables, 8 pt a size smaller, the text block
77.13 pt from each side), never from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import copy_mini, run_cli

LEFT = 77.13
RIGHT = 595.28 - 77.13  # the torch layout's text block (style.css @page)

TABLES = """
下表列出重点项目。

| 序号 | 项目名称 | 建设周期 | 合作方 | 总投资（亿元） | 完成投资（亿元） | 增长率（%） |
|---:|:---|:---:|:---|---:|---:|---:|
| 1 | 国家高新区创新能力提升工程重点项目 | 2022-2023 | International Cooperation Center | 1,234.5 | 12.25 | 3.5 |
| 2 | 科技企业孵化器建设项目 | 2021.01-2025.12 | Internationalization Alliance | 86 | 7.125 | 12.25 |
| 3 | 产业园区基础设施 | 2023-2024 | 高新区管委会 | 12,345,678.75 | 3.5 | 0.5 |
Table: 表1　重点项目投资情况

| 指标 | 2022年 | 增长 |
|:---|---:|---:|
| 营业收入 | 51.3 | 6.4% |
| 研发投入 | 1,234.56 | 12% |
Table: 表2　主要经济指标

| 领域 | 英文 | 英文 | 英文 | 英文 | 英文 | 英文 |
|:---|:---|:---|:---|:---|:---|:---|
| 电子信息 | Telecommunications | Internationalization | Biotechnology | Nanotechnology | Electromechanical | Microelectronics |
Table: 表3　领域名称对照
"""  # noqa: E501 (pipe tables as an editor types them)

# Never broken: numbers, date ranges, Latin words, a cell of up to four Han characters.
WHOLE = [
    "序号",
    "2022-2023",
    "2021.01-2025.12",
    "2023-2024",
    "International",
    "Internationalization",
    "Cooperation",
    "1,234.5",
    "12,345,678.75",
    "12.25",
    "7.125",
    "1,234.56",
    "6.4%",
]


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("tables"))
    article = folder / "01.md"
    article.write_text(article.read_text(encoding="utf-8") + TABLES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pdf(issue: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out") / "tables.pdf"
    result = run_cli("build", str(issue), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def words(pdf: Path) -> list[dict]:
    """Every word of the build (a gap of more than 1.5 pt ends a word), with its page."""
    found = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            for word in page.extract_words(x_tolerance=1.5, extra_attrs=["size"]):
                word["chars"] = [
                    c
                    for c in page.chars
                    if abs(c["top"] - word["top"]) < 0.5
                    and word["x0"] - 0.1 <= c["x0"]
                    and c["x1"] <= word["x1"] + 0.1
                ]
                found.append({**word, "page": page.page_number})
    return found


def word(words: list[dict], text: str) -> dict:
    matches = [w for w in words if w["text"] == text]
    assert matches, f"{text!r} is not a word of its own on any line"
    return matches[0]


@pytest.mark.parametrize("text", WHOLE)
def test_numbers_dates_words_and_short_cells_are_never_broken(words, text):
    matches = [w for w in words if w["text"] == text]
    assert matches, f"{text!r} does not stand whole on one line: {_near(words, text)}"


def _near(words: list[dict], text: str) -> list[str]:
    return [w["text"] for w in words if w["text"] and w["text"][:2] in text]


def test_a_long_header_takes_two_lines_at_most_its_unit_whole(words):
    """总投资（亿元）: its pieces are the words under its first one, in the same column."""
    for header in ("总投资（亿元）", "完成投资（亿元）", "增长率（%）"):
        first = next(w for w in words if w["text"] and header.startswith(w["text"]))
        pieces, rest = [first], header[len(first["text"]) :]
        while rest:
            below = [
                w
                for w in words
                if w["page"] == first["page"]
                and 0 < w["top"] - pieces[-1]["top"] < 2 * first["size"]
                and w["x0"] < first["x1"]
                and w["x1"] > first["x0"]
                and w["text"]
                and rest.startswith(w["text"])
            ]
            assert below, f"{header}: {[p['text'] for p in pieces]}, then not {rest!r}"
            pieces.append(below[0])
            rest = rest[len(below[0]["text"]) :]
        assert len(pieces) <= 2, [p["text"] for p in pieces]
        # broken, it breaks before its unit in brackets: 总投资 / （亿元）
        assert all("（" not in p["text"][1:] for p in pieces), [p["text"] for p in pieces]


def _point_x(found: dict) -> float:
    points = [c["x0"] for c in found["chars"] if c["text"] == "."]
    assert len(points) == 1, found["text"]
    return points[0]


@pytest.mark.parametrize(
    "column",
    [("12.25", "7.125"), ("51.3", "1,234.56"), ("1,234.5", "12,345,678.75")],
    ids=["three-decimals", "one-and-two", "thousands"],
)
def test_numbers_line_up_on_their_decimal_point(words, column):
    """Right-aligned numbers with different decimal places: the points, not the last
    digits, line up (set flush right, 12.25 and 7.125 would put them 4 pt apart)."""
    points = [_point_x(word(words, text)) for text in column]
    assert max(points) - min(points) <= 0.3, dict(zip(column, points, strict=True))


def test_a_column_of_numbers_stays_right_aligned(words):
    """86, 1,234.5 and 12,345,678.75 share a column typed |---:|: right-aligned, so
    their figures start far apart and end near each other (within a decimal part)."""
    cells = [word(words, text) for text in ("86", "1,234.5", "12,345,678.75")]
    assert cells[0]["x0"] > cells[1]["x0"] + 10 > cells[2]["x0"] + 20
    assert max(c["x1"] for c in cells) - min(c["x1"] for c in cells) < 3 * 8  # ≤ ".75"


def test_a_table_too_wide_at_9pt_is_set_at_8pt_and_fits_the_measure(pdf, words):
    cells = [w for w in words if "孵化器" in w["text"] or w["text"] in ("序号", "12.25")]
    assert len(cells) >= 3 and {round(w["size"], 1) for w in cells} == {8.0}
    with pdfplumber.open(pdf) as document:
        first = word(words, "序号")
        page = document.pages[first["page"] - 1]
        last = word(words, "12,345,678.75")
        table = [c for c in page.chars if first["top"] - 1 <= c["top"] <= last["bottom"] + 30]
        assert min(c["x0"] for c in table) >= LEFT - 0.5
        assert max(c["x1"] for c in table) <= RIGHT + 0.5


def test_a_table_that_fits_stays_at_9pt(words):
    sizes = {round(w["size"], 1) for w in words if w["text"] in ("营业收入", "研发投入", "51.3")}
    assert sizes == {9.0}


def test_check_warns_about_a_table_too_wide_even_at_8pt_and_the_build_succeeds(issue, pdf, words):
    result = run_cli("check", str(issue))
    assert result.returncode == 0, result.stdout + result.stderr
    warnings = [line for line in result.stdout.splitlines() if "too wide" in line]
    assert len(warnings) == 1, result.stdout
    lines = (issue / "01.md").read_text(encoding="utf-8").split("\n")
    table_line = lines.index("| 领域 | 英文 | 英文 | 英文 | 英文 | 英文 | 英文 |") + 1
    assert warnings[0].startswith(f"{issue / '01.md'}:{table_line}:")
    assert "warning" in warnings[0] and "表3　领域名称对照" in warnings[0]
    # the build printed it anyway, a size smaller, breaking its words
    assert round(word(words, "电子").get("size"), 1) == 8.0
