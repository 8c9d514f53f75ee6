"""``compositor preview`` in real Chromium (Debian's, driven by Playwright without a
browser download): every page shows, an edit on disk replaces the changed page without
a reload, clicks find their source, a broken edit keeps the pages, axe-core passes.

One preview and one browser serve the whole module, on a copy of the sample issue.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLE, edit
from playwright.sync_api import sync_playwright
from test_preview_api import Printed

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SETTLE_MS = 30_000  # a rebuild takes about a second on a busy 2-core machine


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("preview-browser")
    shutil.copy(SAMPLE.parent / "publication.toml", root / "publication.toml")
    shutil.copytree(SAMPLE, root / SAMPLE.name)
    return root / SAMPLE.name


@pytest.fixture(scope="module")
def running(folder):
    from compositor.cli.preview import serving

    with serving(folder, editor="") as running:
        yield running


@pytest.fixture(scope="module")
def page(running):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        # bypass_csp: Playwright evaluates the tests' strings and adds axe-core to the page
        tab = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        tab.goto(running.url)
        tab.wait_for_function("document.querySelectorAll('.page img[src]').length > 1")
        yield tab
        browser.close()


def test_every_page_shows(page):
    count = page.evaluate(
        "fetch('/api/pages?token=' + document.querySelector('meta[name=preview-token]')"
        ".content).then(r => r.json()).then(b => b.pages.length)"
    )
    assert count >= 10
    for number in range(1, count + 1):
        item = page.locator(f"#page-{number}")
        item.scroll_into_view_if_needed()
        page.wait_for_function(
            f"(() => {{ const i = document.querySelector('#page-{number} img');"
            " return i.complete && i.naturalWidth > 0; })()"
        )
        width = page.evaluate(f"document.querySelector('#page-{number} img').naturalWidth")
        assert abs(width - 210 / 25.4 * 96) <= 2  # one pixel per CSS pixel, as this screen
    assert page.locator(".page").count() == count


def test_clicks_find_their_source(page, running, folder):
    cases = [  # (what to click, the file and the line it was typed on, read from the file)
        ("国家高新区干部群众热议", "03.md", r"^title\s*="),
        ("热血沸腾", "03.md", r"^“热血沸腾"),
        ("2022年10月18日", "issue.toml", r"^date\s*="),
    ]
    for text, file, pattern in cases:
        expected = line_of(folder / file, pattern)
        found = click_at(page, *where_printed(running, text))
        assert (found["file"], found["line"]) == (file, expected), text
        shown = page.locator("#source").text_content()
        assert shown.startswith(f"{file}:{expected}:")


def test_an_edit_replaces_only_its_page_without_reload(page, running, folder):
    page.evaluate("window.previewMarker = 'still here'; window.scrollTo(0, 1500)")
    swaps = page.evaluate("window.previewSwaps")
    before = page.evaluate("[...document.querySelectorAll('.page img')].map(i => i.src)")
    number, _x, _y = where_printed(running, "热血沸腾")
    edit(folder / "03.md", "热血沸腾！", "热血沸腾！！")
    page.wait_for_function(f"window.previewSwaps > {swaps}", timeout=SETTLE_MS)
    page.wait_for_timeout(300)  # any other page would be swapped in the same update
    after = page.evaluate("[...document.querySelectorAll('.page img')].map(i => i.src)")
    changed = [n for n, (a, b) in enumerate(zip(before, after, strict=False), start=1) if a != b]
    assert number in changed
    assert len(changed) < len(before) / 2  # the pages before the edit keep their images
    assert changed[0] >= number
    assert page.evaluate("window.previewMarker") == "still here"  # no reload
    assert abs(page.evaluate("window.scrollY") - 1500) < 2


def test_pages_come_at_the_screens_pixels(page, running):
    """A page image has as many pixels per CSS pixel as the screen: one here, two on a
    HiDPI screen (a page opened with devicePixelRatio 2)."""
    natural = "(document.querySelector('#page-1 img') || {}).naturalWidth"
    css_width = 210 / 25.4 * 96
    page.wait_for_function(f"{natural} > 0")
    assert abs(page.evaluate(natural) - css_width) <= 2
    hidpi = page.context.browser.new_page(
        viewport={"width": 1280, "height": 900}, device_scale_factor=2, bypass_csp=True
    )
    try:
        hidpi.goto(running.url)
        hidpi.wait_for_function(f"{natural} > 0")
        assert abs(hidpi.evaluate(natural) - 2 * css_width) <= 2
    finally:
        hidpi.close()


def test_a_broken_edit_shows_the_error_and_keeps_the_pages(page, folder):
    images = page.evaluate("[...document.querySelectorAll('.page img')].map(i => i.src)")
    text = (folder / "issue.toml").read_text(encoding="utf-8")
    try:
        (folder / "issue.toml").write_text(text.replace("number = 17", "number = "), "utf-8")
        error = page.locator("#error")
        error.wait_for(state="visible", timeout=SETTLE_MS)
        assert "issue.toml" in error.text_content()
        still = page.evaluate("[...document.querySelectorAll('.page img')].map(i => i.src)")
        assert still == images
    finally:
        (folder / "issue.toml").write_text(text, "utf-8")
    page.locator("#error").wait_for(state="hidden", timeout=SETTLE_MS)


def test_a_finding_shows_where_it_is_printed(page, running, folder):
    # A straight quote pair is a warning of `check` (the build prints “…”).
    swaps = page.evaluate("window.previewSwaps")
    edit(folder / "03.md", "在中关村示范区", '在"中关村"示范区')
    page.wait_for_function(f"window.previewSwaps > {swaps}", timeout=SETTLE_MS)
    button = page.locator("#findings button", has_text="03.md:")
    button.first.wait_for(timeout=SETTLE_MS)
    button.first.focus()
    page.keyboard.press("Enter")
    mark = page.locator(".mark.finding")
    mark.wait_for()
    number = int(mark.locator("xpath=..").get_attribute("data-number"))
    assert number == where_printed(running, "在“中关村”示范区")[0]


def test_keyboard_pages_through(page):
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#next").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "next"
    assert "第 3 页" in page.locator("#status").text_content()
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.id") == "page-4"
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == "page-3"


def test_axe_finds_no_violations(page):
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run().then(r => r.violations.map(v => v.id + ': ' + v.help))")
    assert result == []


def line_of(path: Path, pattern: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not in {path}")


def where_printed(running, text: str) -> tuple[int, float, float]:
    """(page, x mm, y mm) of the first character of ``text`` on the preview's pages."""
    hits = Printed.of_preview(running.preview).occurrences(text, line_start=False)
    assert hits, f"{text!r} not printed"
    return hits[0]


def click_at(page, number: int, x_mm: float, y_mm: float) -> dict:
    """Click the page image at (x, y) mm and wait for the source the page shows."""
    page.evaluate("window.previewLastSource = undefined")
    image = page.locator(f"#page-{number} img")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    width, height = (
        float(image.locator("xpath=..").get_attribute(a)) for a in ("data-width", "data-height")
    )
    page.mouse.click(
        box["x"] + box["width"] * x_mm / width, box["y"] + box["height"] * y_mm / height
    )
    page.wait_for_function("window.previewLastSource !== undefined")
    return page.evaluate("window.previewLastSource")
