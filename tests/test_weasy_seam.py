"""The WeasyPrint seam: the internals it relies on, and how it is switched on and off.

If an upgrade of WeasyPrint changes what compositor/weasy/ reaches into,
``test_weasyprint_internals_are_as_the_seam_expects`` fails and lists what moved.
"""

from __future__ import annotations

import inspect
import re
from contextlib import nullcontext

import pytest
import weasyprint
from conftest import ROOT, weasy_render
from weasyprint.layout import inline, preferred
from weasyprint.text import line_break

from compositor.layout import Typesetting
from compositor.typeset.spacing import LinePlan
from compositor.weasy import contents, linebreak, serialise
from compositor.weasy.internals import check_internals
from compositor.weasy.linebreak import PlannedLayout, cjk_typesetting

SETTINGS = Typesetting()
FONT = ROOT / "fonts" / "CompositorSong-Regular.otf"
HTML = f"""<html lang="zh-CN"><style>@page {{ size: 120pt 200pt; margin: 10pt }}
@font-face {{ font-family: song; src: url({FONT.as_uri()}) }}
body {{ margin: 0 }} p {{ font: 10pt song; text-align: justify }}</style>
<p>在2022年，一二三四五六七八九十“一二三”。</p></html>"""


def test_weasyprint_internals_are_as_the_seam_expects():
    problems = check_internals()
    assert not problems, "WeasyPrint changed under compositor/weasy/:\n" + "\n".join(problems)


def test_a_changed_signature_is_reported(monkeypatch):
    def set_text(self, text):  # a future WeasyPrint without the justify flag
        pass

    monkeypatch.setattr(line_break.Layout, "set_text", set_text)
    assert any("Layout.set_text" in problem for problem in check_internals())


def test_a_moved_function_is_reported(monkeypatch):
    monkeypatch.delattr(inline, "justify_line")
    assert "weasyprint.layout.inline.justify_line is gone" in check_internals()


def test_a_weasyprint_that_splits_text_boxes_differently_is_reported(monkeypatch):
    """The seam finds what surrounds a text box by the box WeasyPrint splits: a
    split_inline_level that stopped handing split_text_box the block's own box (or
    called it by another name) would silently lose that, so the check must say so."""
    source = inspect.getsource(inline)
    changed = source.replace(
        "split_text_box(\n            context, box,", "split_text(context, box,"
    )
    assert changed != source
    monkeypatch.setattr(inspect, "getsource", lambda module: changed)
    assert any("split_text_box" in problem for problem in check_internals())


def test_another_version_is_reported(monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert any("71.0" in problem for problem in check_internals())
    with (
        pytest.raises(RuntimeError, match="WeasyPrint internals changed"),
        cjk_typesetting(SETTINGS),
    ):
        pass


def test_a_change_after_a_passed_check_is_still_caught(monkeypatch):
    with cjk_typesetting(SETTINGS):  # the check passes and is remembered for the process
        pass

    def set_text(self, text):
        pass

    monkeypatch.setattr(line_break.Layout, "set_text", set_text)
    with pytest.raises(RuntimeError, match="Layout.set_text"), cjk_typesetting(SETTINGS):
        pass


def test_activation_is_scoped_and_restores_weasyprint():
    originals = (line_break.split_first_line, inline.justify_line, preferred.split_first_line)
    with cjk_typesetting(SETTINGS):
        assert line_break.split_first_line is not originals[0]
        assert inline.split_first_line is line_break.split_first_line
        assert preferred.split_first_line is line_break.split_first_line
        assert inline.justify_line is not originals[1]
        with pytest.raises(RuntimeError, match="already active"), cjk_typesetting(SETTINGS):
            pass
    assert (line_break.split_first_line, inline.justify_line, preferred.split_first_line) == (
        originals
    )
    with pytest.raises(ValueError), cjk_typesetting(SETTINGS):
        raise ValueError
    assert line_break.split_first_line is originals[0]


def text_boxes(box):
    if isinstance(getattr(box, "pango_layout", None), line_break.Layout):
        yield box
    for child in getattr(box, "children", ()):
        yield from text_boxes(child)


def test_chinese_lines_are_planned_and_their_widths_are_what_pango_draws():
    """Each planned line's box width is what Pango lays out once justification is applied."""
    with cjk_typesetting(SETTINGS):
        document = weasy_render(HTML)
    boxes = list(text_boxes(document.pages[0]._page_box))
    planned = [box for box in boxes if isinstance(box.pango_layout, PlannedLayout)]
    assert len(planned) >= 3
    assert any(box.pango_layout.justification > 0 for box in planned)
    for box in planned:
        layout = box.pango_layout
        layout.reactivate(box.style)  # as WeasyPrint does before drawing
        line, _ = layout.get_first_line()
        drawn = linebreak._glyph_advance(line) - layout.plan.end_trim
        layout.deactivate()
        # Drawing shrinks the invisible spacers by 1000/1024 to undo WeasyPrint's
        # misdrawing of empty glyphs; add that back to compare with the laid-out width.
        spacers = sum(gap for gap in layout.plan.gaps if gap) * (
            1 - linebreak.EMPTY_GLYPH_DRAW_SCALE
        )
        assert drawn + spacers == pytest.approx(box.width, abs=0.01), layout.plan.text


def test_text_that_is_not_chinese_is_left_to_weasyprint():
    html = HTML.replace('lang="zh-CN"', 'lang="en"')
    with cjk_typesetting(SETTINGS):
        document = weasy_render(html)
    boxes = list(text_boxes(document.pages[0]._page_box))
    assert boxes and not any(isinstance(box.pango_layout, PlannedLayout) for box in boxes)


def test_plan_survives_the_layout_being_recreated_for_drawing():
    plan = LinePlan("在2", gaps=(0.0, 2.5), stretch=(True, False))
    assert plan.pango_text == "在\u20632"
    assert plan.letter_spacing(1.0, spacer_scale=0.5) == [(0, 1, 1.0), (1, 2, 1.25)]


def test_pydyf_is_as_the_serialisation_memo_expects():
    assert serialise.check_serialisation_internals() == []


def test_a_pydyf_that_no_longer_rereads_streams_is_reported(monkeypatch):
    import pydyf

    def write(self, output, version=b"1.7", identifier=False, compress=False):
        pass  # a future pydyf that hashes while it writes

    monkeypatch.setattr(pydyf.PDF, "write", write)
    assert any("/ID" in problem for problem in serialise.check_serialisation_internals())


def test_streams_are_serialised_once_inside_the_block_only():
    import pydyf

    original = pydyf.Stream.data
    stream = pydyf.Stream([b"BT ET"], compress=True)
    with serialise.streams_serialised_once():
        first = stream.data
        stream.stream.append(b"q Q")  # never done while writing; shows the bytes are kept
        assert stream.data is first
    assert pydyf.Stream.data is original
    assert stream.data != first  # outside the block, serialised afresh


def test_a_weasyprint_that_subsets_fonts_differently_is_reported(monkeypatch):
    from weasyprint.pdf import fonts as weasy_pdf_fonts

    def subset(self, to_unicode, hinting, variations):
        pass  # a future WeasyPrint whose subsets depend on more than the memo's key

    monkeypatch.setattr(weasy_pdf_fonts.Font, "subset", subset)
    assert any("Font.subset" in problem for problem in serialise.check_serialisation_internals())


def test_a_leader_is_one_text_run_with_its_dots_where_weasyprint_puts_them(tmp_path, monkeypatch):
    """WeasyPrint fills a leader with one text box per dot (a text object each in the
    PDF); the seam sets them as one run: the same dots at the same places."""
    import pdfplumber
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    html = f"""<html lang="zh-CN"><style>@page {{ size: 300pt 120pt; margin: 10pt }}
    @font-face {{ font-family: song; src: url({FONT.as_uri()}) }}
    body {{ margin: 0; font: 10pt song }}
    a::after {{ content: leader(dotted) target-counter(attr(href url), page) }}</style>
    <p><a href="#one">第一篇文章</a></p><p><a href="#two">第二篇较长的文章标题</a></p>
    <h2 id="one">一</h2><h2 id="two">二</h2></html>"""

    def written(path):
        with cjk_typesetting(SETTINGS):
            weasy_render(html).write_pdf(path)
        with pdfplumber.open(path) as pdf:
            chars = pdf.pages[0].chars
            dots = sorted((round(c["top"], 1), c["x0"]) for c in chars if c["text"] == ".")
        page = pypdfium2.PdfDocument(path)[0]
        texts = sum(1 for obj in page.get_objects() if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT)
        return dots, texts

    dots, texts = written(tmp_path / "merged.pdf")
    # WeasyPrint's own leaders, for comparison
    monkeypatch.setattr(linebreak, "_handle_leader", lambda original, *args: original(*args))
    plain_dots, plain_texts = written(tmp_path / "plain.pdf")
    assert len(dots) == len(plain_dots) > 40
    # Pango sets the run's advances in its units (1/1024 pt): over 60 dots they drift
    # by 0.02 pt at most from WeasyPrint's float positions, a hundredth of a millimetre
    assert all(
        top == plain_top and abs(x - plain_x) < 0.03
        for (top, x), (plain_top, plain_x) in zip(dots, plain_dots, strict=True)
    )
    assert plain_texts - texts >= len(dots) - 2  # one text object per leader, not per dot


CONTENTS = f"""<html lang="zh-CN"><style>@page {{ size: 200pt 150pt; margin: 10pt }}
@font-face {{ font-family: song; src: url({FONT.as_uri()}) }}
body {{ margin: 0; font: 10pt song }} h2 {{ break-before: page; font-size: 10pt }}
a::after {{ content: leader(dotted) target-counter(attr(href url), page) }}</style>
<p><a href="#one">第一篇</a></p><p><a href="#two">第二篇</a></p><p><a href="#three">第三篇</a></p>
<h2 id="one">一</h2><h2 id="two">二</h2><p>正文</p><h2 id="three">三</h2></html>"""


def contents_layouts(monkeypatch, settled: bool) -> tuple[int, str]:
    """How many times the contents' page is laid out, and its text as drawn."""
    import functools

    import pypdfium2
    from weasyprint.layout import page as weasy_page

    made = []
    original = weasy_page.make_page

    @functools.wraps(original)  # the seam's check reads make_page's source
    def counted(context, root_box, page_type, resume_at, page_number, page_state):
        made.append(page_number)
        return original(context, root_box, page_type, resume_at, page_number, page_state)

    with monkeypatch.context() as patch:
        patch.setattr(weasy_page, "make_page", counted)
        with contents.page_total_settled() if settled else nullcontext():
            pdf = weasy_render(CONTENTS).write_pdf()
    return made.count(1), pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()


def test_the_contents_page_is_laid_out_twice_with_its_page_numbers(monkeypatch):
    """WeasyPrint alone lays the contents' page out three times; the third pass only
    lays out the numbers the second one read (see contents.page_total_settled)."""
    plain_count, plain_text = contents_layouts(monkeypatch, settled=False)
    count, text = contents_layouts(monkeypatch, settled=True)
    assert plain_count == 3
    assert count == 2
    numbers = [re.search(r"\.+\s*(\d+)", line).group(1) for line in text.splitlines()]
    assert numbers == ["2", "3", "4"]
    assert text == plain_text


LEADER = "a::after { content: leader(dotted) target-counter(attr(href url), page) }"
PAGE_NUMBERS = '.numbers::before { content: "x"' + ' " " counter(page, upper-roman)' * 30 + "}"
PAGE_TOTALS = '.numbers::before { content: "x"' + ' " " counter(pages, upper-roman)' * 30 + "}"
BREAK = "style='break-before: page'"
# Contents at the back, after a paragraph showing its page number thirty times: that
# paragraph is set again in the second pass and pushes 二 onto the next page.
BACK_CONTENTS = (
    f"<style>{LEADER} {PAGE_NUMBERS}</style><h2 id=one>一</h2>"
    + f"<p {BREAK}>正文</p>" * 6
    + f"<p {BREAK} class=numbers></p><p>行</p><p>行</p><h2 id=two>二</h2><p>文</p><p>文</p>"
    + f"<p {BREAK}>文</p><div {BREAK}><p><a href='#one'>第一篇</a></p>"
    + "<p><a href='#two'>第二篇</a></p></div>"
)
# Text showing the page total, whose pages never settle (WeasyPrint stops after 8 passes).
TOTALS_SHOWN = (
    f"<style>{LEADER} {PAGE_TOTALS}</style><p class=numbers></p>"
    + "<p>行</p>" * 5
    + "<h2 id=one>一</h2>"
    + "<p>文</p>" * 4
    + f"<h2 id=two {BREAK}>二</h2>"
    + f"<p {BREAK}>正文</p>" * 4
    + f"<h2 id=three {BREAK}>三</h2><div {BREAK}><p><a href='#one'>第一篇</a></p>"
    + "<p><a href='#two'>第二篇</a></p><p><a href='#three'>第三篇</a></p></div>"
)


def page_texts(body: str, settled: bool) -> list[str]:
    import pypdfium2

    html = f"""<html lang="zh-CN"><style>@page {{ size: 200pt 150pt; margin: 10pt }}
    @font-face {{ font-family: song; src: url({FONT.as_uri()}) }}
    body {{ margin: 0; font: 10pt/12pt song }} h2 {{ font-size: 10pt; margin: 0 }}</style>
    {body}</html>"""
    with contents.page_total_settled() if settled else nullcontext():
        pdf = pypdfium2.PdfDocument(weasy_render(html).write_pdf())
    return [page.get_textpage().get_text_range() for page in pdf]


@pytest.mark.parametrize("body", [BACK_CONTENTS, TOTALS_SHOWN], ids=["back", "totals"])
def test_contents_settling_draws_what_weasyprint_draws(body):
    """Where pages before the contents move in the second pass, or the page total is
    shown, the numbers are left to WeasyPrint: the same pages either way."""
    plain = page_texts(body, settled=False)
    assert page_texts(body, settled=True) == plain
    if body is BACK_CONTENTS:  # the contents give the page 二 is on
        page = next(n for n, text in enumerate(plain, 1) if "二" in text and "篇" not in text)
        assert re.search(r"第二篇[\s.]+(\d+)", plain[-1]).group(1) == str(page)


def test_weasyprint_internals_are_as_the_contents_settling_expects(monkeypatch):
    from weasyprint.layout import page as weasy_page

    assert contents.check_contents_internals() == []

    def make_page(context, root_box, page_type, resume_at, page_number, page_state):
        pass  # a future WeasyPrint that re-reads page counters some other way

    monkeypatch.setattr(weasy_page, "make_page", make_page)
    assert any("make_page" in problem for problem in contents.check_contents_internals())


def test_the_cmyk_gradient_seam_finds_what_it_needs_and_says_when_it_is_gone(monkeypatch):
    """weasy/gradients.py replaces Gradient.draw and calls the stream's shading methods:
    an upgrade that drops one of them is named, not met mid-build."""
    from weasyprint.pdf.stream import Stream

    from compositor.weasy.gradients import check_gradient_internals

    assert check_gradient_internals() == []
    monkeypatch.setattr(Stream, "paint_shading", None)
    assert check_gradient_internals() == ["weasyprint.pdf.stream.Stream.paint_shading"]
