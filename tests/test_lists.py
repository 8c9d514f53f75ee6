"""Lists (issue 23, point 3): lines typed one per item print one item per line.

The rendered part builds one small issue (tests/data/mini with an article of lists
added) once per module and reads the PDF back with pdfplumber: where each line starts,
what it starts with, and where its baseline is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest

from compositor.content import parse_article
from compositor.content.lists import split_enumerator, split_paragraph
from compositor.model import ItemList, Paragraph
from compositor.text.normalize import normalize_item
from tests.conftest import SAMPLE, copy_mini, edit, run_cli

BODY_SIZE = 10.5  # pt, the torch layout's 五号
PITCH = 18.375  # pt, the torch layout's [grid] pitch_pt
LEFT = 77.13  # pt, the torch layout's left margin: the text block's left edge
INDENT = LEFT + 2 * BODY_SIZE  # a paragraph's first line (首行缩进 2 字)
TEXT_BOTTOM = 841.89 - 69.935  # pt: the text block's foot (below it: the folio)

LISTS = """
## 主要任务

会议部署了2023年重点任务：
1.实施创新驱动发展战略，加快建设科技强国，推动国家高新区在更高起点上实现高质量发展，打造具有全球影响力的创新高地；
2. 推动科技成果转移转化，完善技术转移体系；
3、建设一流创新生态。

1) 第一项任务：优化营商环境。
2) 第二项任务：壮大创新主体。

(1)培育科技型中小企业。
(2)发展高新技术企业。

（1）加强统筹协调。
（2）强化政策支持。

会议要求，各地要抓好落实。

## 其他事项

会议还研究了其他事项，强调要坚持问题导向，聚焦重点难点，加强统筹协调，形成工作合力，确保各项任务落到实处、取得实效。

①深化改革；
②扩大开放。

一、总体要求
二、重点工作

（一）强化创新引领
（二）壮大产业集群

- 列表一
- 列表二

·园区一
•园区二

1. 完善评价体系；
2. 优化考核机制。

2022年，国家高新区实现营业收入超过48万亿元，
同比增长5.2%，R&D经费支出占GDP比重达到4.6%，
3.5%的企业研发投入强度超过10%。

2022年国家高新区的营业收入继续保持增长。
"""

# Each item as printed: its enumerator as typed (brackets made full-width like any
# Chinese text's, the space after it dropped, a typed bullet printed as •), then its text.
ITEM_STARTS = [
    "1.实施创新驱动",
    "2.推动科技成果",
    "3、建设一流",
    "1）第一项任务",
    "2）第二项任务",
    "（1）培育科技",
    "（2）发展高新",
    "（1）加强统筹",
    "（2）强化政策",
    "①深化改革",
    "②扩大开放",
    "一、总体要求",
    "二、重点工作",
    "（一）强化创新",
    "（二）壮大产业",
    "•列表一",
    "•列表二",
    "•园区一",
    "•园区二",
    "1.完善评价",
    "2.优化考核",
]
PROSE = (
    "2022年，国家高新区实现营业收入超过48万亿元，同比增长5.2%，"
    "R&D经费支出占GDP比重达到4.6%，3.5%的企业研发投入强度超过10%。"
)


@dataclass(frozen=True)
class PrintedLine:
    page: int
    text: str
    x0: float
    baseline: float  # pt from the page top
    size: float


def printed_lines(path: Path) -> list[PrintedLine]:
    """Every line of body-size text, in reading order, from the PDF's glyphs."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                baseline = round(float(page.height) - char["matrix"][5], 2)
                rows.setdefault(baseline, []).append(char)
            for baseline in sorted(rows):
                chars = sorted(rows[baseline], key=lambda c: c["x0"])
                size = round(chars[0]["size"], 2)
                text = "".join(c["text"] for c in chars).replace(" ", "")
                found.append(PrintedLine(number, text, chars[0]["x0"], baseline, size))
    return [line for line in found if line.size == BODY_SIZE and line.baseline < TEXT_BOTTOM]


@pytest.fixture(scope="module")
def lists_pdf(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("lists"))
    article = folder / "01.md"
    last = "R&D经费支出占GDP比重达到4.6%。"
    edit(article, last, last + "\n" + LISTS)
    out = folder.parent.parent / "lists.pdf"
    result = run_cli("build", str(folder), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def lines(lists_pdf: Path) -> list[PrintedLine]:
    return printed_lines(lists_pdf)


def starting(lines: list[PrintedLine], text: str) -> PrintedLine:
    matches = [line for line in lines if line.text.startswith(text)]
    assert len(matches) == 1, f"{text!r} starts {len(matches)} lines: {[x.text for x in lines]}"
    return matches[0]


def at_indent(line: PrintedLine) -> bool:
    """Starts where a paragraph's first line does; an opening bracket's blank half may
    be taken off at the line start (up to half an em further left)."""
    return INDENT - 0.55 * BODY_SIZE <= line.x0 <= INDENT + 0.5


# --- rendered ------------------------------------------------------------------------


@pytest.mark.parametrize("start", ITEM_STARTS)
def test_each_item_starts_its_own_line_at_the_indent(lines, start: str) -> None:
    line = starting(lines, start)
    assert at_indent(line), f"{start!r} starts at {line.x0:.2f} pt, not at {INDENT:.2f}"


def test_an_item_wraps_back_to_the_left_edge(lines) -> None:
    first = starting(lines, "1.实施创新驱动")
    following = lines[lines.index(first) + 1]
    assert following.baseline == pytest.approx(first.baseline + PITCH, abs=0.01)
    assert following.x0 == pytest.approx(LEFT, abs=0.5)  # 回行顶格, not hanging
    assert (first.text + following.text).startswith(
        "1.实施创新驱动发展战略，加快建设科技强国，推动国家高新区在更高起点上实现高质量发展，"
        "打造具有全球影响力的创新高地；"
    )


def test_a_typed_bullet_prints_as_a_bullet(lists_pdf: Path, lines) -> None:
    assert not [line.text for line in lines if line.text[:1] in "-·*+"]
    with pdfplumber.open(lists_pdf) as pdf:
        bullets = [c for page in pdf.pages for c in page.chars if c["text"] == "\u2022"]
    assert len(bullets) == 4


def test_prose_typed_over_several_lines_still_joins(lines) -> None:
    first = starting(lines, "2022年，国家高新区")
    assert at_indent(first)
    following = lines[lines.index(first) + 1]
    assert (first.text + following.text) == PROSE
    assert following.x0 == pytest.approx(LEFT, abs=0.5)
    assert not [line for line in lines if line.text.startswith(("同比增长", "3.5%"))]


def test_a_paragraph_starting_with_a_year_is_a_paragraph(lines) -> None:
    line = starting(lines, "2022年国家高新区的营业收入继续保持增长。")
    assert at_indent(line)


def test_items_are_one_grid_pitch_apart(lines) -> None:
    """No slack between items or around them inside the text: body text, line by line.

    The subhead 其他事项 cannot stay at the foot of page 1 without its paragraph, so page 1
    has a line of slack (齐底) to place: it must go outside the lists."""
    first_page = [line for line in lines if line.page == 1]
    assert first_page[-1].baseline > TEXT_BOTTOM - PITCH  # page 1 is filled to its foot
    assert not [line for line in first_page if line.text.startswith("会议还研究了")]
    start = lines.index(starting(lines, "会议部署了2023年重点任务："))
    end = lines.index(starting(lines, "2022年国家高新区的营业收入"))
    run = [line for line in lines[start : end + 1] if line.x0 < INDENT + 0.5]  # body text
    steps = [
        round(b.baseline - a.baseline, 3)
        for a, b in zip(run, run[1:], strict=False)
        if a.page == b.page
    ]
    assert len(steps) >= len(ITEM_STARTS)
    assert steps == pytest.approx([PITCH] * len(steps), abs=0.01)


def test_preflight_is_clean_on_lists(lists_pdf: Path) -> None:
    result = run_cli("preflight", str(lists_pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("clean")


def test_check_estimates_the_pages_with_lists(lists_pdf: Path) -> None:
    folder = lists_pdf.parent / "mini" / "2023-01"
    result = run_cli("check", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    pages = len(pdfplumber.open(lists_pdf).pages)
    assert f"about {pages} pages" in result.stdout + result.stderr


# --- reading -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "marker", "text"),
    [
        ("1.实施", "1.", "实施"),
        ("1. 实施", "1.", "实施"),
        ("12、实施", "12、", "实施"),
        ("1)推动", "1)", "推动"),
        ("1） 推动", "1）", "推动"),
        ("(1)培育", "(1)", "培育"),
        ("（1）加强", "（1）", "加强"),
        ("①深化", "①", "深化"),
        ("一、总体", "一、", "总体"),
        ("十二、总体", "十二、", "总体"),
        ("（一）强化", "（一）", "强化"),
        ("- 列表", "-", "列表"),
        ("-列表", "-", "列表"),
        ("·园区", "·", "园区"),
        ("• 园区", "•", "园区"),
    ],
)
def test_enumerators_are_found(line: str, marker: str, text: str) -> None:
    assert split_enumerator(line) == (marker, text)


@pytest.mark.parametrize(
    "line",
    ["2022年，国家高新区", "3.5%的企业", "1.2倍", "-5℃", "--", "——", "*注：数据", "1.", "第一、"],
)
def test_prose_is_no_item(line: str) -> None:
    assert split_enumerator(line) is None


def test_two_enumerated_lines_make_a_list_and_prose_before_them_stays() -> None:
    split = split_paragraph("会议部署：\n1.实施\n战略；\n2.推动")
    assert split.lead == "会议部署："
    assert [(item.marker, item.text, item.line) for item in split.items] == [
        ("1.", "实施\n战略；", 1),
        ("2.", "推动", 3),
    ]


def test_one_enumerated_line_is_no_list() -> None:
    assert split_paragraph("一、总体情况\n2022年，国家高新区").items == ()


def write_article(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "01.md"
    path.write_text(f'+++\nsection = "s"\ntitle = "t"\n+++\n\n{body}\n', encoding="utf-8")
    return path


def kinds(blocks) -> list[tuple]:
    return [
        ("list", tuple((i.marker, i.text, i.source.line) for i in b.items))
        if isinstance(b, ItemList)
        else (b.kind, b.text)
        for b in blocks
    ]


def test_subhead_typed_alone_as_a_paragraph_stays_a_paragraph(tmp_path: Path) -> None:
    body = "一、总体情况\n\n1. 总体情况\n\n会议指出\n\n2022. 年份"
    blocks = parse_article(write_article(tmp_path, body)).blocks
    assert kinds(blocks) == [
        ("paragraph", "一、总体情况"),
        ("paragraph", "1. 总体情况"),
        ("paragraph", "会议指出"),
        ("paragraph", "2022. 年份"),
    ]


def test_commonmark_lists_become_list_blocks(tmp_path: Path) -> None:
    body = "导语\n- 甲\n- 乙\n\n1) 一\n2) 二\n   续\n\n* 星"
    blocks = parse_article(write_article(tmp_path, body)).blocks
    assert kinds(blocks) == [
        ("paragraph", "导语"),
        ("list", (("-", "甲", 7), ("-", "乙", 8))),
        ("list", (("1)", "一", 10), ("2)", "二续", 11))),
        ("list", (("*", "星", 14),)),
    ]


def test_chinese_items_typed_under_a_commonmark_item_are_items(tmp_path: Path) -> None:
    body = "1. 实施\n（1）细则甲\n（2）细则乙\n2. 推动\n   续行"
    blocks = parse_article(write_article(tmp_path, body)).blocks
    assert kinds(blocks) == [
        (
            "list",
            (
                ("1.", "实施", 6),
                ("（1）", "细则甲", 7),
                ("（2）", "细则乙", 8),
                ("2.", "推动续行", 9),
            ),
        ),
    ]


def test_escaped_markers_stay_text(tmp_path: Path) -> None:
    body = "1\\. 不是列表\n\n\\- 不是列表\n\n\\- 甲\n\\- 乙"
    blocks = parse_article(write_article(tmp_path, body)).blocks
    assert kinds(blocks) == [
        ("paragraph", "1. 不是列表"),
        ("paragraph", "- 不是列表"),
        ("paragraph", "- 甲- 乙"),
    ]


def test_an_article_of_a_list_alone_is_valid(tmp_path: Path) -> None:
    folder = copy_mini(tmp_path)
    article = folder / "02.md"
    text = article.read_text(encoding="utf-8")
    front = text[: text.index("+++", 3) + 3]
    article.write_text(front + "\n\n- 甲\n- 乙\n", encoding="utf-8")
    result = run_cli("check", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sample_has_no_lists() -> None:
    """The sample issue prints exactly as before lists existed: none of its paragraphs
    is read as one (its golden pages guard the print)."""
    for path in sorted(SAMPLE.glob("*.md")):
        blocks = parse_article(path).blocks
        assert not [b for b in blocks if isinstance(b, ItemList)], path
        assert any(isinstance(b, Paragraph) for b in blocks)


@pytest.mark.parametrize(
    ("marker", "text", "printed"),
    [
        ("-", "列表", ("•", "列表")),
        ("*", "列表", ("•", "列表")),
        ("·", "园区", ("•", "园区")),
        ("(1)", "培育", ("（1）", "培育")),
        ("1)", "推动", ("1）", "推动")),
        ("1.", "实施", ("1.", "实施")),
        ("（一）", "强化", ("（一）", "强化")),
        ("1)", "Hello world", ("1)", "Hello world")),
    ],
)
def test_an_item_prints_its_enumerator_as_typed(marker: str, text: str, printed) -> None:
    assert normalize_item(marker, text) == printed
