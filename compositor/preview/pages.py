"""The preview's page images: one JPEG per page, drawn again only when the page changed.

Drawing all pages of an issue at screen resolution takes longer than the rebuild
itself, and even drawing them into the PDF is a quarter of it. So each laid-out page is
named by what it draws (``boxes.page_fingerprints``); the build draws into its PDF only
the pages whose name has no image yet, and a page whose name did not change keeps its
image and its URL: the browser replaces only the others. Images are drawn from the PDF
that holds the page when first asked for.

JPEG at quality 95 without chroma subsampling, at as many pixels per CSS pixel as the
screen has (the page asks for ``scale`` 1, 2 or 3: its devicePixelRatio): text stays
sharp on a HiDPI screen, and a screen of one pixel per CSS pixel gets a quarter of
the pixels to draw, send and decode (a page at scale 2 is drawn and encoded in
0.04 s, and decoded by Chromium in 0.035 s; PNG took 0.11 s to encode).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import pypdfium2 as pdfium

SCALES = (1, 2, 3)  # image pixels per CSS pixel (96 per inch) the page may ask for
DEFAULT_SCALE = 2  # crisp on screens of devicePixelRatio 2
MM_PER_PX = 25.4 / 96  # WeasyPrint lays pages out in CSS pixels


@dataclass(frozen=True)
class PageSize:
    width_mm: float
    height_mm: float

    @classmethod
    def of(cls, page) -> PageSize:
        """The size of a laid-out WeasyPrint page (``Page.width``, ``Page.height``)."""
        return cls(page.width * MM_PER_PX, page.height * MM_PER_PX)


@dataclass(frozen=True)
class Drawn:
    """Where a page was drawn: a PDF of the build that drew it, and its index there."""

    pdf: bytes
    index: int


class PageImages:
    """The current build's pages, where each is drawn, and the image of each so far.

    What pages no longer in the build need (images, the PDFs they were drawn into) is
    dropped at each ``update``, so the memory stays that of one issue however many
    saves the preview sees."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # pdfium is not thread-safe; requests come in threads
        self._keys: list[str] = []
        self._sizes: list[PageSize] = []
        self._drawn: dict[str, Drawn] = {}
        self._images: dict[tuple[str, int], bytes] = {}
        self.scale = DEFAULT_SCALE  # the one the page asked for last: drawn ahead of it

    def missing(self, keys: Sequence[str]) -> list[int]:
        """The indices of the pages named ``keys`` that were never drawn (the first
        page of several with the same name)."""
        with self._lock:
            known = set(self._drawn)
        first = {key: index for index, key in reversed(list(enumerate(keys)))}
        return [index for index, key in enumerate(keys) if key not in known and first[key] == index]

    def update(
        self, keys: Sequence[str], sizes: Sequence[PageSize], pdf: bytes, drawn: Sequence[int]
    ) -> None:
        """A new build: its pages' names and sizes, and ``pdf``, which holds the pages
        at the indices ``drawn``, in that order."""
        with self._lock:
            for place, index in enumerate(drawn):
                self._drawn.setdefault(keys[index], Drawn(pdf, place))
            current = set(keys)
            self._keys, self._sizes = list(keys), list(sizes)
            self._drawn = {k: v for k, v in self._drawn.items() if k in current}
            self._images = {k: v for k, v in self._images.items() if k[0] in current}

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    @property
    def sizes(self) -> list[PageSize]:
        return list(self._sizes)

    def drawn(self, key: str) -> Drawn | None:
        with self._lock:
            return self._drawn.get(key)

    def image(self, key: str, scale: int | None = None) -> bytes | None:
        """The JPEG of the page named ``key`` in the current build at ``scale`` (one of
        ``SCALES``; by default the one asked for last), or None."""
        with self._lock:
            scale = self.scale if scale is None else scale
            if (key, scale) in self._images:
                return self._images[key, scale]
            drawn = self._drawn.get(key)
            if drawn is None:
                return None
            image = render_image(drawn.pdf, drawn.index, scale)
            self._images[key, scale] = image
            return image


def render_image(pdf: bytes, index: int, scale: int = DEFAULT_SCALE) -> bytes:
    """Page ``index`` of ``pdf`` as a JPEG of ``scale`` pixels per CSS pixel."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        bitmap = page.render(scale=scale * 96 / 72)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=95, subsampling=0)
        bitmap.close()
        page.close()
        return out.getvalue()
    finally:
        document.close()
