"""The sample issue (火炬动态 2022年第17期) read back from the rendered PDF."""

from __future__ import annotations

import re

import pikepdf
from conftest import SAMPLE, SEED, embedded_font_families, squash

from compositor.content import read_issue

RUNNING_HEADER = "火炬动态·2022年第17期"
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")


def body_text(pages: list[str]) -> str:
    """All page text in reading order, without running headers and page numbers."""
    kept = []
    for page in pages:
        for line in page.splitlines():
            stripped = line.strip()
            if squash(stripped) == RUNNING_HEADER or PAGE_NUMBER.match(stripped):
                continue
            kept.append(stripped)
    return squash("".join(kept))


def seed_body_blocks() -> list[str]:
    """The seed's blocks from the first body banner up to the colophon."""
    blocks = [b.strip() for b in SEED.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    start = blocks.index("火炬在行动")
    end = next(i for i, b in enumerate(blocks) if b.startswith("科技部火炬高技术产业开发中心\n"))
    return blocks[start:end]


def page_of(pages: list[str], needle: str, start: int = 1) -> int:
    for number, page in enumerate(pages, start=1):
        if number >= start and squash(needle) in squash(page):
            return number
    raise AssertionError(f"{needle!r} not found in the PDF")


def test_masthead_on_page_one(sample_pdf):
    first = squash(sample_pdf.pages[0])
    for fact in [
        "火炬动态",
        "科技部火炬高技术产业开发中心",
        "2022年第17期(总第546期)",
        "2022年10月18日",
    ]:
        assert squash(fact) in first, fact


def test_every_seed_paragraph_present_in_order(sample_pdf):
    text = body_text(sample_pdf.pages)
    position = 0
    for block in seed_body_blocks():
        found = text.find(squash(block), position)
        assert found >= 0, f"missing or out of order: {block[:40]!r}"
        position = found + len(squash(block))


def test_toc_lists_every_article_with_its_real_page(sample_pdf):
    issue = read_issue(SAMPLE)
    toc_page = squash(sample_pdf.pages[0])
    for article in issue.articles:
        # The entry is the title followed by its dot leader and page number.
        match = re.search(re.escape(squash(article.title)) + r"[.·…]*(\d+)", toc_page)
        assert match, f"TOC entry missing: {article.title}"
        printed = int(match[1])
        actual = page_of(sample_pdf.pages, article.title, start=2 if printed > 1 else 1)
        assert printed == actual, f"{article.title}: TOC says {printed}, title is on {actual}"


def test_every_section_has_a_banner(sample_pdf):
    issue = read_issue(SAMPLE)
    body = body_text(sample_pdf.pages[1:]) + body_text(sample_pdf.pages[:1])
    for section in issue.sections:
        assert squash(section.title) in body
        if section.subtitle:
            assert squash("——" + section.subtitle) in body


def test_colophon_exact_on_last_page(sample_pdf):
    last = sample_pdf.pages[-1]
    lines = [squash(line) for line in last.splitlines()]
    expected = [
        "科技部火炬高技术产业开发中心",
        "地址:北京市西城区三里河二区甲18号邮编:100045",
        "电话:(010)88656173网址:www.chinatorch.gov.cn",
        "编辑部地址:北京市西城区西直门外大街132号京鼎大厦八层邮编:100044",
        "电话:(010)68667266-310责任编辑:田栓林樊子天叶伟",
    ]
    for line in expected:
        assert line in lines, f"colophon line {line!r} not on the last page: {lines}"


def test_running_header_and_page_numbers_from_page_two(sample_pdf):
    # Margin boxes are drawn after the page's content, so look at all lines.
    for number, page in enumerate(sample_pdf.pages, start=1):
        lines = [squash(line) for line in page.splitlines() if line.strip()]
        assert f"—{number}—" in lines, (number, lines[-3:])
        assert (RUNNING_HEADER in lines) == (number > 1), (number, lines[-3:])


def test_metadata_language_and_bookmarks(sample_pdf):
    issue = read_issue(SAMPLE)
    with pikepdf.open(sample_pdf.path) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "《火炬动态》2022年第17期"  # issue 28: as it is cited
        assert str(info["/Author"]) == "科技部火炬高技术产业开发中心"
        assert str(pdf.Root.Lang) == "zh-CN"
        with pdf.open_outline() as outline:
            top = [(item.title, [child.title for child in item.children]) for item in outline.root]
    assert [title for title, _ in top] == [s.title for s in issue.sections]
    for (_, children), section in zip(top, issue.sections, strict=True):
        assert children == [a.title for a in section.articles]


def test_fonts_embedded_and_shipped(sample_pdf):
    from compositor.build import FONTS_DIR
    from compositor.fonts.fontset import load_fontset

    fontset = load_fontset(FONTS_DIR)
    shipped = {f.family for f in fontset.fonts} | {f.postscript_name for f in fontset.fonts}
    fonts = embedded_font_families(sample_pdf.path)
    assert fonts, "no fonts found"
    for pdf_name, family in fonts:
        assert family is not None, f"{pdf_name} is not embedded"
        assert family.split("+")[-1] in shipped, f"{pdf_name} ({family}) is not from fonts/"
