"""Addresses in running text, rendered and read back with pdfplumber (issue 23, point 5).

A URL or e-mail address that fits on a line is never broken: it moves whole to the
next line, and the line it leaves is justified within the layout's max_justification
or set flush left (its Han characters solid). Only an address longer than the measure
is broken, at its punctuation. Each paragraph below puts the addresses two em further
along than the one before, so that in some of them each short address would straddle a
line end; ``compositor preflight`` accepts the result, and finds an address that was
broken although it fits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest
from conftest import copy_mini, run_cli, shipped_fonts_only, weasy_write

from compositor.build import build_issue
from compositor.layout import Typesetting, load_layout
from compositor.paths import LAYOUTS_DIR
from compositor.preflight.typography import URL_SPLIT, preflight
from compositor.text.classes import is_han
from compositor.typeset.linebreak import UrlBreaks, can_break_before

EMAIL = "gxq@chinatorch.gov.cn"
SITE = "http://www.chinatorch.gov.cn/kjb/tzgg/202211/t20221108_181234.shtml"
LONG = (
    "https://fuwu.most.gov.cn/html/tztg/20221018/declaration-guide_2022.shtml"
    "?source=torch&channel=national-high-tech-zones&year=2022#section-3"
)
LEAD = "为做好国家高新区年度评价工作，现将有关事项通知如下，各有关单位高度重视，认真组织"
STEPS = range(0, 30, 2)  # Han characters of LEAD before the addresses
MARKS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰"  # one per paragraph, to find it again


def paragraph(number: int, before: int) -> str:
    return (
        f"{MARKS[number]}{LEAD[:before]}。材料请发送至电子邮箱{EMAIL}，"
        f"通知全文见{SITE}，申报系统网址为{LONG}，逾期提交的材料不予受理，请各单位认真组织。"
    )


PARAGRAPHS = [paragraph(number, before) for number, before in enumerate(STEPS)]
EM = 10.5  # pt: the torch layout's body size
LIMIT = load_layout(LAYOUTS_DIR / "torch").typesetting.max_justification  # em
SHORT = (EMAIL, SITE)  # each fits a line of the 42 em measure
FOLIO = re.compile(r"—\d+—")  # the page number, set in the body size


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("addresses")
    issue = copy_mini(root)
    body = "\n\n".join(PARAGRAPHS)
    (issue / "01.md").write_text(
        f'+++\nsection = "火炬在行动"\ntitle = "关于开展年度评价工作的通知"\n+++\n\n{body}\n',
        encoding="utf-8",
    )
    return build_issue(issue, root / "addresses.pdf").path


def read_rows(path: Path) -> list[list[dict]]:
    """Every line of body-size text, each a list of pdfplumber chars left to right."""
    found = []
    with pdfplumber.open(path) as document:
        for page in document.pages:
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                if abs(char["size"] - EM) < 0.1 and char["text"].strip():
                    rows.setdefault(round(char["top"], 0), []).append(char)
            lines = (sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows))
            found.extend(row for row in lines if not FOLIO.fullmatch(text_of(row)))
    return found


def text_of(row: list[dict]) -> str:
    return "".join(char["text"] for char in row)


@pytest.fixture(scope="module")
def paragraphs(pdf) -> list[list[list[dict]]]:
    """Each test paragraph's lines, found by its mark and its text."""
    rows = read_rows(pdf)
    texts = [text_of(row) for row in rows]
    result = []
    for text in PARAGRAPHS:
        first = next(i for i, line in enumerate(texts) if line.startswith(text[0]))
        last = first
        while len("".join(texts[first:last])) < len(text):
            last += 1
        assert "".join(texts[first:last]) == text  # read back whole, nothing added
        result.append(rows[first:last])
    return result


def lines_of(paragraph: list[list[dict]]) -> list[str]:
    return [text_of(row) for row in paragraph]


def test_each_short_address_is_whole_on_one_line(paragraphs):
    for paragraph in paragraphs:
        lines = lines_of(paragraph)
        for address in SHORT:
            assert any(address in line for line in lines), (address, lines)


def test_some_short_address_was_moved_to_the_next_line(paragraphs):
    """Not vacuous: in some paragraphs each address would have straddled a line end."""
    for address in SHORT:
        moved = [
            lines
            for lines in map(lines_of, paragraphs)
            if any(line.startswith(address) for line in lines[1:])
        ]
        assert moved, f"{address} never reached a line end: shift the paragraphs"


def test_the_line_an_address_leaves_is_justified_or_flush_left(paragraphs):
    right = max(row[-1]["x1"] for paragraph in paragraphs for row in paragraph)
    seen = 0
    for paragraph in paragraphs:
        for row, following in zip(paragraph, paragraph[1:], strict=False):
            if not text_of(following).startswith(SHORT):
                continue
            seen += 1
            han = [
                b["x0"] - a["x1"]
                for a, b in zip(row, row[1:], strict=False)
                if is_han(a["text"]) and is_han(b["text"])
            ]
            justified = abs(right - row[-1]["x1"]) < 0.6  # a closing mark may hang
            assert max(han) <= LIMIT * EM + 0.05, f"stretched past the limit: {text_of(row)}"
            assert justified or max(han) < 0.05, f"neither justified nor solid: {text_of(row)}"
    assert seen


def test_the_long_url_breaks_at_its_punctuation_where_it_falls(paragraphs):
    for paragraph in paragraphs:
        lines = lines_of(paragraph)
        whole = "".join(lines)
        start = whole.index(LONG)
        ends = [sum(map(len, lines[: i + 1])) for i in range(len(lines) - 1)]
        inside = [end - start for end in ends if start < end < start + len(LONG)]
        assert inside, lines  # 65 em of URL against 42 em of line
        urls = UrlBreaks.of(LONG)
        assert all(can_break_before(LONG, index, urls) for index in inside), lines
        assert start not in ends, f"moved although it breaks anyway: {lines}"


def test_preflight_passes_the_issue(pdf):
    result = run_cli("preflight", str(pdf))
    assert result.returncode == 0, result.stdout + result.stderr
    assert preflight(pdf).findings == ()


# --- a narrow box: its own width is the measure ------------------------------------------


def render_box(tmp_path, body: str) -> list[list[dict]]:
    """``body`` laid out by the seam in a 16 em box (10 pt), read back line by line."""
    import weasyprint

    from compositor.paths import FONTS_DIR
    from compositor.weasy.linebreak import cjk_typesetting

    font = FONTS_DIR / "CompositorSong-Regular.otf"
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({font.as_uri()}) }}
      @page {{ size: 400pt 800pt; margin: 20pt }}
      body {{ font: 10pt/1.6 body; margin: 0 }}
      td {{ width: 16em; padding: 0; vertical-align: top; text-align: justify }}
      table {{ border-collapse: collapse }}
      p {{ margin: 0 0 1em; text-indent: 2em }}
    </style><table><tr><td>{body}</td><td>旁栏</td></tr></table></html>"""
    path = tmp_path / "box.pdf"
    with shipped_fonts_only() as fonts, cjk_typesetting(Typesetting()):
        weasyprint.HTML(string=html).render(font_config=fonts).write_pdf(path)
    with pdfplumber.open(path) as document:
        rows: dict[tuple[int, float], list[dict]] = {}
        for number, page in enumerate(document.pages):
            for char in page.chars:
                if char["x0"] < 20 + 16 * 10 - 1 and char["text"].strip():  # not the 2nd cell
                    rows.setdefault((number, round(char["top"], 0)), []).append(char)
    return [sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows)]


def test_in_a_table_cell_the_cell_is_the_measure(tmp_path):
    """A 16 em cell: the e-mail address (about 10 em) is never broken; the site's
    address (about 30 em) is wider than the cell and breaks at its punctuation."""
    body = "".join(f"<p>{'各' * n}请发至{EMAIL}，或见{SITE}。</p>" for n in range(0, 14))
    lines = [text_of(row) for row in render_box(tmp_path, body)]
    whole = "".join(lines)
    assert whole.count(EMAIL) == 14, lines  # every paragraph's address on one line
    assert sum(line.startswith(EMAIL) for line in lines) >= 2, lines  # some moved
    assert not any(SITE in line for line in lines), lines  # the long one is broken …
    urls = UrlBreaks.of(SITE)
    ends = [sum(map(len, lines[: i + 1])) for i in range(len(lines) - 1)]
    for start in (i for i in range(len(whole)) if whole.startswith(SITE, i)):
        inside = [end - start for end in ends if start < end < start + len(SITE)]
        assert inside and all(can_break_before(SITE, i, urls) for i in inside), lines


# --- preflight: an address broken although it fits ---------------------------------------


def plain_pdf(tmp_path, name: str, broken: str) -> Path:
    """Three paragraphs from plain WeasyPrint (as a PDF made elsewhere), with a forced
    line break in ``broken`` at one of its legal break places."""
    from compositor.paths import FONTS_DIR

    font = FONTS_DIR / "CompositorSong-Regular.otf"
    text = (
        "各有关单位：根据工作安排，现将有关事项通知如下。申报材料请按要求填写并加盖公章，"
        f"扫描后发送至{broken}，联系电话010-88656000。逾期提交的材料不予受理，请认真组织。"
    )
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({font.as_uri()}) }}
      @page {{ size: 350pt 600pt; margin: 25pt }}
      p {{ font: 10pt/1.6 body; margin: 0; text-indent: 2em; text-align: justify }}
    </style>{f"<p>{text}</p>" * 3}</html>"""
    return weasy_write(html, tmp_path / name)


def split_messages(path: Path) -> list[str]:
    return [f.example for f in preflight(path).findings if f.message == URL_SPLIT]


def test_preflight_finds_an_address_broken_although_it_fits(tmp_path):
    broken = EMAIL.replace("@", "<br>@")  # gxq / @chinatorch.gov.cn, as in the issue
    examples = split_messages(plain_pdf(tmp_path, "short.pdf", broken))
    assert len(examples) == 3 and all("gxq / @chinatorch" in e for e in examples), examples


def test_preflight_accepts_a_long_address_broken_at_its_punctuation(tmp_path):
    broken = LONG.replace("/declaration", "<br>/declaration")  # each part fits, not the whole
    assert split_messages(plain_pdf(tmp_path, "long.pdf", broken)) == []
