"""Do the PDF engines a print shop uses draw and read this PDF the same way?

A PDF is only as good as the worst engine that opens it. pdfium (Chrome) is the
reference: every page is drawn by poppler (pdftoppm), MuPDF (mutool draw) and
Ghostscript (the base of many RIPs) and compared with pdfium's drawing, greyscale,
with a tolerance for antialiasing; every warning an engine prints about the file is
kept; and the text that pdftotext and ``mutool draw -F txt`` extract must be the
text pdfium reads, with lines as lines.

``compare_engines`` does all of it for one PDF; ``format_engine_report`` prints it
for ``compositor preflight --press``. The engines are command-line programs from
Debian (poppler-utils, mupdf-tools, ghostscript); one that is missing is reported,
not skipped silently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from compositor.i18n import _
from compositor.scratch import scratch_folder
from compositor.text.classes import is_han

DPI = 100
# Rasterisers disagree on antialiasing, on how a CMYK red turns grey and on where a
# page's pixel grid starts (a pixel of shift). So pages are compared as ink: a pixel
# is ink where it is darker than INK_LEVEL; the two ink maps are aligned (up to
# MAX_SHIFT pixels), averaged over BLUR × BLUR pixels (about half a character of
# 10.5 pt at 100 dpi) and a pixel differs where the ink densities differ by more
# than DENSITY_TOLERANCE. Measured on the sample: engines that draw the same glyphs
# differ on at most 0.05 % of a page; a glyph drawn as a box, as another glyph or
# not at all differs on 1-9 %. A page differs above MAX_DIFFERENT.
INK_LEVEL = 160
# Translucent areas (opacity, soft masks) are drawn in greys that engines mix each their
# own way: a banner at opacity 0.6 is grey 157 in pdfium, 176 in Ghostscript, either
# side of INK_LEVEL (issue 27). There a pixel counts against the other drawing only
# where it is ink and the other drawing is lighter than INK_LEVEL + GREY_MARGIN: a grey
# that differs is a colour, not a glyph, question; a glyph missing is black on white.
GREY_MARGIN = 40
# An engine may draw the same glyphs in another grey: MuPDF, when a page uses overprint,
# draws it as CMYK plates and turns them grey at the end, so a four-colour black's
# antialiased edges (pdfium: greys 140-220) come out 0-140 and its strokes a pixel
# fatter as ink. Such a page is compared again by its marks, every pixel darker than
# MARK_LEVEL (light tints aside): where the marks agree (MAX_DIFFERENT) the engine drew
# the same shapes, darker or lighter - a colour question, not a glyph one. Measured:
# body text in C85 M77 Y55 K71 differs on 2.9 % as ink, 0.05 % as marks; a face whose
# glyphs Ghostscript draws as other glyphs differs on 0.8 % as ink, 1.8 % as marks.
MARK_LEVEL = 224
TRANSLUCENT_CHANGE = 8  # grey levels: what opacity changes in pdfium's drawing
MAX_SHIFT = 2
BLUR = 9
DENSITY_TOLERANCE = 0.25
MAX_DIFFERENT = 0.005
# Extracted text: lines holding a single Han character, as a share of all lines with
# text. A reader that takes each glyph for a line of its own (the MuPDF symptom of
# wrong glyph widths) gives 85 % and more; a bulletin's page has next to none (a lone
# digit, a TOC page number, may well stand on a line of its own).
MAX_SINGLE_CHARACTER_LINES = 0.2
# What an engine says about itself, not about the file: Debian's MuPDF is built
# without littleCMS and says so for every PDF with an ICC profile.
ENGINE_NOTICES = ("ICC support is not available",)
TIMEOUT_S = 120


@dataclass(frozen=True)
class Engine:
    name: str  # what the report calls it
    program: str  # the executable
    package: str  # the Debian package that installs it
    draw: Callable[[Path, Path, int], list[str]]  # (pdf, folder, dpi) -> command line
    # pdf -> the command printing its text in content order (to compare with pdfium);
    # None: the engine has no text tool here.
    extract: Callable[[Path], list[str]] | None = None
    # pdf -> the command printing it as a reader sees it (to count lines), where that
    # is another command; None: ``extract``'s text serves.
    extract_lines: Callable[[Path], list[str]] | None = None


def _poppler_draw(pdf: Path, folder: Path, dpi: int) -> list[str]:
    return ["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(folder / "page")]


def _mupdf_draw(pdf: Path, folder: Path, dpi: int) -> list[str]:
    return ["mutool", "draw", "-q", "-r", str(dpi), "-c", "gray",
            "-o", str(folder / "page-%d.pgm"), str(pdf)]  # fmt: skip


def _ghostscript_draw(pdf: Path, folder: Path, dpi: int) -> list[str]:
    return ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pgmraw", f"-r{dpi}",
            "-dTextAlphaBits=4", "-dGraphicsAlphaBits=4",
            f"-sOutputFile={folder / 'page-%d.pgm'}", str(pdf)]  # fmt: skip


ENGINES = (
    Engine("poppler", "pdftoppm", "poppler-utils", _poppler_draw,
           lambda pdf: ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"],
           lambda pdf: ["pdftotext", "-enc", "UTF-8", str(pdf), "-"]),
    Engine("MuPDF", "mutool", "mupdf-tools", _mupdf_draw,
           lambda pdf: ["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(pdf)]),
    Engine("Ghostscript", "gs", "ghostscript", _ghostscript_draw),
)  # fmt: skip


@dataclass(frozen=True)
class Drawings:
    """How two greyscale drawings of one page compare."""

    different: float  # share of pixels whose ink differs (DENSITY_TOLERANCE)
    # share of pixels whose marks (MARK_LEVEL) differ; only compared where the ink
    # differs on more than MAX_DIFFERENT of the page (else the ink's share)
    marks_different: float
    darker: bool  # where the ink differs, the second drawing has more of it, mostly

    @property
    def same_shapes(self) -> bool:
        """The ink differs but the marks agree: the same shapes in another grey."""
        return self.marks_different <= MAX_DIFFERENT


@dataclass(frozen=True)
class PageDifference:
    page: int  # 1-based
    different: float  # share of the page's pixels that differ from pdfium's drawing
    # "darker"/"lighter": the engine draws the same shapes as pdfium in another grey
    # (a colour turned grey another way); None: ink missing, added or in other shapes.
    tone: str | None = None


@dataclass
class EngineResult:
    engine: str
    package: str
    available: bool = True
    pages_drawn: int = 0
    different_pages: list[PageDifference] = field(default_factory=list)
    worst: float = 0.0  # the largest share of different pixels on any page
    warnings: list[str] = field(default_factory=list)
    text_checked: bool = False
    text_problems: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return (
            self.available
            and not self.different_pages
            and not self.warnings
            and not self.text_problems
        )


def compare_engines(
    pdf: Path | str, engines: Sequence[Engine] = ENGINES, dpi: int = DPI
) -> list[EngineResult]:
    """Draw and read ``pdf`` with each engine and compare with pdfium, page by page."""
    pdf = Path(pdf)
    # The engines are other processes: let them draw while pdfium draws here.
    with ThreadPoolExecutor(max_workers=len(engines) or 1) as pool:
        runs = [pool.submit(_run_engine, engine, pdf, dpi) for engine in engines]
        reference, reference_text = _pdfium_read(pdf, dpi)
        pictures = picture_areas(pdf, dpi)
        translucent = translucent_areas(pdf, dpi, reference)
        return [
            _compare(run.result(), reference, reference_text, pictures, translucent) for run in runs
        ]


def translucent_areas(pdf: Path, dpi: int, drawn: list[np.ndarray]) -> list[np.ndarray | None]:
    """Per page, where transparency changes the drawing (None: nowhere): pdfium draws the
    page again with every opacity 1 and every soft mask off, and the pixels that change,
    widened by BLUR, are the translucent areas."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        if not _make_opaque(document):
            return [None] * len(drawn)
        with scratch_folder("engines") as folder:
            opaque_pdf = Path(folder) / "opaque.pdf"
            document.save(opaque_pdf)
            opaque, _ = _pdfium_read(opaque_pdf, dpi)
    areas: list[np.ndarray | None] = []
    for page, other in zip(drawn, opaque, strict=False):
        if page.shape != other.shape:
            areas.append(None)
            continue
        changed = (np.abs(page.astype(np.int16) - other) > TRANSLUCENT_CHANGE).astype(np.float32)
        area = _box_blur(changed, 2 * BLUR + 1) > 0
        areas.append(area if area.any() else None)
    return areas


def _make_opaque(document) -> bool:
    """Set every graphics state of ``document`` opaque; whether any was not."""
    import pikepdf

    from compositor.press.pdfwalk import walk

    changed = False
    for state in walk(document).states:
        for key in ("/ca", "/CA"):
            if float(state.obj.get(key, 1)) < 1:
                state.obj[key] = 1
                changed = True
        if state.obj.get("/SMask", pikepdf.Name("/None")) != pikepdf.Name("/None"):
            state.obj.SMask = pikepdf.Name("/None")
            changed = True
    return changed


def picture_areas(pdf: Path, dpi: int) -> list[list[tuple[int, int, int, int]]]:
    """Per page, the pixel boxes (left, top, right, bottom) where images are drawn.

    Engines convert a photo's colours each their own way (CMYK, ICC profiles), so its
    ink map differs by far more than a glyph's; the pictures are compared apart
    (tests/test_figures.py), and this check looks at everything else (issue 14).
    """
    import pikepdf

    from compositor.press.placements import placed_images

    with pikepdf.open(pdf) as document:
        areas: list[list[tuple[int, int, int, int]]] = [[] for _ in document.pages]
        for placed in placed_images(document):
            page = document.pages[placed.page - 1]
            left, bottom, _, top = (float(v) for v in page.obj.get("/CropBox", page.mediabox))
            x0, y0, x1, y1 = placed.box
            scale = dpi / 72
            areas[placed.page - 1].append(
                (
                    int((x0 - left) * scale) - BLUR,
                    int((top - y1) * scale) - BLUR,
                    int((x1 - left) * scale) + BLUR + 1,
                    int((top - y0) * scale) + BLUR + 1,
                )
            )
    return areas


@dataclass
class _Run:
    engine: Engine
    result: EngineResult
    drawn: list[np.ndarray]
    text: list[str] | None  # in content order
    lines: list[str] | None  # as a reader sees them


def _run_engine(engine: Engine, pdf: Path, dpi: int) -> _Run:
    result = EngineResult(engine.name, engine.package)
    if shutil.which(engine.program) is None:
        result.available = False
        return _Run(engine, result, [], None, None)
    with scratch_folder("engines") as folder:
        drawn, result.warnings = _draw(engine, pdf, Path(folder), dpi)
    text = lines = None
    if engine.extract is not None:
        result.text_checked = True
        text = lines = _extract(engine.extract(pdf), result.text_problems)
        if engine.extract_lines is not None:
            lines = _extract(engine.extract_lines(pdf), result.text_problems)
    return _Run(engine, result, drawn, text, lines)


def _compare(
    run: _Run,
    reference: list[np.ndarray],
    reference_text: list[str],
    pictures: list[list[tuple[int, int, int, int]]] | None = None,
    translucent: list[np.ndarray | None] | None = None,
) -> EngineResult:
    result = run.result
    if not result.available:
        return result
    result.pages_drawn = len(run.drawn)
    if len(run.drawn) != len(reference):
        said = _("drew {count} pages, pdfium {expected}")
        result.warnings.append(said.format(count=len(run.drawn), expected=len(reference)))
    for number, (mine, theirs) in enumerate(zip(reference, run.drawn, strict=False), 1):
        areas = pictures[number - 1] if pictures and number <= len(pictures) else []
        apart = translucent[number - 1] if translucent and number <= len(translucent) else None
        drawings = compare_drawings(_blank(mine, areas), _blank(theirs, areas), apart)
        share = drawings.different
        result.worst = max(result.worst, share)
        if share > MAX_DIFFERENT:
            tone = ("darker" if drawings.darker else "lighter") if drawings.same_shapes else None
            result.different_pages.append(PageDifference(number, share, tone))
    if run.text is not None and run.lines is not None:
        result.text_problems += _text_problems(run.text, run.lines, reference_text)
    return result


def _blank(drawing: np.ndarray, areas: list[tuple[int, int, int, int]]) -> np.ndarray:
    """``drawing`` with the picture areas painted white (no ink)."""
    if not areas:
        return drawing
    drawing = drawing.copy()
    for left, top, right, bottom in areas:
        drawing[max(top, 0) : max(bottom, 0), max(left, 0) : max(right, 0)] = 255
    return drawing


def different_share(
    reference: np.ndarray, drawn: np.ndarray, translucent: np.ndarray | None = None
) -> float:
    """The share of pixels where two greyscale drawings of one page really differ."""
    return compare_drawings(reference, drawn, translucent).different


def compare_drawings(
    reference: np.ndarray, drawn: np.ndarray, translucent: np.ndarray | None = None
) -> Drawings:
    """Where two greyscale drawings of one page differ, as ink and as marks;
    ``translucent`` (True where transparency is drawn, in ``reference``'s pixels) is
    compared by ink that goes missing, not by grey level (GREY_MARGIN)."""
    if any(abs(a - b) > MAX_SHIFT for a, b in zip(reference.shape, drawn.shape, strict=True)):
        return Drawings(1.0, 1.0, False)  # another page size: every pixel is in question
    grey_a, grey_b = _aligned(reference, drawn)
    ink = _density(grey_b, INK_LEVEL) - _density(grey_a, INK_LEVEL)
    differs = np.abs(ink) > DENSITY_TOLERANCE
    missing = None
    if translucent is not None and translucent.shape == reference.shape:
        m = MAX_SHIFT
        apart = translucent[m : m + grey_a.shape[0], m : m + grey_a.shape[1]]
        missing = _ink_missing(grey_a, grey_b) | _ink_missing(grey_b, grey_a)
        differs = np.where(apart, missing, differs)
    darker = np.count_nonzero(differs & (ink > 0)) * 2 > np.count_nonzero(differs)
    different = _share(differs)
    if different <= MAX_DIFFERENT:  # the page agrees: its marks need no second look
        return Drawings(different, different, bool(darker))
    marks_differ = np.abs(_density(grey_b, MARK_LEVEL) - _density(grey_a, MARK_LEVEL))
    marks_differ = marks_differ > DENSITY_TOLERANCE
    if missing is not None:
        marks_differ = np.where(apart, missing, marks_differ)
    return Drawings(different, _share(marks_differ), bool(darker))


def _aligned(reference: np.ndarray, drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two drawings cut to one size, ``drawn`` shifted (up to MAX_SHIFT pixels) to
    line up its ink with ``reference``'s."""
    ink_a = (reference < INK_LEVEL).astype(np.float32)
    ink_b = (drawn < INK_LEVEL).astype(np.float32)
    dy = _best_shift(ink_a.sum(axis=1), ink_b.sum(axis=1))
    dx = _best_shift(ink_a.sum(axis=0), ink_b.sum(axis=0))
    height = min(reference.shape[0], drawn.shape[0]) - 2 * MAX_SHIFT
    width = min(reference.shape[1], drawn.shape[1]) - 2 * MAX_SHIFT
    m = MAX_SHIFT
    return (
        reference[m : m + height, m : m + width],
        drawn[m + dy : m + dy + height, m + dx : m + dx + width],
    )


def _density(grey: np.ndarray, level: int) -> np.ndarray:
    """The share of pixels darker than ``level`` around each pixel (BLUR × BLUR)."""
    return _box_blur((grey < level).astype(np.float32), BLUR)


def _share(mask: np.ndarray) -> float:
    return float(np.count_nonzero(mask)) / mask.size


def _ink_missing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where ``a`` has ink that ``b`` has not even counting its light greys."""
    ink = _box_blur((a < INK_LEVEL).astype(np.float32), BLUR)
    any_ink = _box_blur((b < INK_LEVEL + GREY_MARGIN).astype(np.float32), BLUR)
    return ink - any_ink > DENSITY_TOLERANCE


def _best_shift(profile_a: np.ndarray, profile_b: np.ndarray) -> int:
    """The offset (within MAX_SHIFT) that best lines up two ink profiles of a page."""
    m = MAX_SHIFT
    length = min(len(profile_a), len(profile_b)) - 2 * m
    core = profile_a[m : m + length]
    errors = {
        shift: float(np.abs(core - profile_b[m + shift : m + shift + length]).sum())
        for shift in range(-m, m + 1)
    }
    return min(errors, key=lambda shift: (errors[shift], abs(shift)))


def _box_blur(image: np.ndarray, size: int) -> np.ndarray:
    """The mean over size × size pixels around each pixel (summed-area table)."""
    half = size // 2
    padded = np.pad(image, ((half + 1, half), (half + 1, half)), mode="edge")
    table = padded.cumsum(axis=0).cumsum(axis=1)
    h, w = image.shape
    total = (
        table[size : size + h, size : size + w]
        - table[:h, size : size + w]
        - table[size : size + h, :w]
        + table[:h, :w]
    )
    return total / (size * size)


def _pdfium_read(pdf: Path, dpi: int) -> tuple[list[np.ndarray], list[str]]:
    """pdfium's drawing (the diff's greyscale rendering) and text of every page."""
    import pypdfium2

    from compositor.diff.report import render_page

    drawings, texts = [], []
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        for page in document:
            drawings.append(render_page(page, dpi))
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return drawings, texts


def _draw(engine: Engine, pdf: Path, folder: Path, dpi: int) -> tuple[list[np.ndarray], list[str]]:
    completed, failure = _run(engine.draw(pdf, folder, dpi))
    if completed is None:
        return [], [failure]
    warnings = _warnings(completed.stdout.decode("utf-8", errors="replace"))
    warnings += _warnings(completed.stderr.decode("utf-8", errors="replace"))
    if failure:
        warnings.append(failure)
    files = sorted(folder.iterdir(), key=_page_number)
    return [np.asarray(Image.open(path).convert("L")) for path in files], warnings


def _run(command: list[str]) -> tuple[subprocess.CompletedProcess | None, str]:
    """Run an engine's command: the result (None if it never finished) and what went
    wrong, if anything ("" when it exited 0)."""
    try:
        completed = subprocess.run(command, capture_output=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        said = _("{program} did not finish in {seconds} s")
        return None, said.format(program=command[0], seconds=TIMEOUT_S)
    if completed.returncode != 0:
        said = _("{program} exited with status {status}")
        return completed, said.format(program=command[0], status=completed.returncode)
    return completed, ""


def _page_number(path: Path) -> int:
    match = re.search(r"(\d+)\.p[gnp]m$", path.name)
    return int(match.group(1)) if match else 0


def _warnings(output: str) -> list[str]:
    """Every line an engine prints about the file; identical lines once, with a count."""
    counts: dict[str, int] = {}
    for line in output.splitlines():
        line = line.strip()
        if line and not line.startswith("page ") and not any(n in line for n in ENGINE_NOTICES):
            counts[line] = counts.get(line, 0) + 1
    return [text if n == 1 else f"{text} (×{n})" for text, n in counts.items()]


def _text_problems(pages: list[str], as_read: list[str], reference: list[str]) -> list[str]:
    problems = []
    for number, (theirs, mine) in enumerate(zip(pages, reference, strict=False), 1):
        if _characters(theirs) != _characters(mine):
            problems.append(
                _("page {page}: extracted text differs from pdfium's").format(page=number)
            )
    if len(pages) != len(reference):
        said = _("text of {count} pages extracted, {expected} expected")
        problems.append(said.format(count=len(pages), expected=len(reference)))
    for number, page in enumerate(as_read, 1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        single = sum(1 for line in lines if len(line) == 1 and is_han(line))
        if lines and single / len(lines) > MAX_SINGLE_CHARACTER_LINES:
            problems.append(
                _("page {page}: {single} of {lines} lines are a single Han character").format(
                    page=number, single=single, lines=len(lines)
                )
            )
    return problems


def _extract(command: list[str], problems: list[str]) -> list[str]:
    """The text of each page; both pdftotext and mutool end every page with a form feed."""
    completed, failure = _run(command)
    if failure:
        problems.append(failure)
    if completed is None:
        return []
    pages = completed.stdout.decode("utf-8", errors="replace").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _characters(text: str) -> str:
    """The printed characters in order; whitespace is the extractor's own guess."""
    return "".join(c for c in text if not c.isspace())


def format_engine_report(results: Sequence[EngineResult]) -> list[str]:
    lines = []
    for result in results:
        if not result.available:
            lines.append(f"{result.engine}: not installed (apt-get install {result.package})")
            continue
        drawn = (
            f"{result.pages_drawn} pages drawn as pdfium draws them"
            if not result.different_pages
            else "pages drawn differently from pdfium: "
            + ", ".join(_page_said(d) for d in result.different_pages)
        )
        text = ""
        if result.text_checked:
            text = "; text as pdfium reads it" if not result.text_problems else "; text differs"
        lines.append(f"{result.engine}: {drawn}{text}")
        lines += [f"  warning: {warning}" for warning in result.warnings[:10]]
        if len(result.warnings) > 10:
            lines.append(f"  … {len(result.warnings) - 10} more warnings")
        lines += [f"  text: {problem}" for problem in result.text_problems[:10]]
    return lines


def _page_said(difference: PageDifference) -> str:
    tone = f", same shapes {difference.tone}" if difference.tone else ""
    return f"{difference.page} ({difference.different:.1%}{tone})"
