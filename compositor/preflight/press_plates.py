"""The plates as a RIP makes them: Ghostscript's ``tiffsep`` separations (issue 27).

The colour operators of a PDF do not tell how much ink a gradient, a picture or
overprinting objects put down in one place; the rendered separations do. ``tiffsep``
writes one greyscale image per plate and page (0 = full ink, 255 = none), honouring
overprint as a separating RIP does. From them: the total ink (C+M+Y+K plus spot inks)
at the heaviest point of each page, the share of each page each plate inks, and which
plates carry ink that the job's inks do not include (``--inks black,spot``).
``save_previews`` keeps them as PNG files with an HTML page for ``--report``.
``check_plates`` adds the findings to a ``PressInspection``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from compositor.i18n import _
from compositor.scratch import scratch_folder

DPI = 50  # enough for total ink over an area (a 0.5 mm pixel); previews use more
PREVIEW_DPI = 72
TIMEOUT_S = 300
INKED = 0.02  # a plate pixel with at least this much ink counts as inked
PROCESS = ("Cyan", "Magenta", "Yellow", "Black")
PLATE_FILE = re.compile(r"p(\d+)\((.+)\)\.tif")


@dataclass
class PagePlates:
    page: int
    coverage: dict[str, float] = field(default_factory=dict)  # plate → share of the page inked
    peak: dict[str, float] = field(default_factory=dict)  # plate → its most ink, percent
    total: float = 0.0  # the heaviest C+M+Y+K+spots of any pixel, percent
    total_at: tuple[float, float] = (0.0, 0.0)  # where (mm from the top left of the page)


@dataclass
class Separations:
    available: bool
    pages: list[PagePlates] = field(default_factory=list)
    problem: str = ""


def separate(pdf: Path, dpi: int = DPI, keep: Path | None = None) -> Separations:
    """The plates of every page of ``pdf``; ``keep``: also save them there as PNG."""
    if shutil.which("gs") is None:
        return Separations(False, problem="Ghostscript (gs) is not installed")
    with scratch_folder("plates") as folder:
        command = ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=tiffsep",
                   f"-r{dpi}", f"-sOutputFile={Path(folder) / 'p%d.tif'}", str(pdf)]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=True)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            said = _("Ghostscript could not separate the file: {error}").format(error=error)
            return Separations(True, problem=said)
        plates = _read_plates(Path(folder))
        if keep is not None:
            _save_pngs(plates, keep)
    areas = printed_areas(pdf, dpi)
    pages = [
        _measure(page, _crop(by_ink, areas.get(page)), dpi)
        for page, by_ink in sorted(plates.items())
    ]
    return Separations(True, pages)


def printed_areas(pdf: Path, dpi: int) -> dict[int, tuple[int, int, int, int]]:
    """Per page, the pixels (left, top, right, bottom) of the bleed box: crop and fold
    marks, outside it, are on every plate (registration) and print on no page."""
    import pikepdf

    from compositor.press.trim import Rect

    areas = {}
    scale = dpi / 72
    with pikepdf.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            obj = page.obj
            shown = obj.get("/CropBox", obj.MediaBox)
            media = Rect.of(shown)
            # no bleed or trim box (a PDF made elsewhere): the whole page prints
            bleed = Rect.of(obj.get("/BleedBox", obj.get("/TrimBox", shown)))
            areas[number] = (
                round((bleed.x0 - media.x0) * scale),
                round((media.y1 - bleed.y1) * scale),
                round((bleed.x1 - media.x0) * scale),
                round((media.y1 - bleed.y0) * scale),
            )
    return areas


def _crop(by_ink: dict[str, np.ndarray], area) -> dict[str, np.ndarray]:
    if area is None:
        return by_ink
    left, top, right, bottom = area
    return {ink: plate[max(top, 0) : bottom, max(left, 0) : right] for ink, plate in by_ink.items()}


def _read_plates(folder: Path) -> dict[int, dict[str, np.ndarray]]:
    plates: dict[int, dict[str, np.ndarray]] = {}
    for path in folder.glob("p*(*).tif"):
        match = PLATE_FILE.fullmatch(path.name)
        if match is None:
            continue
        with Image.open(path) as image:
            ink = 1.0 - np.asarray(image.convert("L"), dtype=np.float32) / 255
        plates.setdefault(int(match[1]), {})[match[2]] = ink
    return plates


def _measure(page: int, by_ink: dict[str, np.ndarray], dpi: int) -> PagePlates:
    result = PagePlates(page)
    plates = list(by_ink.values())
    total = sum(plates[1:], plates[0]) if plates else np.zeros((1, 1))
    for ink, plate in by_ink.items():
        result.coverage[ink] = float(np.count_nonzero(plate >= INKED)) / plate.size
        result.peak[ink] = 100 * float(plate.max())
    row, column = np.unravel_index(int(np.argmax(total)), total.shape)
    result.total = 100 * float(total[row, column])
    result.total_at = (float(column) * 25.4 / dpi, float(row) * 25.4 / dpi)  # from the bleed
    return result


def _save_pngs(plates: dict[int, dict[str, np.ndarray]], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for page, by_ink in plates.items():
        for ink, plate in by_ink.items():
            grey = np.clip(255 - plate * 255, 0, 255).astype(np.uint8)
            Image.fromarray(grey).save(folder / plate_file(page, ink), optimize=False)


def plate_file(page: int, ink: str) -> str:
    """The PNG name of one plate of one page: page-01-Black.png, page-01-PANTONE_485_C.png."""
    safe = re.sub(r"[^A-Za-z0-9]+", "_", ink).strip("_")
    return f"page-{page:02d}-{safe}.png"


def ordered_inks(names) -> list[str]:
    """Process inks in press order, then spot inks by name."""
    return sorted(names, key=lambda ink: (PROCESS.index(ink) if ink in PROCESS else 4, ink))


BLACK_AND_SPOT = "black,spot"
INK_CHOICES = ("process", BLACK_AND_SPOT)


def check_plates(
    separations: Separations, max_ink: float, inks: str | None, result, objects=None
) -> None:
    """Total ink per page from the plates, and ink on plates the job has not got.
    ``objects(page, ink)``: what on that page is painted with that ink, for messages."""
    if not separations.available or separations.problem:
        said = separations.problem or _("not separated")
        result.add(None, "separations", said, "warning")
        return
    for page in separations.pages:
        if page.total > max_ink + 1:  # 8-bit plates: a percent of rounding
            x, y = page.total_at
            result.add(
                page.page,
                "total-ink",
                _(
                    "{total} % total ink on the plates at {x} mm, {y} mm from the bleed's top "
                    "left corner, above the {limit} % limit (gradients, pictures and overprint "
                    "included)"
                ).format(
                    total=f"{page.total:.0f}", x=f"{x:.0f}", y=f"{y:.0f}", limit=f"{max_ink:g}"
                ),
            )
        if inks == BLACK_AND_SPOT:
            _check_black_and_spot(page, result, objects)
    result.summary.append(("Plates", _plates_summary(separations)))
    for page in separations.pages:
        shares = ", ".join(
            f"{ink} {page.coverage[ink]:.1%}"
            for ink in ordered_inks(page.coverage)
            if page.coverage[ink] > 0
        )
        result.summary.append(
            (f"  plates {page.page}", f"{shares or 'no ink'}; {page.total:.0f} % at most")
        )


def _check_black_and_spot(page: PagePlates, result, objects) -> None:
    for ink in ("Cyan", "Magenta", "Yellow"):
        if page.coverage.get(ink, 0.0) > 0:
            found = objects(page.page, ink) if objects else []
            what = f": {'; '.join(found[:3])}" if found else ""
            result.add(
                page.page,
                "plates",
                _(
                    "ink on the {ink} plate ({share} of the page) in a black + spot job{what}"
                ).format(ink=ink, share=f"{page.coverage[ink]:.2%}", what=what),
            )


def _plates_summary(separations: Separations) -> str:
    used = {ink for page in separations.pages for ink, share in page.coverage.items() if share}
    top = max((page.total for page in separations.pages), default=0.0)
    names = ", ".join(ordered_inks(used)) or "none"
    return f"{names} (Ghostscript tiffsep); {top:.0f} % total ink at most"
