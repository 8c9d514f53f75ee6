"""The preview's state: the issue rebuilt warm on every save, and what the page shows of it.

``Preview.rebuild`` builds the issue with the watch's ``Rebuilder`` (one build session
for the whole run), keeps the source map of the layout it drew, names each page by what
draws it (pages.py), and tells every listener (the ``/api/events`` streams). A build
that fails keeps the last good pages and announces the error instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import queue
import tempfile
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compositor.build import LAYOUTS_DIR
from compositor.content import PUBLICATION_FILE
from compositor.errors import CompositorError
from compositor.preview.boxes import Rect, SourceMap, page_fingerprints, source_map
from compositor.preview.pages import PageImages, PageSize
from compositor.watch import Rebuilder

if TYPE_CHECKING:
    import numpy as np  # imported when a reference is compared, not at start

PREVIEW_STANDARD = "none"  # render.standards: a plain PDF, as fast as it builds
DIFF_DPI = 50  # the golden test's resolution: enough to find what moved
# Pages drawn right after the rebuild is announced, while the browser asks for them:
# the few an edit changes, before `check` runs. More pages (a reflow, the first build)
# are drawn as the browser asks.
EAGER_PAGES = 3
TEXT = (".md", ".toml")  # an issue's text: what the HTML shows


@dataclass(frozen=True)
class Event:
    kind: str  # "build", "error" or "findings"
    data: dict = field(default_factory=dict)


class PreviewRebuilder(Rebuilder):
    """The watch's rebuilder, building with source marks into a scratch PDF that holds
    only the pages ``images`` has no image of (pages.py)."""

    def __init__(self, folder: Path, output: Path, images: PageImages) -> None:
        super().__init__(folder, output)
        self.images = images
        self.layout = None  # the last build's laid-out document, until the preview maps it
        self.keys: list[str] = []  # its pages' names, their sizes, and those it drew
        self.sizes: list[PageSize] = []
        self.drawn: list[int] = []
        self._salt: tuple = ()

    def build(self):
        self._salt = unseen_inputs(self.folder)  # read before the build reads the files
        # untagged: a tag tree changes no pixel, and a preview rebuild is waited for
        return self.session.build(
            self.folder, self.output, on_layout=self._keep, standard=PREVIEW_STANDARD
        )

    def _keep(self, document) -> list[int]:
        self.layout = document
        self.keys = page_fingerprints(document, self._salt)
        self.sizes = [PageSize.of(page) for page in document.pages]
        self.drawn = self.images.missing(self.keys)
        return self.drawn


def unseen_inputs(folder: Path, layouts: Path = LAYOUTS_DIR) -> tuple:
    """What pages draw that their HTML does not show (boxes.page_fingerprints): the
    layouts' files (stylesheets, templates) and the issue's and publication's pictures
    and other files but their text, by size and time of change. A picture saved again
    redraws every page."""
    folder = folder.resolve()
    own = sorted({*folder.rglob("*"), *folder.parent.glob("*")})  # not the other issues
    seen = []
    for path in sorted(layouts.resolve().rglob("*")) + [p for p in own if p.suffix not in TEXT]:
        with contextlib.suppress(OSError):  # a file removed meanwhile: the build will say
            if path.is_file():
                stat = path.stat()
                seen.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(seen)


class Preview:
    """One issue folder, previewed. Thread-safe: requests read, the watcher rebuilds."""

    def __init__(self, folder: Path, against: Path | None = None) -> None:
        self.folder = Path(folder).resolve()
        self._scratch = tempfile.TemporaryDirectory(prefix="compositor-preview-")
        self.output = Path(self._scratch.name) / "preview.pdf"
        self.images = PageImages()
        self.rebuilder = PreviewRebuilder(self.folder, self.output, self.images)
        self.map = SourceMap()
        self._unmapped = None  # the last build's layout, until it is mapped
        self._map_lock = threading.Lock()
        self.build_id = ""
        self.error = ""
        self.seconds = 0.0
        self.findings: list[dict] = []
        self.differences: dict[int, list[Rect]] = {}
        self._compared: dict[tuple[int, str], list[Rect]] = {}  # (page index, name): found
        self._reference = _reference_pages(against) if against else None
        self._lock = threading.Lock()
        self._listeners: list[queue.Queue] = []

    def close(self) -> None:
        self.rebuilder.session.close()
        self._scratch.cleanup()

    # -- listeners -------------------------------------------------------------------
    def listen(self) -> queue.Queue:
        channel: queue.Queue = queue.Queue(maxsize=64)
        with self._lock:
            self._listeners.append(channel)
        return channel

    def forget(self, channel: queue.Queue) -> None:
        with self._lock:
            if channel in self._listeners:
                self._listeners.remove(channel)

    def _announce(self, event: Event) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for channel in listeners:
            # a stalled page misses events; it reloads /api/pages when it wakes
            with contextlib.suppress(queue.Full):
                channel.put_nowait(event)

    # -- building --------------------------------------------------------------------
    def rebuild(self) -> Event:
        self.rebuilder.layout = None
        outcome = self.rebuilder.timed_build()
        self.seconds = outcome.seconds
        if outcome.result is None or self.rebuilder.layout is None:
            self.error = outcome.error or "error: the build gave no pages"
            event = Event("error", {"error": self.error, "build": self.build_id})
            self._announce(event)
            self._update_findings()  # the error and every other finding, file:line:column
            return event
        rebuilder = self.rebuilder
        keys = rebuilder.keys
        before = set(self.images.keys)
        self.images.update(keys, rebuilder.sizes, self.output.read_bytes(), rebuilder.drawn)
        reference = self._reference
        differences = self._differences(reference, keys) if reference is not None else {}
        with self._lock:
            self.differences, self.error = differences, ""
            self.build_id = hashlib.sha256("".join(keys).encode()).hexdigest()[:16]
        with self._map_lock:  # mapped below, or at the first click if that comes sooner
            self._unmapped, rebuilder.layout = rebuilder.layout, None
        pages = self.pages()
        event = Event("build", {**pages, "seconds": round(outcome.seconds, 3)})
        self._announce(event)  # the page list comes with it: no round trip before images
        changed = [key for key in keys if key not in before]
        if len(changed) <= EAGER_PAGES:  # an edit's page, drawn while the browser asks
            for key in changed:
                self.images.image(key)
        self._source_map()  # the boxes are big; the map is all the preview needs
        self._update_findings()
        return event

    def _source_map(self) -> SourceMap:
        """The current build's source map, made from its layout on first use."""
        with self._map_lock:
            if self._unmapped is not None:
                self.map, self._unmapped = source_map(self._unmapped), None
            return self.map

    def _update_findings(self) -> None:
        from compositor.check.report import check_issue

        try:
            report = check_issue(self.folder)
        except (CompositorError, OSError):  # what stopped it is the build's error, shown
            return
        findings = [self._finding(finding) for finding in report.findings]
        with self._lock:
            self.findings = findings
        self._announce(Event("findings", {"count": len(findings)}))

    def _finding(self, finding) -> dict:
        file = self.relative(Path(finding.path))
        found = self._source_map().where(file, finding.line)
        return {
            "file": file,
            "line": max(finding.line, 1),
            "column": max(finding.column, 1),
            "level": str(finding.level),
            "message": finding.message,
            "page": found[0] if found else None,
            "rect": asdict(found[1]) if found else None,
        }

    def relative(self, path: Path) -> str:
        return Path(os.path.relpath(path.resolve(), self.folder)).as_posix()

    def _differences(self, reference: list[np.ndarray], keys: list[str]) -> dict[int, list[Rect]]:
        """Where each page differs from the reference's page at its place: compared
        once for each page name at each place."""
        found: dict[int, list[Rect]] = {}
        compared: dict[tuple[int, str], list[Rect]] = {}
        for index, key in enumerate(keys):
            rects = self._compared.get((index, key))
            if rects is None:
                rects = self._compare(reference, index, key)
            compared[index, key] = found[index + 1] = rects
        self._compared = compared  # only this build's: the memory stays one issue's
        return {page: rects for page, rects in found.items() if rects}

    def _compare(self, reference: list[np.ndarray], index: int, key: str) -> list[Rect]:
        import pypdfium2 as pdfium

        from compositor.diff.pixels import compare_page_images
        from compositor.diff.report import render_page

        drawn = self.images.drawn(key)
        if index >= len(reference) or drawn is None:
            return [Rect(0, 0, 1e4, 1e4)]  # a page the reference lacks
        document = pdfium.PdfDocument(drawn.pdf)
        try:
            image = render_page(document[drawn.index], DIFF_DPI)
        finally:
            document.close()
        comparison = compare_page_images(reference[index], image)
        millimetres = 25.4 / DIFF_DPI
        return [
            Rect(
                box.left * millimetres,
                box.top * millimetres,
                (box.right - box.left) * millimetres,
                (box.bottom - box.top) * millimetres,
            )
            for box in comparison.boxes
        ]

    # -- what the API serves ----------------------------------------------------------
    def pages(self) -> dict:
        sizes = self.images.sizes
        return {
            "build": self.build_id,
            "error": self.error,
            "pages": [
                {
                    "number": number,
                    "image": f"/pages/{key}.jpg",
                    "width_mm": round(sizes[number - 1].width_mm, 3),
                    "height_mm": round(sizes[number - 1].height_mm, 3),
                    "differences": [asdict(r) for r in self.differences.get(number, [])],
                }
                for number, key in enumerate(self.images.keys, start=1)
            ],
        }

    def source_at(self, page: int, x: float, y: float) -> dict | None:
        found = self._source_map().at(page, x, y)
        return None if found is None else asdict(found)

    def source_file(self, file: str) -> Path | None:
        """The absolute path of a file the preview may name: one in the issue folder
        or the publication's ``publication.toml``; None for anything else."""

        path = (self.folder / file).resolve()
        if path == self.folder.parent / PUBLICATION_FILE or path.parent == self.folder:
            return path if path.is_file() else None
        return None


def _reference_pages(path: Path) -> list[np.ndarray]:
    from compositor.diff.report import render_pages

    return render_pages(Path(path), DIFF_DPI)
