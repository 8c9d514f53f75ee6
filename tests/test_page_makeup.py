"""Page make-up on real output: the line grid, 齐底 and the colophon (issue 13).

The sample is read back from its PDF; the seam's pass is also run on small documents
made for it, whose pages are counted in whole lines.
"""

from __future__ import annotations

import re
from collections import Counter

import pikepdf
import pypdfium2 as pdfium
import pytest
import weasyprint
from conftest import run_cli, squash

from compositor.layout import Grid
from compositor.paths import LAYOUTS_DIR
from compositor.preflight.typography import (
    body_lines,
    page_bottoms,
    read_makeup,
    read_pages,
)
from compositor.weasy.makeup import check_makeup_internals, line_grid, page_makeup

MM = 72 / 25.4
PAGE_HEIGHT = 297 * MM
TOP = 26 * MM  # style.css @page margin-top; page 1 is one line higher
PITCH = 10.5 * 1.75
LINES = 38
COLOPHON = squash("科技部火炬高技术产业开发中心")
EDITORS = squash("责任编辑")


@pytest.fixture(scope="module")
def sample(sample_pdf):
    pages = read_pages(sample_pdf.path)
    return sample_pdf, pages, body_lines(pages), read_makeup(sample_pdf.path)


def test_the_layout_declares_the_pitch_its_css_sets():
    css = (LAYOUTS_DIR / "torch" / "style.css").read_text(encoding="utf-8")
    html = re.search(r"\nhtml \{(.*?)\}", css, re.S)[1]
    size = float(re.search(r"font-size: ([\d.]+)pt", html)[1])
    height = float(re.search(r"line-height: ([\d.]+);", html)[1])
    bottom = float(re.search(r"@page \{.*?margin: 26mm [\d.]+pt ([\d.]+)pt", css, re.S)[1])
    assert size * height == PITCH
    assert round((PAGE_HEIGHT - TOP - bottom) / PITCH, 3) == LINES  # whole lines, and a hair


def test_every_body_line_sits_on_one_grid_for_all_pages(sample):
    _, _, lines, makeup = sample
    assert makeup.pitch == PITCH
    offsets = Counter(round((body.line.baseline - TOP) % PITCH, 2) for body in lines)
    assert len(lines) > 300
    (offset, _), *others = offsets.most_common()
    assert others == [], f"body lines off the grid at offsets {others} (most at {offset})"


def test_full_pages_end_on_the_last_grid_line_or_say_why(sample):
    _, pages, lines, makeup = sample
    bottoms = page_bottoms(pages, lines)
    assert len(bottoms) == len(pages) - 1  # every page but the last is a full page
    last_line = TOP + (LINES - 1) * PITCH + (lines[40].line.baseline - TOP) % PITCH
    flush = [n for n, bottom in bottoms.items() if abs(bottom - last_line) <= 0.5]
    short = sorted(set(bottoms) - set(flush))
    assert short == sorted(makeup.reasons), "a short page without a reason, or the reverse"
    assert len(short) <= 1, f"pages {short} short: {makeup.reasons}"


def test_the_colophon_shares_the_last_text_page(sample):
    pdf, _, lines, _ = sample
    assert pdf.page_count == 12
    last = squash(pdf.pages[-1])
    assert COLOPHON in last and EDITORS in last
    assert any(body.line.page == pdf.page_count for body in lines)  # with text on it
    assert all(EDITORS not in squash(page) for page in pdf.pages[:-1])


def test_preflight_reports_the_grid_and_bottoms_of_the_sample(sample_pdf):
    result = run_cli("preflight", str(sample_pdf.path))
    assert result.returncode == 0, result.stdout
    assert "body lines off it 0" in result.stdout
    assert "short 0" in result.stdout and "uncompressed 0" in result.stdout
    # 11 pages before the last; a page left short for the make-up's reason is apart
    bottoms = re.search(
        r"bottoms: spread ([\d.]+) pt over (\d+) full pages, short pages (\d+)"
        r"(?: \((\d+) with the make-up's reason\))?",
        result.stdout,
    )
    assert bottoms, result.stdout
    spread, full, short, reasoned = bottoms.groups()
    assert float(spread) <= 0.5 and int(short) == int(reasoned or 0)
    assert int(full) + int(reasoned or 0) == 11


def test_bookmarks_point_at_their_titles_after_the_blocks_moved(sample_pdf):
    """The make-up moves titles down after WeasyPrint gathered the bookmarks: they are
    gathered again, so each points at its title's top, not where it was."""
    document = pdfium.PdfDocument(str(sample_pdf.path))
    checked = 0
    with pikepdf.open(sample_pdf.path) as pdf:
        page_numbers = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            for section in outline.root:
                for item in section.children:  # article titles
                    page_index = page_numbers[item.destination[0].objgen]
                    top = float(item.destination[3])  # PDF space: up from the page foot
                    text = document[page_index].get_textpage()
                    search = text.search(item.title[:8])
                    tops = []
                    while hit := search.get_next():
                        tops.append(text.get_charbox(hit[0])[3])
                    below = [top - glyph for glyph in tops if glyph <= top]
                    assert below and min(below) < PITCH, (item.title, top, tops)
                    checked += 1
    assert checked >= 10


# ------------------------------------------------------------ the pass on small pages

PX = 20  # one grid line: 15 pt
SMALL_GRID = Grid(
    pitch_pt=15,
    blocks={"title": "title", "colophon": "colophon", "colophon-space": "colophon-space"},
    max_gap_lines=2,
    copyfit_lines=3,
)
STYLE = f"""<style>
  @page {{ size: 300px {10 * PX + 20}px; margin: 10px }}
  body {{ margin: 0; font: 10px/{PX}px sans-serif }}
  p {{ margin: 0; orphans: 2; widows: 2 }}
  .title {{ font-size: 14px; line-height: 25px; margin: 0; break-after: avoid }}
  .spaced {{ margin-top: {2 * PX}px }}
  .colophon-space {{ height: {3 * PX}px; break-inside: avoid }}
  .colophon {{ position: absolute; bottom: 0; left: 0; height: {2 * PX}px }}
</style>"""


def paragraph(name: str, lines: int) -> str:
    return "<p>" + "<br>".join(f"{name}{n:02d}" for n in range(1, lines + 1)) + "</p>"


def made_up(tmp_path, body: str, grid: Grid = SMALL_GRID, relayout: bool = False):
    html = weasyprint.HTML(string=STYLE + body)
    with line_grid(grid):
        document = html.render()
        laid_out = len(document.pages)
        again = lambda css: html.render(stylesheets=[weasyprint.CSS(string=css)])  # noqa: E731
        document = page_makeup(grid, document, again if relayout else None)
    path = tmp_path / "made-up.pdf"
    document.write_pdf(path, custom_metadata=True)
    lines = {line.text: (line.page, line.baseline) for p in read_pages(path) for line in p.lines}
    return laid_out, len(document.pages), lines, read_makeup(path)


def test_banner_text_stays_on_its_red_band_when_the_banner_moves(sample_pdf):
    """Slack placed before a banner moves it; its band (a background, which WeasyPrint
    places once after layout) must move with its text. On page 1 it did not."""
    import pdfplumber

    checked = 0
    with pdfplumber.open(sample_pdf.path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            bands = [r for r in page.rects if r["width"] > 200 and r["height"] > 20]
            for char in page.chars:
                if char["non_stroking_color"] not in ((1, 1, 1), [1, 1, 1]):
                    continue  # banner text is the paper colour on the red band
                inside = [
                    band
                    for band in bands
                    if band["top"] <= char["top"]
                    and char["bottom"] <= band["bottom"]
                    and band["x0"] <= char["x0"] <= band["x1"]
                ]
                assert inside, (number, char["text"], char["top"], [b["top"] for b in bands])
                checked += 1
    assert checked >= 10  # the sample's three banners


def test_a_title_is_padded_to_whole_lines_and_its_slack_goes_before_it(tmp_path):
    """10 lines a page. A (3) · T1 (25 px: 2 lines) · B (3) · T2 · C (3): T2 and C's first
    two lines need 3 lines, 2 are left, so T2 goes over and page 1 is 2 lines short."""
    body = (
        paragraph("a", 3)
        + '<h2 class="title">T1</h2>'
        + paragraph("b", 3)
        + '<h2 class="title">T2</h2>'
        + paragraph("c", 3)
    )
    _, pages, lines, makeup = made_up(tmp_path, body)
    assert pages == 2
    baseline = lines["a01"][1]
    line_of = {text: round((y - baseline) / 15, 3) for text, (page, y) in lines.items()}
    # T1 took 2 lines; page 1's 2 spare lines went before it (the one gap before a heading)
    assert line_of["b01"] == 3 + 2 + 2 and line_of["b03"] == 9  # the last grid line
    assert makeup.reasons == {}
    assert lines["T2"][0] == 2


def test_the_colophon_comes_back_when_tightening_wins_its_lines(tmp_path):
    """A (3) · 2 lines · T (2) · B (2) = 9 lines; the 3-line colophon spacer goes over
    alone. Taking the 2 lines before T (minimum 0) makes room on page 1."""
    body = (
        paragraph("a", 3)
        + '<h2 class="title spaced">T</h2>'
        + paragraph("b", 2)
        + '<div class="colophon-space"></div><footer class="colophon">colophon</footer>'
    )
    laid_out, pages, lines, makeup = made_up(tmp_path, body)
    assert (laid_out, pages) == (2, 1)
    assert lines["colophon"][0] == 1
    assert round((lines["b01"][1] - lines["a01"][1]) / 15, 3) == 3 + 2  # the title rose 2 lines
    assert makeup.reasons == {}


def test_the_colophon_keeps_its_page_when_tightening_cannot_win_enough(tmp_path):
    body = (
        paragraph("a", 3)
        + '<h2 class="title spaced">T</h2>'
        + paragraph("b", 2)
        + '<div class="colophon-space"></div><footer class="colophon">colophon</footer>'
    )
    strict = Grid(**{**SMALL_GRID.__dict__, "minimum": {"before-title": 2}})
    laid_out, pages, lines, makeup = made_up(tmp_path, body, strict)
    assert (laid_out, pages) == (2, 2)
    assert lines["colophon"][0] == 2
    assert "the colophon takes the next page" in makeup.reasons[1]


def test_gaps_on_the_page_before_are_closed_for_the_colophon_and_the_text_flows_back(
    tmp_path,
):
    """Page 1: A (3) · 2 lines · T (2) · B's first 3 lines; page 2: B's last 3 and C (5),
    2 lines free; the 3-line spacer goes over alone. Page 2 has no gap: one of the two
    lines before T on page 1 is closed in a second layout, B's 4th line comes back to
    page 1, and page 2 has the 3 lines the colophon needs."""
    body = (
        paragraph("a", 3)
        + '<h2 class="title spaced">T</h2>'
        + paragraph("b", 6)
        + paragraph("c", 5)
        + '<div class="colophon-space"></div><footer class="colophon">colophon</footer>'
    )
    laid_out, pages, lines, makeup = made_up(tmp_path, body)
    assert (laid_out, pages) == (3, 3)  # without a second layout it cannot be done
    assert lines["colophon"][0] == 3 and "the colophon takes the next page" in makeup.reasons[2]
    laid_out, pages, lines, makeup = made_up(tmp_path, body, relayout=True)
    assert (laid_out, pages) == (3, 2)
    assert lines["colophon"][0] == 2 and (lines["b04"][0], lines["b05"][0]) == (1, 2)
    line_of = {text: round((y - lines["a01"][1]) / 15, 3) for text, (_, y) in lines.items()}
    assert line_of["b01"] == 3 + 1 + 2  # one line left before T, not two
    assert line_of["b04"] == 9  # page 1 still ends on its last grid line
    assert makeup.reasons == {}


def test_a_colophon_that_cannot_share_the_page_brings_the_last_lines_with_it(tmp_path):
    """A (8) leaves 2 lines free for a 3-line colophon and has no gap to tighten: the
    colophon goes over, but the last lines of A (two: widows) go with it, so that no
    page holds the colophon alone; page 1, now short, says why."""
    body = (
        paragraph("a", 8)
        + '<div class="colophon-space"></div><footer class="colophon">colophon</footer>'
    )
    _, pages, lines, makeup = made_up(tmp_path, body)
    assert pages == 2 and lines["colophon"][0] == 2 and lines["a08"][0] == 1
    _, pages, lines, makeup = made_up(tmp_path, body, relayout=True)
    assert pages == 2 and lines["colophon"][0] == 2
    assert (lines["a06"][0], lines["a07"][0], lines["a08"][0]) == (1, 2, 2)
    assert "no gap above a title, banner or subhead" in makeup.reasons[1]


# ------------------------------------------------------------------------ preflight


def preflight_status(path) -> tuple[int, str]:
    result = run_cli("preflight", str(path))
    return result.returncode, result.stdout


def set_record(path, record: str | None, target) -> None:
    with pikepdf.open(path) as pdf:
        if record is None:
            del pdf.docinfo["/CompositorMakeup"]
        else:
            pdf.docinfo["/CompositorMakeup"] = record
        pdf.save(target)


def test_preflight_names_a_short_page_and_fails_ours_without_a_reason(tmp_path):
    """Page 1 full; page 2 holds 9 lines: D's 3 lines need 2 on a page (orphans), and
    page 2 has no gap to space out. Page 3 is the last: not a full page."""
    body = paragraph("a", 10) + paragraph("c", 9) + paragraph("d", 3)
    _, pages, _, makeup = made_up(tmp_path, body)
    assert pages == 3 and "no gap above a title, banner or subhead" in makeup.reasons[2]
    status, out = preflight_status(tmp_path / "made-up.pdf")
    assert status == 0, out
    assert "ends 15.0 pt (1.0 lines) above the other full pages: 1 line short" in out
    assert (
        "bottoms: spread 0.0 pt over 1 full pages, short pages 1 (1 with the make-up's reason)"
        in out
    )
    # the same PDF with the reason taken out: ours, short, unexplained
    set_record(tmp_path / "made-up.pdf", '{"pitch_pt": 15, "short": {}}', tmp_path / "bare.pdf")
    status, out = preflight_status(tmp_path / "bare.pdf")
    assert status == 1 and "no reason recorded" in out
    # without any record it is a PDF made elsewhere: reported, not failed
    set_record(tmp_path / "made-up.pdf", None, tmp_path / "foreign.pdf")
    status, out = preflight_status(tmp_path / "foreign.pdf")
    assert status == 0 and "no reason recorded (warning)" in out


def test_preflight_finds_body_lines_off_the_grid(tmp_path):
    body = paragraph("a", 5) + '<p style="margin-top: 7px">b01<br>b02</p>' + paragraph("c", 2)
    made_up(tmp_path, body)
    status, out = preflight_status(tmp_path / "made-up.pdf")
    assert status == 1, out
    assert "body lines off it 4" in out and "pt off the 15 pt line grid: «b01»" in out


def test_a_page_with_no_gap_lets_the_next_paragraph_break_one_line_differently(tmp_path):
    """Page 2 holds B's 9 lines; D's 2 lines cannot split with orphans and widows 2, so
    page 2 is a line short with nothing to space out. Laid out again with D's orphans and
    widows at 1, D's first line fills page 2; preflight is told, and only warns.
    (b and d: lines of one width, so that d01 ends at page 2's right edge.)"""
    body = paragraph("a", 10) + paragraph("b", 9) + paragraph("d", 2)
    _, _, lines, makeup = made_up(tmp_path, body)
    assert lines["d01"][0] == 3 and 2 in makeup.reasons  # without the second layout
    _, pages, lines, makeup = made_up(tmp_path, body, relayout=True)
    assert pages == 3 and (lines["d01"][0], lines["d02"][0]) == (2, 3)
    assert makeup.reasons == {} and makeup.relaxed == {2, 3}
    status, out = preflight_status(tmp_path / "made-up.pdf")
    assert status == 0, out
    assert "alone at the head of the page (for 齐底)" in out and "short pages 0" in out


def test_the_makeup_internals_of_weasyprint_are_where_the_seam_expects_them():
    """Fails loudly when a WeasyPrint upgrade moves what line_grid and page_makeup use."""
    assert check_makeup_internals() == []
