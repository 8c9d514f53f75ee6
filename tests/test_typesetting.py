"""Chinese typesetting read back from rendered PDFs: each clreq rule at a line edge.

Small paragraphs are set with the shipped body face at 10 pt in a measure of a
whole number of ems, through WeasyPrint with the seam active, and the glyph
positions are read back with pdfplumber (an extractor independent of our code).
Positions are in ems from the left edge of the text block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import ROOT, SAMPLE, weasy_write

from compositor.content import read_issue
from compositor.layout import Typesetting, layout_for
from compositor.preflight.typography import preflight, read_pages
from compositor.text import typeset_issue
from compositor.typeset.spacing import SPACER
from compositor.weasy.linebreak import cjk_typesetting

FONT = ROOT / "fonts" / "CompositorSong-Regular.otf"
EM = 10.0  # pt
MARGIN = 20.0  # pt
TOLERANCE = 0.5 / EM  # 0.5 pt, in em
# A 10-em measure (set_text) needs wider justification gaps than the 40-em default allows.
GB = Typesetting(punctuation="gb", han_latin_space=0.25, max_justification=0.5)
RUNNING_HEAD = re.compile(r"火炬动态·2022年第17期|—\d+—")


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float  # em from the left edge of the text block
    x1: float


@dataclass(frozen=True)
class Line:
    glyphs: list[Glyph]

    @property
    def text(self) -> str:
        return "".join(glyph.text for glyph in self.glyphs)

    def at(self, text: str) -> Glyph:
        return next(glyph for glyph in self.glyphs if glyph.text == text)


def set_text(
    tmp_path: Path,
    *paragraphs: str,
    measure: int = 10,
    settings: Typesetting | None = GB,
    align: str = "justify",
) -> list[Line]:
    """Set ``paragraphs`` in a measure of ``measure`` em; return the lines of page 1."""
    width = measure * EM + 2 * MARGIN
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({FONT.as_uri()}) }}
      @page {{ size: {width}pt 800pt; margin: {MARGIN}pt }}
      body {{ margin: 0 }}
      p {{ font: {EM}pt/1.5 body; margin: 0 0 {EM}pt; text-align: {align} }}
    </style>{"".join(f"<p>{p}</p>" for p in paragraphs)}</html>"""
    target = tmp_path / "set.pdf"
    if settings is None:
        weasy_write(html, target)
    else:
        with cjk_typesetting(settings):
            weasy_write(html, target)
    return read_lines(target)


def read_lines(path: Path) -> list[Line]:
    with pdfplumber.open(path) as pdf:
        rows: dict[float, list[Glyph]] = {}
        for char in pdf.pages[0].chars:
            glyph = Glyph(char["text"], (char["x0"] - MARGIN) / EM, (char["x1"] - MARGIN) / EM)
            rows.setdefault(round(char["top"], 1), []).append(glyph)
    return [Line(sorted(rows[top], key=lambda g: g.x0)) for top in sorted(rows)]


def visual_end(line: Line) -> float:
    """Where the ink ends: a closing mark at the line end hangs its blank half."""
    last = line.glyphs[-1]
    return last.x1 - 0.5 if last.text in "。，、：；！？”’）》」』】" else last.x1


def assert_flush(line: Line, measure: int = 10) -> None:
    assert abs(visual_end(line) - measure) <= TOLERANCE, (line.text, visual_end(line))


# ---------------------------------------------------------------- line edges


def test_closing_pair_fits_at_the_line_end(tmp_path):
    first, second = set_text(tmp_path, "一二三四五六七八九。”十一二")
    assert first.text == "一二三四五六七八九。”"
    assert first.at("”").x0 - first.at("。").x0 == pytest.approx(0.5, abs=0.01)
    assert first.at("”").x0 == pytest.approx(9.5, abs=TOLERANCE)  # ink flush right
    assert second.text == "十一二"


def test_latin_word_starts_a_line_without_space(tmp_path):
    first, second = set_text(tmp_path, "一二三四五六七八九ABC十一")
    assert first.text == "一二三四五六七八九"
    assert_flush(first)
    assert second.text.startswith("ABC")
    assert second.glyphs[0].x0 == pytest.approx(0, abs=0.01)
    assert second.at("十").x0 - second.at("C").x1 == pytest.approx(0.25, abs=0.01)


def test_dash_moves_down_whole(tmp_path):
    first, second = set_text(tmp_path, "一二三四五六七八九——十一")
    assert first.text == "一二三四五六七八九"
    assert_flush(first)
    assert second.text.startswith("——")


def test_number_stays_with_its_unit_and_sign(tmp_path):
    lines = set_text(tmp_path, "一二三四五六七八100万元", "一二三四五六七八增5.2%的")
    assert [line.text for line in lines] == [
        "一二三四五六七八",
        "100万元",
        "一二三四五六七八增",
        "5.2%的",
    ]
    assert_flush(lines[0])
    assert_flush(lines[2])


def test_break_before_opening_quote_that_pango_forbids(tmp_path):
    first, second = set_text(tmp_path, "一二三四五六七八九“十”一")
    assert first.text == "一二三四五六七八九"  # Pango would carry 九 down with “
    assert_flush(first)
    assert second.text.startswith("“十”")
    assert second.glyphs[0].x0 == pytest.approx(-0.5, abs=0.01)  # its blank half is gone


def test_no_closing_mark_starts_a_line(tmp_path):
    lines = set_text(tmp_path, "一二三四五六七八九十，一二三四五六七八九十。一二")
    assert lines[0].text == "一二三四五六七八九"
    assert all(line.text[0] not in "，。" for line in lines)
    assert_flush(lines[0])
    assert_flush(lines[1])


def test_last_line_is_never_one_character(tmp_path):
    lines = set_text(tmp_path, "一二三四五六七八九十家。")
    assert [line.text for line in lines] == ["一二三四五六七八九", "十家。"]
    assert_flush(lines[0])


# -------------------------------------------------------------- inside a line


def test_justification_spreads_between_characters_not_inside_words(tmp_path):
    lines = set_text(tmp_path, "一二三四ABC五六七，2022年底八九十一二三")
    first = lines[0]
    assert first.text.startswith("一二三四ABC")
    assert_flush(first)
    han_steps = [b.x0 - a.x0 for a, b in zip(first.glyphs[:3], first.glyphs[1:4], strict=True)]
    assert max(han_steps) - min(han_steps) < 0.01 and han_steps[0] > 1.0  # stretched evenly
    second = lines[1]
    assert_flush(second)
    for line, left, right in [(first, "A", "B"), (first, "B", "C"), (second, "2", "0")]:
        assert line.at(right).x0 - line.at(left).x1 == pytest.approx(0, abs=0.01)


def test_han_latin_quarter_em_and_compressed_pairs(tmp_path):
    (line,) = set_text(tmp_path, "在2022年。”好", align="left")
    assert line.at("2").x0 - line.at("在").x1 == pytest.approx(0.25, abs=0.01)
    assert line.at("年").x0 - line.glyphs[4].x1 == pytest.approx(0.25, abs=0.01)
    assert line.at("”").x0 - line.at("。").x0 == pytest.approx(0.5, abs=0.01)


def test_style_none_and_no_han_latin_space(tmp_path):
    settings = Typesetting(punctuation="none", han_latin_space=0)
    (line,) = set_text(tmp_path, "在2022年。”好", settings=settings, align="left")
    assert line.at("2").x0 - line.at("在").x1 == pytest.approx(0, abs=0.01)
    assert line.at("”").x0 - line.at("。").x0 == pytest.approx(1.0, abs=0.01)


def test_without_the_seam_weasyprint_leaves_the_line_short(tmp_path):
    """The same paragraph as above through raw WeasyPrint: proof the tests can fail."""
    first = set_text(tmp_path, "一二三四五六七八九“十”一", settings=None)[0]
    assert first.text == "一二三四五六七八"
    assert visual_end(first) < 10 - TOLERANCE


# ----------------------------------------------------------- the text stays


def drawn_text(path: Path) -> str:
    """The characters actually drawn, without the spaces and line breaks pdfium invents."""
    document = pdfium.PdfDocument(str(path))
    chars = []
    try:
        for page in document:
            text_page = page.get_textpage()
            for index in range(text_page.count_chars()):
                if not pdfium_c.FPDFText_IsGenerated(text_page.raw, index):
                    chars.append(chr(pdfium_c.FPDFText_GetUnicode(text_page.raw, index)))
            text_page.close()
    finally:
        document.close()
    return "".join(chars)


def test_pdf_text_is_the_source_text(tmp_path):
    source = "“在2022年，R&D经费增长5.2%。”他说：“好！”——这是100万元（约）……"
    lines = set_text(tmp_path, source, measure=8)
    assert len(lines) > 3  # broken at several edge cases
    assert "".join(line.text for line in lines) == source  # pdfplumber's view
    assert drawn_text(tmp_path / "set.pdf").replace("\r", "").replace("\n", "") == source


def test_sample_issue_text_is_drawn_unchanged(sample_pdf):
    drawn = drawn_text(sample_pdf.path)
    assert SPACER not in drawn
    flat = drawn.replace("\r", "").replace("\n", "").replace(" ", "")
    flat = RUNNING_HEAD.sub("", flat)  # drawn in the middle of a paragraph broken by a page
    issue = read_issue(SAMPLE)
    issue = typeset_issue(issue, layout_for(issue).marks)
    position = 0
    for article in issue.articles:
        for block in article.blocks:
            text = block.text.replace(" ", "")
            found = flat.find(text, position)
            assert found >= 0, f"not drawn as written: {block.text[:30]!r}"
            position = found + len(text)


def test_sample_issue_passes_preflight(sample_pdf):
    report = preflight(sample_pdf.path)
    # info: what the make-up did on purpose and recorded (a short page with its reason)
    faults = [f for f in report.findings if f.severity != "info"]
    assert faults == [], "\n".join(f"{f.page}: {f.rule}: {f.message} «{f.example}»" for f in faults)
    counts = report.counts
    assert counts["body lines"] > 250 and counts["short lines"] == 0
    assert counts["punctuation pairs"] > 20 and counts["uncompressed pairs"] == 0
    assert counts["Han-Latin boundaries"] > 150
    assert counts["Han-Latin spaced"] == counts["Han-Latin boundaries"]


def test_sample_headings_and_credits_stay_with_their_text(sample_pdf):
    """A title or subhead never ends a page; a credit line never starts one."""
    issue = read_issue(SAMPLE)
    headings = {a.title for a in issue.articles} | {
        b.text for a in issue.articles for b in a.blocks if b.kind == "subhead"
    }
    headings = {heading.replace(" ", "") for heading in headings}
    for page in read_pages(sample_pdf.path):
        lines = [line.text.replace(" ", "") for line in page.lines]
        body = [line for line in lines if not RUNNING_HEAD.fullmatch(line)]
        assert len(body) < len(lines)  # the page number at least was set aside
        first, last = body[0], body[-1]
        assert last not in headings, (page.number, last)
        assert not first.startswith("（供稿"), (page.number, first)
