"""The preview draws only the pages whose name it has no image of (preview/pages.py):
a page's name (``boxes.page_fingerprints``, made from the layout without drawing) must
change whenever what the page draws changes, and stay when it does not.

Each build here draws every page as well, so the name of each page can be set beside
what the page really draws: the digest of its content stream and of the pictures and
forms it uses, read back from the PDF with pikepdf.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA, LAYOUTS, SAMPLE, draw_pictures, edit

from compositor.build import BuildSession
from compositor.preview.boxes import page_fingerprints
from compositor.preview.live import PREVIEW_STANDARD, unseen_inputs


def drawn_digests(pdf: Path) -> list[str]:
    """Per page, a digest of everything it draws (not the fonts' subsets, which change
    with any text of the issue)."""
    with pikepdf.open(pdf) as document:
        return [_digest(page.obj) for page in document.pages]


def _digest(page: pikepdf.Dictionary) -> str:
    digest = hashlib.sha256(repr([float(v) for v in page.MediaBox]).encode())
    contents = page.get("/Contents")
    for stream in contents if isinstance(contents, pikepdf.Array) else [contents]:
        digest.update(stream.read_bytes())
    seen: set = set()

    def resources(dictionary) -> None:
        xobjects = dictionary.get("/XObject") if dictionary is not None else None
        for name in sorted(xobjects.keys()) if xobjects is not None else ():
            stream = xobjects[name]
            if stream.objgen in seen:
                continue
            seen.add(stream.objgen)
            digest.update(name.encode() + stream.read_raw_bytes())
            resources(stream.get("/Resources"))

    resources(page.get("/Resources"))
    return digest.hexdigest()


class Builds:
    """Builds of one issue folder in one session (warm, as the preview builds), each
    giving its pages' names and what each page draws."""

    def __init__(self, folder: Path, output: Path, layouts: Path | None = None) -> None:
        self.folder, self.output, self.layouts = folder, output, layouts
        self.session = BuildSession()
        self.pairs: list[tuple[str, str]] = []  # (name, drawn) of every page built
        self.drawn: list[list[str]] = []  # what each build's pages draw

    def build(self) -> list[str]:
        names: list[str] = []
        salt = (
            unseen_inputs(self.folder, self.layouts) if self.layouts else unseen_inputs(self.folder)
        )

        def on_layout(document):
            names.extend(page_fingerprints(document, salt))
            return None  # draw every page

        self.session.build(self.folder, self.output, on_layout=on_layout, standard=PREVIEW_STANDARD)
        drawn = drawn_digests(self.output)
        self.pairs += zip(names, drawn, strict=True)
        self.drawn.append(drawn)
        return names

    def redrawn(self) -> list[int]:
        """The pages the last build draws differently from the one before."""
        return changed(self.drawn[-2], self.drawn[-1])

    def assert_names_tell_drawings_apart(self) -> None:
        drawing: dict[str, str] = {}
        for name, drawn in self.pairs:
            assert drawing.setdefault(name, drawn) == drawn, f"page {name} drew two ways"


@pytest.fixture
def sample(tmp_path) -> Builds:
    """The sample, set in a copy of its layout (``build --layout FOLDER``)."""
    shutil.copytree(LAYOUTS / "torch", tmp_path / "layouts" / "torch")
    shutil.copytree(SAMPLE, tmp_path / "torch" / SAMPLE.name)
    shutil.copy(SAMPLE.parent / "publication.toml", tmp_path / "torch" / "publication.toml")
    builds = Builds(tmp_path / "torch" / SAMPLE.name, tmp_path / "out.pdf", tmp_path / "layouts")
    yield builds
    builds.session.close()


def changed(before: list[str], after: list[str]) -> list[int]:
    return [n for n, (a, b) in enumerate(zip(before, after, strict=True), start=1) if a != b]


def test_an_edit_renames_its_page_and_no_other(sample):
    first = sample.build()
    assert len(set(first)) == len(first)  # no two pages of the sample draw alike
    assert sample.build() == first  # built again unchanged: every page keeps its name
    article = sample.folder / "03.md"
    edit(article, "热血沸腾", "热血沸滕")  # one character: the lines stay
    one = sample.build()
    assert len(changed(first, one)) == 1
    assert changed(first, one) == sample.redrawn()
    edit(article, "热血沸滕", "热血沸滕，热血沸滕，热血沸滕，热血沸滕")  # the text reflows
    longer = sample.build()
    later = changed(one, longer)
    assert later == sample.redrawn()
    assert later[0] == changed(first, one)[0]
    assert 1 not in later  # the contents page did not move
    sample.assert_names_tell_drawings_apart()


def test_emphasis_renames_exactly_the_pages_it_changes(sample):
    """``**…**`` prints the same characters in 黑体 (and the lines after them set again):
    the pages renamed are the pages drawn differently."""
    first = sample.build()
    edit(sample.folder / "03.md", "热血沸腾", "**热血沸腾**")
    bold = sample.build()
    assert changed(first, bold) == sample.redrawn() != []
    sample.assert_names_tell_drawings_apart()


def test_a_colour_changed_in_the_layout_renames_every_page(sample):
    """The stylesheet is not in the HTML: a designer's edit renames every page."""
    first = sample.build()
    css = sample.layouts / "torch" / "style.css"
    text = css.read_text(encoding="utf-8")
    css.write_text(text + "\n.article-title { color: #00a000; }\n", encoding="utf-8")
    recoloured = sample.build()
    assert changed(first, recoloured) == list(range(1, len(first) + 1))
    sample.assert_names_tell_drawings_apart()


def test_a_picture_saved_again_renames_its_page(tmp_path):
    shutil.copytree(DATA / "figures", tmp_path / "figures")
    folder = tmp_path / "figures" / "2023-02"
    draw_pictures(folder)
    builds = Builds(folder, tmp_path / "out.pdf")
    try:
        first = builds.build()
        from PIL import Image

        chart = folder / "chart.png"
        with Image.open(chart) as image:
            inverted = image.convert("RGBA").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        inverted.save(chart)
        flipped = builds.build()
        assert changed(first, flipped)
        builds.assert_names_tell_drawings_apart()
    finally:
        builds.session.close()
