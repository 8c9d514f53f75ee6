"""The preview's page images: one JPEG per page, drawn again only when the page changed.

Drawing all pages of an issue at screen resolution takes longer than the rebuild
itself, so each page is named by a digest of what draws it (its content stream and the
pictures and forms it uses, not the font programs, whose subsets change with any
text of the issue); a page whose digest did not change keeps its image and its URL,
and the browser replaces only the others. Images are drawn when first asked for.

JPEG at quality 95 without chroma subsampling, at twice the CSS pixel: text stays
sharp on a HiDPI screen, and it is encoded in 0.04 s where PNG took 0.11 s (a third
of a warm rebuild; the save-to-pixels budget is 0.5 s, benchmarks/preview.py).
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium

# Twice the CSS pixel (96 per inch): crisp on screens of devicePixelRatio 2.
PREVIEW_SCALE = 2 * 96 / 72


@dataclass(frozen=True)
class PageSize:
    width_mm: float
    height_mm: float


def page_keys(pdf: bytes) -> list[str]:
    """A digest per page of what draws it (see the module's docstring)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return [_page_digest(page.obj) for page in document.pages]


def _page_digest(page: pikepdf.Dictionary) -> str:
    digest = hashlib.sha256()
    digest.update(repr([float(v) for v in page.MediaBox]).encode())
    contents = page.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    for stream in streams:
        if stream is not None:
            digest.update(stream.read_raw_bytes())
    _digest_xobjects(page.get("/Resources"), digest, set())
    return digest.hexdigest()[:20]


def _digest_xobjects(resources, digest, seen: set) -> None:
    if not isinstance(resources, pikepdf.Dictionary):
        return
    xobjects = resources.get("/XObject")
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for name in sorted(xobjects.keys()):
        stream = xobjects[name]
        key = stream.objgen
        digest.update(name.encode())
        if key in seen:
            continue
        seen.add(key)
        digest.update(stream.read_raw_bytes())
        _digest_xobjects(stream.get("/Resources"), digest, seen)


class PageImages:
    """The current build's pages, and the image of each page drawn so far.

    Images of pages no longer in the build are dropped at each ``update``, so the
    memory stays that of one issue however many saves the preview sees."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # pdfium is not thread-safe; requests come in threads
        self._pdf: bytes = b""
        self._keys: list[str] = []
        self._sizes: list[PageSize] = []
        self._images: dict[str, bytes] = {}

    def update(self, pdf: bytes) -> list[str]:
        keys = page_keys(pdf)
        with self._lock:
            self._pdf, self._keys = pdf, keys
            self._sizes = _page_sizes(pdf)
            self._images = {k: v for k, v in self._images.items() if k in set(keys)}
        return keys

    @property
    def keys(self) -> list[str]:
        return list(self._keys)

    @property
    def sizes(self) -> list[PageSize]:
        return list(self._sizes)

    def image(self, key: str) -> bytes | None:
        """The JPEG of the page named ``key`` in the current build, or None."""
        with self._lock:
            if key in self._images:
                return self._images[key]
            if key not in self._keys:
                return None
            image = render_image(self._pdf, self._keys.index(key))
            self._images[key] = image
            return image


def _page_sizes(pdf: bytes) -> list[PageSize]:
    document = pdfium.PdfDocument(pdf)
    try:
        points = [document.get_page_size(index) for index in range(len(document))]
    finally:
        document.close()
    return [PageSize(w * 25.4 / 72, h * 25.4 / 72) for w, h in points]


def render_image(pdf: bytes, index: int, scale: float = PREVIEW_SCALE) -> bytes:
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=95, subsampling=0)
        bitmap.close()
        page.close()
        return out.getvalue()
    finally:
        document.close()
