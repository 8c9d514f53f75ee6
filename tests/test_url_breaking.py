"""URLs and e-mail addresses in a paragraph, read back from the PDF with pdfplumber.

An address that fits on a line is never broken: it moves whole to the next line, and
the line it leaves is justified within max_justification or set flush left. One longer
than the measure starts where it falls and breaks only at its punctuation (Chicago
Manual 7.42: after // or :, before / . - _ ? # % ~ @, before or after = and &), never
inside a word; no justified line opens gaps wider than the layout's max_justification.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from conftest import copy_mini

from compositor.build import build_issue
from compositor.layout import Typesetting
from compositor.preflight.typography import preflight
from compositor.text.classes import is_han
from compositor.typeset.linebreak import UrlBreaks, can_break_before, choose_break

URL = (
    "https://fuwu.most.gov.cn/html/tztg/20221018/declaration-guide_2022.shtml"
    "?source=torch&channel=national-high-tech-zones#section-3"
)
EMAIL = "torch-center.declaration-office@chinatorch.org.cn"
PARAGRAPH = (
    "各有关单位：根据工作安排，现将有关事项通知如下。申报材料请登录科技部政务服务平台下载，"
    f"网址为{URL}，填写并加盖单位公章后扫描成彩色PDF文件发送至电子邮箱{EMAIL}，联系电话010-88656000。"
    "逾期提交的材料不予受理，请各单位认真组织，按时报送。"
)
AFTER = frozenset("/.-_?#%~@=&")  # a URL line may start with these
BEFORE = frozenset(":/=&")  # … or follow them (// and :, = and &)
EM = 10.5  # pt: the body size of the torch layout
DEFAULTS = Typesetting()


@pytest.fixture(scope="module")
def url_pdf(tmp_path_factory) -> Path:
    """The test issue with one article: the paragraph, twice."""
    root = tmp_path_factory.mktemp("url")
    issue = copy_mini(root)
    (issue / "01.md").write_text(
        '+++\nsection = "火炬在行动"\ntitle = "关于申报材料的通知"\n+++\n\n'
        f"{PARAGRAPH}\n\n{PARAGRAPH}\n",
        encoding="utf-8",
    )
    return build_issue(issue, root / "url.pdf").path


@pytest.fixture(scope="module")
def lines(url_pdf) -> list[list[dict]]:
    """The paragraph's lines: each a list of pdfplumber chars, left to right."""
    found = []
    with pdfplumber.open(url_pdf) as document:
        for page in document.pages:
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                if abs(char["size"] - EM) < 0.1 and char["text"].strip():
                    rows.setdefault(round(char["top"], 0), []).append(char)
            for top in sorted(rows):
                row = sorted(rows[top], key=lambda c: c["x0"])
                text = "".join(c["text"] for c in row)
                if found or text.startswith("各有关单位"):
                    found.append(row)
                if found and text.endswith("按时报送。"):
                    return found
    raise AssertionError("paragraph not found in the PDF")


def text_of(row: list[dict]) -> str:
    return "".join(char["text"] for char in row)


def test_the_paragraph_reads_back_whole_no_hyphen_added(lines):
    assert "".join(text_of(row) for row in lines) == PARAGRAPH.replace(" ", "")


def test_an_address_longer_than_the_measure_breaks_only_at_its_punctuation(lines):
    address = URL
    texts = [text_of(row) for row in lines]
    joined = "".join(texts)
    start = joined.index(address)
    breaks, position = [], 0
    for text in texts[:-1]:
        position += len(text)
        if start < position < start + len(address):
            breaks.append(position - start)
    assert breaks, f"{address} was expected to span lines: {texts}"
    for index in breaks:
        before, after = address[index - 1], address[index]
        where = f"{address[:index]} | {address[index:]}"
        assert not (before.isalnum() and after.isalnum()), f"broken inside a word: {where}"
        assert after in AFTER or before in BEFORE, f"not a Chicago break: {where}"
        assert address[index - 1 : index + 1] != "//", where
        assert not (before == ":" and after == "/"), f"https: parted from //: {where}"


def test_an_address_longer_than_the_measure_starts_where_it_falls(lines):
    """Moving it would gain nothing (it breaks anyway) and leave the line before short."""
    texts = [text_of(row) for row in lines]
    starts = {sum(len(text) for text in texts[:index]) for index in range(len(texts))}
    assert "".join(texts).index(URL) not in starts, texts


def test_an_address_that_fits_a_line_moves_to_the_next_whole(lines):
    """The paragraph brings the e-mail address to the line end: it starts the next line,
    whole, with the comma that may not start a line after it."""
    texts = [text_of(row) for row in lines]
    assert any(text.startswith(EMAIL + "，") for text in texts), texts


def test_no_line_has_gaps_wider_than_the_layout_allows(lines):
    # Between Han and Latin a quarter em is part of the design; justification adds at
    # most max_justification to any gap.
    limit = (DEFAULTS.max_justification + DEFAULTS.han_latin_space) * EM + 0.3
    for row in lines:
        widest = max(right["x0"] - left["x1"] for left, right in zip(row, row[1:], strict=False))
        assert widest <= limit, f"{widest:.1f} pt gap in {text_of(row)}"


def test_a_line_that_cannot_be_justified_is_flush_left_not_stretched(lines):
    """Lines end at the right edge, or (too loose to justify) are set solid."""
    right = max(row[-1]["x1"] for row in lines)
    for row in lines[:-1]:
        if right - row[-1]["x1"] > 1.0:  # a ragged line: its Han characters set solid
            han = [
                (a, b)
                for a, b in zip(row, row[1:], strict=False)
                if is_han(a["text"]) and is_han(b["text"])
            ]
            assert all(abs(b["x0"] - a["x1"]) < 0.3 for a, b in han), text_of(row)


def test_preflight_accepts_the_url_breaks_and_the_line_set_flush_left(url_pdf):
    report = preflight(url_pdf)
    assert report.findings == (), report.findings


def test_preflight_finds_a_url_broken_inside_a_word(tmp_path):
    """Plain WeasyPrint (as a PDF made elsewhere) breaks the URL anywhere."""
    import weasyprint

    from compositor.paths import FONTS_DIR

    font = FONTS_DIR / "CompositorSong-Regular.otf"
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({font.as_uri()}) }}
      @page {{ size: 350pt 600pt; margin: 25pt }}
      p {{ font: 10pt/1.6 body; margin: 0; text-indent: 2em; text-align: justify;
          overflow-wrap: anywhere }}
    </style>{f"<p>{PARAGRAPH}</p>" * 3}</html>"""
    weasyprint.HTML(string=html).write_pdf(tmp_path / "plain.pdf")
    messages = [finding.message for finding in preflight(tmp_path / "plain.pdf").findings]
    assert any("e-mail address broken at a wrong place" in m for m in messages), messages


# --- the rules alone (typeset.linebreak) ----------------------------------------------


@pytest.mark.parametrize(
    "marked",  # | marks every place inside the address where a line may end
    [
        "见https://|www|.a|.cn|/x",  # after //, before . and /; never inside https://
        "至torch|-center|@most|.gov|.cn。",  # before - @ .
        "见http://|a|.cn|/p|?k|=|1|&|m|=|2",  # before ?, before and after = and &
        "见mailto:|a|.b|@c|.cn",  # after a colon
        "见https://|a|.cn|/x|_y|%20|#z|~w",  # before _ % # ~
    ],
)
def test_breaks_inside_an_address_are_the_chicago_ones(marked):
    text = marked.replace("|", "")
    expected = {
        index - number
        for number, index in enumerate(i for i, char in enumerate(marked) if char == "|")
    }
    urls = UrlBreaks.of(text)
    (start, end), *_ = urls.spans
    inside = {index for index in range(start + 1, end) if can_break_before(text, index, urls)}
    assert inside == expected, [text[:index] + "|" + text[index:] for index in sorted(inside)]


def test_a_number_is_no_address():
    text = "增长5.2%，达到1.5万家"
    urls = UrlBreaks.of(text)
    assert urls.spans == ()
    assert not can_break_before(text, 4, urls)  # 5|.2


def test_the_rest_of_an_address_keeps_its_rules_on_the_next_line():
    rest = "/html/x-y.shtml，续"
    urls = UrlBreaks.of(rest, prefix="https://fuwu.most.gov.cn")
    assert can_break_before(rest, 5, urls)  # |/x-y
    assert not can_break_before(rest, 3, urls)  # ht|ml
    assert not can_break_before(rest, 8, urls)  # x-|y: after a hyphen, never
    assert urls.prefix_at(5) == "https://fuwu.most.gov.cn/html"
    assert urls.prefix_at(len(rest) - 1) == ""  # 续 is past the URL


# --- the limit is the layout's ------------------------------------------------------------


def render_lines(tmp_path, settings: Typesetting) -> list[list[dict]]:
    """The test paragraph set by the seam alone in a 30 em measure, read back."""
    import weasyprint

    from compositor.paths import FONTS_DIR
    from compositor.weasy.linebreak import cjk_typesetting

    font = FONTS_DIR / "CompositorSong-Regular.otf"
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: body; src: url({font.as_uri()}) }}
      @page {{ size: 350pt 600pt; margin: 25pt }}
      p {{ font: 10pt/1.6 body; margin: 0; text-align: justify }}
    </style><p>{PARAGRAPH}</p></html>"""
    path = tmp_path / f"limit-{settings.max_justification}.pdf"
    with cjk_typesetting(settings):
        weasyprint.HTML(string=html).write_pdf(path)
    with pdfplumber.open(path) as document:
        rows: dict[float, list[dict]] = {}
        for char in document.pages[0].chars:
            rows.setdefault(round(char["top"], 0), []).append(char)
    return [sorted(rows[top], key=lambda c: c["x0"]) for top in sorted(rows)]


def test_a_tighter_limit_sets_more_lines_flush_left(tmp_path):
    def ragged(rows):
        right = max(row[-1]["x1"] for row in rows)
        return [text_of(row) for row in rows[:-1] if right - row[-1]["x1"] > 1.0]

    def widest(rows):  # between two Han characters, where only justification adds space
        return max(
            b["x0"] - a["x1"]
            for row in rows
            for a, b in zip(row, row[1:], strict=False)
            if is_han(a["text"]) and is_han(b["text"])
        )

    loose = render_lines(tmp_path, Typesetting(max_justification=2.0))
    tight = render_lines(tmp_path, Typesetting(max_justification=0.1))
    assert "".join(map(text_of, loose)) == "".join(map(text_of, tight))  # same breaks
    assert len(ragged(tight)) > len(ragged(loose))
    assert widest(tight) <= 0.1 * 10 + 0.05 < widest(loose)


def test_the_limit_is_read_from_the_layout(tmp_path):
    import shutil

    from compositor.errors import LayoutError
    from compositor.layout import load_layout
    from compositor.paths import LAYOUTS_DIR

    assert load_layout(LAYOUTS_DIR / "torch").typesetting.max_justification == 0.25
    layout = tmp_path / "torch"
    shutil.copytree(LAYOUTS_DIR / "torch", layout)
    manifest = layout / "layout.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("max_justification = 0.25", 'max_justification = "wide"'))
    with pytest.raises(LayoutError, match="max_justification"):
        load_layout(layout)


# --- an address that fits moves whole (typeset.linebreak) --------------------------------

SHORT_EMAIL = "gxq@chinatorch.gov.cn"


def widths(text: str) -> list[float]:
    """Han and full-width marks 1 em, anything ASCII half an em (in points of EM)."""
    return [EM / 2 if char.isascii() else EM for char in text]


def first_line(text: str, max_em: float, **options) -> tuple[str, str | None]:
    chosen = choose_break(text, widths(text), EM, max_em * EM, DEFAULTS, **options)
    return text[: chosen.end], None if chosen.resume is None else text[chosen.resume :]


@pytest.mark.parametrize("before", range(4, 14))
def test_an_address_that_would_straddle_the_line_end_moves_whole(before):
    """21 ASCII characters: 10.5 em. Wherever it falls in a 16 em line, it is whole."""
    text = "各" * before + f"请发至{SHORT_EMAIL}，或来电咨询有关事项。"
    line, rest = first_line(text, 16)
    assert rest is not None
    assert SHORT_EMAIL in line or rest.startswith(SHORT_EMAIL + "，"), (line, rest)


def test_the_address_moves_with_what_may_not_be_parted_from_it():
    """An opening bracket before it goes down with it, a closing one and 。 after it."""
    text = "各" * 8 + f"（{SHORT_EMAIL}）。其他"
    line, rest = first_line(text, 16)
    assert (line, rest) == ("各" * 8, f"（{SHORT_EMAIL}）。其他")


def test_the_address_stays_if_with_its_marks_it_is_wider_than_the_measure():
    """11.5 em of address and 1 em of 。 (half at the line end) against 12 em: it stays."""
    email = "abc" + SHORT_EMAIL
    text = "各" * 8 + f"{email}。其他"
    line, rest = first_line(text, 12)
    assert line.startswith("各" * 8 + "abc") and email not in line, (line, rest)


def test_an_address_longer_than_the_measure_breaks_where_it_did():
    text = "各" * 8 + f"见{URL}，续"
    line, rest = first_line(text, 30)
    assert line.startswith("各" * 8 + "见https://"), line
    address = line.removeprefix("各" * 8 + "见")
    assert rest.startswith(URL.removeprefix(address)), (line, rest)


def test_an_address_starting_the_text_has_nothing_to_move():
    """It starts the line already: fitting, it is whole; too long, it breaks."""
    assert first_line(f"{SHORT_EMAIL}，其他内容继续", 12) == (f"{SHORT_EMAIL}，", "其他内容继续")
    line, rest = first_line(f"{SHORT_EMAIL}，其他", 8)
    assert line == "gxq@chinatorch" and rest == ".gov.cn，其他"


def test_the_rest_of_a_broken_address_is_not_moved_again():
    """The next line of a long address starts inside it: it breaks at its punctuation."""
    rest = "/html/tztg/20221018/declaration-guide_2022.shtml，续"
    urls = UrlBreaks.of(rest, prefix="https://fuwu.most.gov.cn")
    chosen = choose_break(rest, widths(rest), EM, 10 * EM, DEFAULTS, urls=urls)
    assert rest[: chosen.end] == "/html/tztg/20221018"


def test_fitting_is_judged_on_a_whole_line_not_an_indented_one():
    """The first line is 2 em short of the measure (its indent); an address that fits the
    measure but not that line still moves."""
    text = "各" * 4 + f"请发至{SHORT_EMAIL}，续"
    line, rest = first_line(text, 10, measure=12 * EM)
    assert rest.startswith(SHORT_EMAIL), (line, rest)
    line, rest = first_line(text, 10)  # without the measure: 10.5 em does not fit 10
    assert not rest.startswith(SHORT_EMAIL), (line, rest)


def test_no_one_character_tail_is_avoided_by_splitting_an_address():
    """Pulling a break one step earlier must not land inside an address that fits."""
    text = "各" * 4 + f"{SHORT_EMAIL}完。"
    assert first_line(text, 16) == ("各" * 4 + SHORT_EMAIL, "完。")
