"""Odd text never crashes a build: it is read, normalised and rendered, or refused with
our own error; unbroken Latin runs wrap inside the text block; characters the fonts
lack are reported, never printed as tofu.

Property tests complement tests/test_normalize.py (whose text has no lone surrogates
or very long lines) and tests/test_importer.py (example-based).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from conftest import DATA, ROOT, SEED, read_pdf, squash
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from compositor.content import read_issue
from compositor.errors import CompositorError
from compositor.fonts.fontset import check_issue_coverage, load_fontset
from compositor.importer.run import import_legacy
from compositor.importer.write import toml_string  # keeps lone surrogates raw, as these tests need
from compositor.layout import load_layout
from compositor.model import Issue
from compositor.render.html import render_html
from compositor.text import normalize_text, typeset_issue

INTERESTING = (
    "\u0301\u0308\u20dd"  # combining marks
    "\u05d0\u05d1\u0628\u062a\u200f\u202e\u2067"  # Hebrew, Arabic, bidi marks and overrides
    "\U0001f600\U0001f468\u200d\U0001f469\U0001f1e8\U0001f1f3\ufe0f"  # emoji, ZWJ, flag, VS16
    "\ue000\uf8ff\U000f0000"  # private use
    "\ud800\udfff"  # lone surrogates: not encodable, so a file holding them is not UTF-8
    "\x01\x1b\x7f\x85\x0b\x0c\u2028\u2029\ufeff\u200b"  # controls, separators, BOM, ZWSP
    "中文字，。（）“”\U00020000"  # Chinese, full-width punctuation, Extension B
    "aZ09 ,:;()!?<>&{}%#*_`[]\\\t\n+"  # ASCII, Markdown, TOML and Jinja syntax
)
odd_chars = st.one_of(st.characters(exclude_categories=()), st.sampled_from(INTERESTING))


def joined(chars, **sizes):
    # Not st.text(chars): it never yields lone surrogates, whatever the alphabet.
    return st.lists(chars, **sizes).map("".join)


long_runs = st.builds(
    lambda run, times: run * times,
    joined(odd_chars, min_size=1, max_size=3),
    st.integers(min_value=1000, max_value=5000),
)
odd_text = st.one_of(joined(odd_chars, max_size=200), long_runs)

FRONT_MATTER = '+++\nsection = "奋进新征程 建功新时代"\ntitle = "标题"\n+++\n\n'
FONTS = load_fontset(ROOT / "fonts")
LAYOUT = load_layout(ROOT / "layouts" / "torch")
FONT_FILES = {role: FONTS.path_of(family) for role, family in LAYOUT.fonts.items()}
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """An issue folder whose 02.md each example overwrites."""
    shutil.copytree(DATA / "mini", tmp_path_factory.mktemp("odd") / "mini")
    return tmp_path_factory.getbasetemp() / "odd0" / "mini" / "2023-01"


def write_article(issue: Path, text: str) -> None:
    # Lone surrogates go to disk as they would from a broken editor: as invalid UTF-8.
    (issue / "02.md").write_bytes(text.encode("utf-8", "surrogatepass"))


def read_or_refuse(issue: Path) -> Issue | None:
    try:
        return read_issue(issue)
    except CompositorError:
        return None


def render_in_memory(issue: Issue) -> str:
    """Everything a build does before WeasyPrint: coverage check, typesetting, HTML."""
    # A FontError is reported to the editor; the rest must still not crash on this text.
    with contextlib.suppress(CompositorError):
        check_issue_coverage(issue, FONTS, LAYOUT.fonts)
    rendered = render_html(
        typeset_issue(issue, LAYOUT.marks), LAYOUT, FONT_FILES, timestamp="", press=False
    )
    return rendered.html


def visible(text: str) -> str:
    return "".join(char for char in text if not char.isspace())


# --- the content reader ----------------------------------------------------------------


@PROPERTY
@given(body=st.lists(odd_text, min_size=1, max_size=4))
def test_any_article_body_is_read_and_rendered_or_refused(scratch, body):
    write_article(scratch, FRONT_MATTER + "\n\n".join(body))
    issue = read_or_refuse(scratch)
    if issue is not None:
        render_in_memory(issue)


@PROPERTY
@given(title=odd_text, lead=odd_text, credit=odd_text, escaped=st.booleans())
def test_any_front_matter_value_is_read_and_rendered_or_refused(
    scratch, title, lead, credit, escaped
):
    quote = toml_string if escaped else (lambda text: f'"{text}"')
    front = (
        f'+++\nsection = "奋进新征程 建功新时代"\ntitle = {quote(title)}\n'
        f"lead = {quote(lead)}\ncredit = {quote(credit)}\n+++\n\n正文。\n"
    )
    write_article(scratch, front)
    issue = read_or_refuse(scratch)
    if issue is not None:
        article = issue.articles[-1]
        if escaped:
            assert article.title == title.strip() and article.credit == credit.strip()
        render_in_memory(issue)


# Characters with Markdown meaning in the content format (escapes, entities, subheads,
# images) and the ones no file can hold; everything else must reach the page.
plain_chars = odd_chars.filter(lambda c: c not in "\\&#![\0" and not "\ud800" <= c <= "\udfff")


@PROPERTY
@given(paragraphs=st.lists(st.text(plain_chars, min_size=1, max_size=300), min_size=1))
def test_the_reader_keeps_every_character_of_plain_text(scratch, paragraphs):
    body = "\n\n".join(paragraphs)
    write_article(scratch, FRONT_MATTER + body)
    issue = read_or_refuse(scratch)
    if not visible(body):
        assert issue is None  # "article has no paragraphs"
        return
    assert issue is not None
    printed = "".join(block.text for block in issue.articles[-1].blocks)
    assert visible(printed) == visible(body)


# --- the normaliser and the importer ----------------------------------------------------


@PROPERTY
@given(text=odd_text)
@example(text="\x85\n")  # NEL before a line break: found by hypothesis
def test_build_normalisation_is_idempotent_and_loses_nothing_on_odd_text(text):
    out = normalize_text(text)
    assert normalize_text(out) == out
    # What editors type is set to GB/T 15834 (issue 24: quotes, 。, ……, ——, full-width
    # digits and letters) and line breaks typed inside one text are joined (issue 18):
    # punctuation, width and whitespace may change, never a letter, digit or character.
    assert words(out) == words(text)


def words(text: str) -> list[str]:
    """The letters, digits and characters of ``text``, full and half width alike."""
    return [c for c in unicodedata.normalize("NFKC", text) if c.isalnum()]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_importer_accepts_or_refuses_a_seed_with_an_odd_line(data):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = data.draw(st.integers(min_value=0, max_value=len(lines)))
    replace = data.draw(st.booleans())
    lines[at : at + replace] = [data.draw(odd_text)]
    with tempfile.TemporaryDirectory() as folder:
        legacy = Path(folder) / "legacy.txt"
        legacy.write_bytes("\n".join(lines).encode("utf-8", "surrogatepass"))
        with contextlib.suppress(CompositorError):
            import_legacy(legacy, Path(folder) / "torch" / "2022-17")


@settings(max_examples=60, deadline=None)
@given(text=joined(odd_chars, max_size=3000))
def test_importer_accepts_or_refuses_any_text(text):
    with tempfile.TemporaryDirectory() as folder:
        legacy = Path(folder) / "legacy.txt"
        legacy.write_bytes(text.encode("utf-8", "surrogatepass"))
        with contextlib.suppress(CompositorError):
            import_legacy(legacy, Path(folder) / "torch" / "x")


# --- rendered: long runs wrap, odd invisible characters print, tofu is refused ----------

LONG_LATIN = "a" * 10_000
LONG_URL = "https://www.example.com/" + "x" * 3000 + "?q=" + "y" * 1000
LONG_TITLE = "T" * 400
# Never drawn, so never checked against the fonts: they must still not upset layout.
INVISIBLE = "\x01\x1b\x7f\x85\x0b\x0c\u2028\u2029\u200b\u200d\u200f\u202e\u2066\ufeff\ufe0f"


@pytest.fixture(scope="module")
def odd_pdf(tmp_path_factory):
    root = tmp_path_factory.mktemp("long") / "mini"
    shutil.copytree(DATA / "mini", root)
    issue = root / "2023-01"
    with (issue / "02.md").open("a", encoding="utf-8") as article:
        article.write(f"\n开头{LONG_LATIN}结束\n\n网址：{LONG_URL}\n\n不可见{INVISIBLE}字符。\n")
    (issue / "03.md").write_text(
        f'+++\nsection = "奋进新征程 建功新时代"\ntitle = "{LONG_TITLE}"\n+++\n\n正文。\n',
        encoding="utf-8",
    )
    out = root.parent / "odd.pdf"  # outside the content folders
    command = [sys.executable, "-m", "compositor", "build", str(issue), "-o", str(out)]
    # Quadratic line breaking would show as a timeout here rather than a hang.
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return out


def text_block(pdf) -> tuple[float, float]:
    """Left and right of the text block: the masthead's rules span exactly its width."""
    rules = pdf.pages[0].rects + pdf.pages[0].lines
    return min(r["x0"] for r in rules), max(r["x1"] for r in rules)


def slack(char: dict) -> float:
    """How far a glyph's advance may pass the text block: half an em for full-width
    punctuation, whose blank half hangs out at a line end or start (compression)."""
    text = char["text"]
    full_width = unicodedata.east_asian_width(text) in "FW"
    return char["size"] / 2 if full_width and unicodedata.category(text)[0] == "P" else 0.5


def test_long_unbroken_runs_wrap_inside_the_text_block(odd_pdf):
    with pdfplumber.open(odd_pdf) as pdf:
        left, right = text_block(pdf)
        assert right - left > 400
        outside = [
            (number, char["text"], round(char["x0"], 1), round(char["x1"], 1))
            for number, page in enumerate(pdf.pages, start=1)
            for char in page.chars
            if char["x0"] < left - slack(char) or char["x1"] > right + slack(char)
        ]
    assert not outside, f"{len(outside)} glyphs outside the text block, e.g. {outside[:5]}"


def without_running_heads(pages: list[str]) -> str:
    """The text of all pages, minus the running head and page number that cut into it."""
    kept = [
        line
        for page in pages
        for line in page.splitlines()
        if squash(line) != "火炬动态·2023年第1期" and not re.fullmatch(r"—\s*\d+\s*—", line)
    ]
    return squash("".join(kept))


def test_long_runs_and_invisible_characters_print_in_full(odd_pdf):
    text = without_running_heads(read_pdf(odd_pdf).pages)
    assert f"开头{LONG_LATIN}结束" in text
    assert LONG_URL in text
    assert text.count(LONG_TITLE) == 2  # the TOC and the article
    assert "不可见" in text and "字符" in text


def test_characters_outside_the_fonts_are_reported_not_printed(tmp_path):
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    issue = tmp_path / "mini" / "2023-01"
    with (issue / "02.md").open("a", encoding="utf-8") as article:
        article.write("\n私用区\ue000字和扩展G的\U00030000字。\n")
    line = (issue / "02.md").read_text(encoding="utf-8").count("\n")
    command = [sys.executable, "-m", "compositor", "build", str(issue), "-o", str(tmp_path / "o")]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=180)
    assert result.returncode == 2
    assert f"02.md:{line}: " in result.stderr
    assert "(U+E000) is not in the body font" in result.stderr
    assert "U+30000" in result.stderr
    assert not (tmp_path / "o").exists()
