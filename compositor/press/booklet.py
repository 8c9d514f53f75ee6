"""``--booklet``: the issue's pages imposed 2-up on sheets for saddle stitching.

An office prints the bulletin itself on an A3 duplex printer, folds the sheets once
and staples them on the fold. For that each sheet side carries two pages side by side
in saddle-stitch order: for N pages (N a multiple of 4) the front of sheet k shows
pages N−2k | 2k+1 and its back 2k+2 | N−2k−1, so 12 pages give 12|1, 2|11, 10|3,
4|9, 8|5, 6|7. Printed duplex with "flip on short edge", every page stands upright
and the folded sheets nest into a booklet in page order.

The rendered pages are reused as they are: each becomes a form XObject (pikepdf)
drawn on its half of the sheet, so nothing is laid out again and every font stays
embedded once. A count that is not a multiple of 4 gets blank pages before the back
page, as ``--pad-to 4`` does.

Press sheets (``marks``) keep each page's bleed on the sheet's outer edges, set the
sheet's TrimBox/BleedBox, and carry crop marks at the sheet's corners and fold marks
on the spine, all outside the bleed. ``creep_mm`` compensates for the paper's
thickness: the pages of inner sheets stick out further at the fore-edge once folded
and lose more when the booklet is trimmed, so their content moves towards the spine,
by ``creep_mm`` on the innermost sheet and proportionally less further out (0 on the
outermost).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass

import pikepdf
from pikepdf import Name

from compositor.errors import CompositorError
from compositor.i18n import _
from compositor.press.pdfsave import save_reproducibly
from compositor.press.pdfx import renew_identity
from compositor.press.trim import (
    MARK_GAP_MM,
    MARK_LENGTH_MM,
    MARK_MARGIN_MM,
    MARK_WIDTH_PT,
    POINTS_PER_MM,
    REGISTRATION,
    PageBoxes,
    Rect,
    add_registration_space,
    crop_marks,
)

PAGES_PER_SHEET = 4
MAX_CREEP_MM = 5.0
# The PDF Info key telling preflight that each PDF page is a sheet side of two pages in
# saddle_stitch_order, and the creep (JSON): it checks the typesetting of the pages, put
# back where they were, not of the sheets.
IMPOSITION_KEY = "/CompositorImposition"
SADDLE_STITCH_2UP = "2-up saddle stitch"


class BookletError(CompositorError):
    """The pages cannot be imposed as asked."""


@dataclass(frozen=True)
class Booklet:
    creep_mm: float = 0.0
    marks: bool = False  # press sheets: crop and fold marks outside the bleed


def saddle_stitch_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers, 1-based, of each sheet side: front, back, front, …"""
    if pages <= 0 or pages % PAGES_PER_SHEET:
        raise BookletError(
            _("{pages} pages cannot be saddle-stitched: need a multiple of 4").format(pages=pages)
        )
    sides = []
    for k in range(pages // PAGES_PER_SHEET):
        sides.append((pages - 2 * k, 2 * k + 1))  # front
        sides.append((2 * k + 2, pages - 2 * k - 1))  # back
    return sides


def impose_booklet(pdf_bytes: bytes, booklet: Booklet, version: str = "") -> bytes:
    """The document's pages as 2-up saddle-stitch sheets (see the module docstring)."""
    if not 0 <= booklet.creep_mm <= MAX_CREEP_MM:
        raise BookletError(
            _("creep must be between 0 and {most} mm").format(most=f"{MAX_CREEP_MM:g}")
        )
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        _pad_before_back_page(pdf)
        pages = list(pdf.pages)
        trim, bleed = _page_geometry(pages)
        sheet = _sheet_boxes(trim, bleed, booklet.marks)
        forms = [_page_form(page) for page in pages]
        sides = saddle_stitch_order(len(pages))
        new_pages = []
        for index, (left, right) in enumerate(sides):
            shift = creep_shift(booklet.creep_mm, index, len(sides))
            new_pages.append(_sheet_side(pdf, sheet, trim, bleed, forms, left, right, shift))
        for _page in range(len(pdf.pages)):
            del pdf.pages[0]
        for page in new_pages:
            pdf.pages.append(page)
        # Bookmarks and page labels point at pages that are no longer pages.
        for key in ("/Outlines", "/PageLabels", "/Dests", "/OpenAction"):
            if key in pdf.Root:
                del pdf.Root[key]
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            del pdf.Root.Names.Dests
        _drop_structure(pdf)
        record = {"imposition": SADDLE_STITCH_2UP, "creep_mm": booklet.creep_mm}
        pdf.docinfo[IMPOSITION_KEY] = json.dumps(record, sort_keys=True)
        renew_identity(pdf, json.dumps(record, sort_keys=True))  # not the flat file's
        return save_reproducibly(pdf, version=version)


# PDF/UA's and PDF/A's identification in XMP, as attributes or as elements
CLAIMS = re.compile(rb'\s(?:pdfuaid|pdfaid):\w+="[^"]*"|<pdfuaid:part>\d+</pdfuaid:part>')


def _drop_structure(pdf: pikepdf.Pdf) -> None:
    """Sheets are for printing: two pages side by side have no reading order, and the
    structure tree points at pages that are no longer pages. A tagged edition's sheets
    are untagged and no longer claim PDF/UA or PDF/A (read the edition itself); a press
    file's stay PDF/X."""
    if "/StructTreeRoot" not in pdf.Root:
        return
    for key in ("/StructTreeRoot", "/MarkInfo"):
        del pdf.Root[key]
    for page in pdf.pages:
        for key in ("/StructParents", "/Tabs"):
            if key in page.obj:
                del page.obj[key]
    if "/Metadata" in pdf.Root:  # a press file's PDF/X identification stays
        packet = pdf.Root.Metadata.read_bytes()
        pdf.Root.Metadata.write(re.sub(CLAIMS, b"", packet))


def creep_shift(creep_mm: float, side: int, sides: int) -> float:
    """How far (pt) the pages of sheet side ``side`` (from 0, of ``sides``) move towards
    the spine: sheet 0 is the outermost, the innermost gets the full creep."""
    sheets = sides // 2
    return creep_mm * POINTS_PER_MM * (side // 2) / max(sheets - 1, 1)


def _pad_before_back_page(pdf: pikepdf.Pdf) -> None:
    """Blank pages before the last one up to a multiple of 4 (``--pad-to 4`` on a PDF)."""
    blanks = -len(pdf.pages) % PAGES_PER_SHEET
    model = pdf.pages[-1].obj
    for _blank in range(blanks):
        blank = pikepdf.Dictionary(
            Type=Name.Page, Resources=pikepdf.Dictionary(), Contents=pdf.make_stream(b"")
        )
        for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
            if box in model:
                blank[box] = pikepdf.Array(list(model[box]))
        pdf.pages.insert(len(pdf.pages) - 1, pikepdf.Page(blank))


def _page_geometry(pages: list[pikepdf.Page]) -> tuple[Rect, float]:
    """The pages' trim size and bleed (0 for a screen PDF); every page must agree."""
    first = pages[0].obj
    trim = Rect.of(first.get("/TrimBox", first.MediaBox))
    bleed_box = Rect.of(first.get("/BleedBox", first.get("/TrimBox", first.MediaBox)))
    for number, page in enumerate(pages, start=1):
        other = Rect.of(page.obj.get("/TrimBox", page.obj.MediaBox))
        if abs(other.width - trim.width) > 0.5 or abs(other.height - trim.height) > 0.5:
            raise BookletError(
                _(
                    "page {number} is {size} pt, not {first} pt like page 1: a booklet needs "
                    "pages of one size"
                ).format(
                    number=number,
                    size=f"{other.width:.0f} × {other.height:.0f}",
                    first=f"{trim.width:.0f} × {trim.height:.0f}",
                )
            )
    return trim, max(trim.x0 - bleed_box.x0, 0.0)


def _sheet_boxes(trim: Rect, bleed: float, marks: bool) -> PageBoxes:
    """Two trimmed pages side by side, with the trim at the origin as on the pages."""
    sheet_trim = Rect(0.0, 0.0, 2 * trim.width, trim.height)
    sheet_bleed = sheet_trim.grown(bleed)
    margin = (MARK_GAP_MM + MARK_LENGTH_MM + MARK_MARGIN_MM) * POINTS_PER_MM
    media = sheet_bleed.grown(margin) if marks else sheet_bleed
    return PageBoxes(trim=sheet_trim, bleed=sheet_bleed, media=media, marks=marks)


def _page_form(page: pikepdf.Page) -> pikepdf.Object:
    form = page.as_form_xobject()
    # Store the content decoded (saving compresses it again): a blank page's empty
    # content otherwise keeps /FlateDecode with no data, which MuPDF warns about.
    form.write(form.read_bytes() or b" ")
    # Keep everything the page draws, bleed included (the form's box may be the trim).
    form.BBox = pikepdf.Array(list(page.obj.get("/BleedBox", page.obj.MediaBox)))
    return form


def _sheet_side(
    pdf: pikepdf.Pdf,
    sheet: PageBoxes,
    trim: Rect,
    bleed: float,
    forms: list[pikepdf.Object],
    left: int,
    right: int,
    shift: float,
) -> pikepdf.Page:
    width, height = trim.width, trim.height
    commands, xobjects = [], pikepdf.Dictionary()
    for number, x, towards_spine, clip in (
        (left, 0.0, shift, Rect(-bleed, -bleed, width, height + bleed)),
        (right, width, -shift, Rect(width, -bleed, 2 * width + bleed, height + bleed)),
    ):
        name = f"/Page{number}"
        xobjects[name] = forms[number - 1]
        dx = x + towards_spine - trim.x0
        dy = -trim.y0
        # Clip to this half: a page never prints across the spine, and its bleed only
        # on the sheet's outer edges.
        commands.append(
            f"q {_f(clip.x0)} {_f(clip.y0)} {_f(clip.width)} {_f(clip.height)} re W n "
            f"1 0 0 1 {_f(dx)} {_f(dy)} cm {name} Do Q"
        )
    resources = pikepdf.Dictionary(XObject=xobjects)
    content = "\n".join(commands) + "\n"
    if sheet.marks:
        content += crop_marks(sheet).decode("ascii") + _fold_marks(sheet)
        add_registration_space(resources)
    page = pikepdf.Dictionary(
        Type=Name.Page,
        MediaBox=sheet.media.as_array(),
        Resources=resources,
        Contents=pdf.make_stream(content.encode("ascii")),
    )
    if sheet.marks or bleed:
        page.TrimBox = sheet.trim.as_array()
        page.BleedBox = sheet.bleed.as_array()
    return pikepdf.Page(page)


def _fold_marks(sheet: PageBoxes) -> str:
    """Dashed marks on the spine above and below the sheet, outside the bleed."""
    gap, length = MARK_GAP_MM * POINTS_PER_MM, MARK_LENGTH_MM * POINTS_PER_MM
    x = (sheet.trim.x0 + sheet.trim.x1) / 2
    top, bottom = sheet.bleed.y1 + gap, sheet.bleed.y0 - gap
    return (
        f"q\n{REGISTRATION}\n{MARK_WIDTH_PT} w 0 J [2 1] 0 d\n"
        f"{_f(x)} {_f(top)} m {_f(x)} {_f(top + length)} l S\n"
        f"{_f(x)} {_f(bottom)} m {_f(x)} {_f(bottom - length)} l S\nQ\n"
    )


def _f(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"
