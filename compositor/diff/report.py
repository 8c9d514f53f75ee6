"""Page-level diff of two PDFs: what a reviewer sees changed, page by page.

``diff_pdfs`` is the entry point. Each page is rasterised with pdfium in greyscale and
compared pixel by pixel (``pagecompare``); its text layer is compared line by line and the
changed lines are attributed to articles (``pagetext``); with an output folder, changed pages
get a side-by-side PNG and the folder an index.html (``diffview``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import numpy as np
import pikepdf
import pypdfium2 as pdfium

from compositor.diff import view as diffview
from compositor.diff.pixels import Box, compare_page_images
from compositor.diff.text import article_titles, compare_page_text, line_owners
from compositor.errors import CompositorError

DEFAULT_DPI = 100
MM_PER_INCH = 25.4

# Called after each page with (pages done, pages in all).
Progress = Callable[[int, int], None]

__all__ = ["DiffReport", "PageDiff", "Region", "compare_page_images", "diff_pdfs", "render_pages"]


class PageStatus(StrEnum):
    IDENTICAL = "identical"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Region:
    """A changed rectangle in millimetres from the page's top-left corner."""

    x: float
    y: float
    width: float
    height: float

    @classmethod
    def from_box(cls, box: Box, dpi: float) -> Region:
        scale = MM_PER_INCH / dpi
        return cls(
            round(box.left * scale, 1),
            round(box.top * scale, 1),
            round((box.right - box.left) * scale, 1),
            round((box.bottom - box.top) * scale, 1),
        )

    def describe(self) -> str:
        return f"{self.width:g}×{self.height:g} at ({self.x:g}, {self.y:g})"


@dataclass(frozen=True)
class PageDiff:
    number: int  # 1-based, as printed
    status: PageStatus
    regions: list[Region] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    text_diff: str = ""
    image: Path | None = None

    @property
    def name(self) -> str:
        return f"page {self.number}"

    @property
    def anchor(self) -> str:
        return f"page-{self.number}"

    def as_dict(self) -> dict:
        return {
            "page": self.number,
            "status": str(self.status),
            "regions_mm": [vars(region) for region in self.regions],
            "articles": self.articles,
            "text_diff": self.text_diff,
            "image": str(self.image) if self.image else None,
        }


@dataclass(frozen=True)
class DiffReport:
    old: Path
    new: Path
    dpi: int
    pages: list[PageDiff]
    index: Path | None = None

    @property
    def identical(self) -> bool:
        return all(page.status is PageStatus.IDENTICAL for page in self.pages)

    @property
    def differences(self) -> list[PageDiff]:
        return [page for page in self.pages if page.status is not PageStatus.IDENTICAL]

    def summary(self) -> str:
        counts = {status: 0 for status in PageStatus}
        for page in self.pages:
            counts[page.status] += 1
        parts = [f"{n} {status}" for status, n in counts.items() if n]
        return f"{len(self.pages)} pages: " + ", ".join(parts)

    def as_dict(self) -> dict:
        return {
            "old": str(self.old),
            "new": str(self.new),
            "dpi": self.dpi,
            "identical": self.identical,
            "summary": self.summary(),
            "index": str(self.index) if self.index else None,
            "pages": [page.as_dict() for page in self.pages],
        }


@dataclass(frozen=True)
class Document:
    """A PDF opened for comparison: its pdfium handle, text lines and article titles."""

    path: Path
    pdf: pdfium.PdfDocument
    lines: list[list[str]]
    titles: list[str]

    def __len__(self) -> int:
        return len(self.lines)

    def page_lines(self, index: int) -> list[str]:
        return self.lines[index] if index < len(self) else []

    def render(self, index: int, dpi: int) -> np.ndarray | None:
        """Page ``index`` in greyscale; None when the document has fewer pages."""
        return self.render_existing(index, dpi) if index < len(self) else None

    def render_existing(self, index: int, dpi: int) -> np.ndarray:
        page = self.pdf[index]
        try:
            return render_page(page, dpi)
        finally:
            page.close()


def diff_pdfs(
    old: Path,
    new: Path,
    *,
    dpi: int = DEFAULT_DPI,
    out_dir: Path | None = None,
    progress: Progress | None = None,
) -> DiffReport:
    """Compare two PDFs page by page; with ``out_dir``, write the images and index.html there.

    Raises CompositorError naming the file when a PDF is missing or unreadable.
    """
    old, new = Path(old), Path(new)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        diffview.clear_previous_run(out_dir)
    pages, thumbnails = [], []
    with open_document(old) as before, open_document(new) as after:
        articles = Articles.of(before, after)
        total = max(len(before), len(after))
        for index in range(total):
            compared = compare_page(before, after, index, articles, dpi)
            page = compared.page
            if out_dir is not None:
                page = compared.with_image(out_dir)
                thumbnails.append(compared.thumbnail())
            pages.append(page)
            if progress:
                progress(index + 1, total)
    report = DiffReport(old=old, new=new, dpi=dpi, pages=pages)
    if out_dir is not None:
        report = replace(report, index=diffview.write_index(out_dir, report, thumbnails))
    return report


@dataclass(frozen=True)
class Articles:
    """The article titles of both documents and the article each of their lines belongs to."""

    titles: list[str]
    old_owners: list[list[str | None]]
    new_owners: list[list[str | None]]

    @classmethod
    def of(cls, before: Document, after: Document) -> Articles:
        titles = list(dict.fromkeys(before.titles + after.titles))
        return cls(titles, line_owners(before.lines, titles), line_owners(after.lines, titles))


@dataclass(frozen=True)
class ComparedPage:
    """One page's diff with the renderings it was made from, for drawing it."""

    page: PageDiff
    old: np.ndarray | None
    new: np.ndarray | None
    boxes: list[Box]

    def with_image(self, out_dir: Path) -> PageDiff:
        if self.page.status is PageStatus.IDENTICAL:
            return self.page
        path = out_dir / diffview.image_name(self.page.number)
        image = diffview.write_page_image(path, self.old, self.new, self.boxes, self.page.name)
        return replace(self.page, image=image)

    def thumbnail(self) -> bytes:
        shown = self.new if self.new is not None else self.old
        assert shown is not None  # a compared page is in one of the documents at least
        return diffview.thumbnail_png(shown, self.boxes)


def compare_page(
    before: Document, after: Document, index: int, articles: Articles, dpi: int
) -> ComparedPage:
    """Page ``index`` of both documents, compared as pixels and as text."""
    number = index + 1
    old, new = before.render(index, dpi), after.render(index, dpi)
    text = compare_page_text(
        before.page_lines(index),
        after.page_lines(index),
        articles.old_owners[index] if index < len(before) else [],
        articles.new_owners[index] if index < len(after) else [],
        articles.titles,
        label=f"page {number}",
    )
    boxes = compare_page_images(old, new).boxes if old is not None and new is not None else []
    page = PageDiff(
        number,
        page_status(old, new, bool(boxes or text.diff)),
        [Region.from_box(box, dpi) for box in boxes],
        text.articles,
        text.diff,
    )
    return ComparedPage(page, old, new, boxes)


def page_status(old: np.ndarray | None, new: np.ndarray | None, differs: bool) -> PageStatus:
    if old is None:
        return PageStatus.ADDED
    if new is None:
        return PageStatus.REMOVED
    return PageStatus.CHANGED if differs else PageStatus.IDENTICAL


@contextmanager
def open_document(path: Path) -> Iterator[Document]:
    """Open a PDF for comparison, or raise CompositorError saying what is wrong with it."""
    if not path.exists():
        raise CompositorError("no such file", path)
    if not path.is_file():
        raise CompositorError("not a PDF file", path)
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        raise CompositorError(f"not a readable PDF: {error}", path) from None
    try:
        lines = [page_text_lines(page) for page in pdf]
        try:
            titles = article_titles(path)
        except pikepdf.PdfError as error:
            raise CompositorError(f"not a readable PDF: {error}", path) from None
        yield Document(path, pdf, lines, titles)
    finally:
        pdf.close()


def page_text_lines(page: pdfium.PdfPage) -> list[str]:
    textpage = page.get_textpage()
    try:
        return [line.rstrip() for line in textpage.get_text_range().splitlines()]
    finally:
        textpage.close()
        page.close()


def render_page(page: pdfium.PdfPage, dpi: int) -> np.ndarray:
    """The page as a greyscale array (0 black, 255 white) at ``dpi``."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    try:
        return np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True).reshape(
            bitmap.height, bitmap.width
        )
    finally:
        bitmap.close()


def render_pages(path: Path, dpi: int) -> list[np.ndarray]:
    """Every page of a PDF as greyscale arrays (used by the golden-page test)."""
    with open_document(Path(path)) as document:
        return [document.render_existing(index, dpi) for index in range(len(document))]
