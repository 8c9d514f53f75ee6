"""Warm rebuilds reuse parsed stylesheets (pdf.StyleCache) and still make the same PDF."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pypdfium2
import pytest
from conftest import DATA

from compositor.build import FONTS_DIR, LAYOUTS_DIR, build_issue
from compositor.content import read_issue
from compositor.fonts.fontset import load_fontset
from compositor.layout import load_layout
from compositor.render.html import Templates, render_html
from compositor.render.pdf import StyleCache, write_pdf
from compositor.watch import Rebuilder
from compositor.weasy import linebreak, serialise

A4_POINTS = (595, 842)
A5_POINTS = (420, 595)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


def append_to_last_article(issue: Path, sentence: str) -> None:
    article = sorted(issue.glob("*.md"))[-1]
    text = article.read_text(encoding="utf-8").rstrip("\n")
    article.write_text(f"{text}{sentence}\n", encoding="utf-8")


def cold_build(issue: Path, tmp_path: Path) -> bytes:
    return build_issue(issue, tmp_path / "cold.pdf").path.read_bytes()


def test_warm_rebuilds_are_byte_identical_to_a_cold_build(tmp_path: Path, issue: Path):
    cold = cold_build(issue, tmp_path)
    rebuilder = Rebuilder(issue, tmp_path / "warm.pdf")
    first = rebuilder.build().path.read_bytes()
    second = rebuilder.build().path.read_bytes()  # with the first build's styles
    assert first == second == cold


@pytest.mark.parametrize("work", ["_advances", "plan_line"])  # shaping, planning lines
def test_a_rebuild_after_an_edit_does_again_only_the_edited_paragraphs_work(
    tmp_path: Path, issue: Path, monkeypatch, work: str
):
    done: list[str] = []
    original = getattr(linebreak, work)
    monkeypatch.setattr(
        linebreak, work, lambda text, *a, **k: done.append(text) or original(text, *a, **k)
    )
    rebuilder = Rebuilder(issue, tmp_path / "warm.pdf")
    rebuilder.build()
    first = len(done)
    append_to_last_article(issue, "又改了一句。")
    done.clear()
    warm = rebuilder.build().path.read_bytes()
    assert any("又改了一句" in text for text in done)  # the edited paragraph is done anew
    assert len(done) < first / 2, (len(done), first)
    assert warm == cold_build(issue, tmp_path)


def test_an_edited_stylesheet_is_parsed_again(tmp_path: Path, issue: Path):
    layout_folder = tmp_path / "layout"
    shutil.copytree(LAYOUTS_DIR / "torch", layout_folder)
    style = layout_folder / "style.css"
    cache = StyleCache()

    def page_size() -> tuple[int, int]:
        rendered = render(read_issue(issue), load_layout(layout_folder))
        output = tmp_path / "out.pdf"
        roots = (issue, layout_folder, FONTS_DIR)
        output.write_bytes(write_pdf(rendered, allowed_roots=roots, identifier=b"0" * 16,
                                     styles=cache).pdf)  # fmt: skip
        document = pypdfium2.PdfDocument(output)
        try:
            return tuple(round(side) for side in document[0].get_size())
        finally:
            document.close()

    assert page_size() == A4_POINTS
    style.write_text(style.read_text().replace("size: 210mm 297mm", "size: 148mm 210mm"))
    assert page_size() == A5_POINTS


def test_styles_are_parsed_once_per_distinct_key():
    cache = StyleCache()
    parsed: list[str] = []
    folders: list[Path] = []

    def parse(text: str):
        def parse_into(font_folder: Path):
            parsed.append(text)
            folders.append(font_folder)
            return None, [text]

        return parse_into

    assert cache.styles(("a",), parse("a")) == (None, ["a"])
    assert cache.styles(("a",), parse("a")) == (None, ["a"])
    assert cache.styles(("b",), parse("b")) == (None, ["b"])
    assert parsed == ["a", "b"]
    # Each parse gets a folder for its font copies; a new key removes the old one.
    assert not folders[0].exists() and folders[1].is_dir()
    cache.close()
    assert not folders[1].exists()


def render(issue, layout):
    fontset = load_fontset(FONTS_DIR)
    fonts = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
    return render_html(issue, layout, fonts, timestamp="2023-01-01T00:00:00Z", press=False)


def test_a_kept_template_is_compiled_once_and_again_after_an_edit(tmp_path: Path, issue: Path):
    layout_folder = tmp_path / "layout"
    shutil.copytree(LAYOUTS_DIR / "torch", layout_folder)
    layout = load_layout(layout_folder)
    content = read_issue(issue)
    templates = Templates()
    first = templates.get(layout)
    assert templates.get(layout) is first  # kept: not parsed and compiled again
    template = layout_folder / layout.template
    source = template.read_text(encoding="utf-8")
    template.write_text(source.replace("</body>", "<p>编辑过的模板</p></body>"), encoding="utf-8")
    os.utime(template, ns=(template.stat().st_atime_ns, template.stat().st_mtime_ns + 10**9))
    fontset = load_fontset(FONTS_DIR)
    fonts = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
    html = render_html(content, layout, fonts, timestamp="", press=False, templates=templates).html
    assert "编辑过的模板" in html  # a designer's save is seen by the next build


def test_a_rebuild_subsets_and_compresses_again_only_the_faces_whose_glyphs_changed(
    tmp_path: Path, issue: Path, monkeypatch
):
    made: list[str] = []
    get = serialise.Written.get
    monkeypatch.setattr(
        serialise.Written,
        "get",
        lambda self, key, make: get(self, key, lambda: made.append(key[0]) or make()),
    )
    rebuilder = Rebuilder(issue, tmp_path / "warm.pdf")
    rebuilder.build()
    assert made.count("subset") >= 3 and "stream" in made  # body, heading, Kai faces…
    append_to_last_article(issue, "十年来。")  # characters it has already
    made.clear()
    warm = rebuilder.build().path.read_bytes()
    assert made == []  # the same glyphs of every face: nothing subset or compressed again
    assert warm == cold_build(issue, tmp_path)
    append_to_last_article(issue, "鑫")  # a new glyph of the body face
    made.clear()  # (the cold build's own)
    warm = rebuilder.build().path.read_bytes()
    assert made == ["subset", "stream"]  # that face only
    assert warm == cold_build(issue, tmp_path)


def test_a_new_font_configuration_starts_a_new_memo_of_what_was_written(tmp_path, issue):
    """The memo knows faces by their HarfBuzz address, valid only while their fonts live."""
    from dataclasses import replace

    cache = StyleCache()
    layout = load_layout(LAYOUTS_DIR / "torch")
    rendered = render(read_issue(issue), layout)
    roots = (issue, layout.folder, FONTS_DIR)
    write_pdf(rendered, allowed_roots=roots, identifier=b"0" * 16, styles=cache)
    first = cache.written
    assert first is not None
    write_pdf(rendered, allowed_roots=roots, identifier=b"0" * 16, styles=cache)
    assert cache.written is first
    edited = replace(rendered, css=rendered.css + "\n/* edited */")  # fonts parsed again
    write_pdf(edited, allowed_roots=roots, identifier=b"0" * 16, styles=cache)
    assert cache.written is not first and cache.written is not None
    cache.close()
