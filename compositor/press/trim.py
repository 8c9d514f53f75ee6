"""Page geometry for press: TrimBox, BleedBox, MediaBox, and crop marks outside the bleed.

WeasyPrint puts the trimmed page at (0, 0)–(width, height) and the CSS bleed around
it, but caps the PDF BleedBox at 10 pt and draws ``marks: crop`` inside the bleed,
where they would print on a bled background. Here the boxes are set exactly, and
crop marks are drawn in a margin added outside the BleedBox, so they can never
print inside the bleed:

    MediaBox ⊇ (mark margin) ⊇ BleedBox = TrimBox + bleed ⊇ TrimBox = the A4 page
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf

POINTS_PER_MM = 72 / 25.4
MARK_GAP_MM = 2.0  # between the bleed edge and where a crop mark starts
MARK_LENGTH_MM = 5.0
MARK_MARGIN_MM = 1.0  # white paper beyond the end of each mark
MARK_WIDTH_PT = 0.25  # a hairline, as printers draw them
# Marks print on every plate — process and spot — in the /All separation (registration).
REGISTRATION_SPACE = pikepdf.Name("/CSReg")
REGISTRATION = "/CSReg CS 1 SCN"
TOLERANCE_PT = 0.01


@dataclass(frozen=True)
class Rect:
    x0: float
    y0: float
    x1: float
    y1: float

    def grown(self, by: float) -> Rect:
        return Rect(self.x0 - by, self.y0 - by, self.x1 + by, self.y1 + by)

    def contains(self, other: Rect) -> bool:
        return (
            self.x0 <= other.x0 + TOLERANCE_PT
            and self.y0 <= other.y0 + TOLERANCE_PT
            and self.x1 >= other.x1 - TOLERANCE_PT
            and self.y1 >= other.y1 - TOLERANCE_PT
        )

    def same_as(self, other: Rect) -> bool:
        return self.contains(other) and other.contains(self)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def as_array(self) -> pikepdf.Object:
        return pikepdf.Array([_rounded(v) for v in (self.x0, self.y0, self.x1, self.y1)])

    @classmethod
    def of(cls, box: pikepdf.Object) -> Rect:
        x0, y0, x1, y1 = (float(v) for v in box)
        return cls(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


@dataclass(frozen=True)
class PageBoxes:
    trim: Rect
    bleed: Rect
    media: Rect
    marks: bool


def page_boxes(width_mm: float, height_mm: float, bleed_mm: float, marks: bool) -> PageBoxes:
    trim = Rect(0.0, 0.0, width_mm * POINTS_PER_MM, height_mm * POINTS_PER_MM)
    bleed = trim.grown(bleed_mm * POINTS_PER_MM)
    margin = (MARK_GAP_MM + MARK_LENGTH_MM + MARK_MARGIN_MM) * POINTS_PER_MM
    media = bleed.grown(margin) if marks else bleed
    return PageBoxes(trim=trim, bleed=bleed, media=media, marks=marks)


def set_boxes(page: pikepdf.Page, boxes: PageBoxes) -> None:
    page.obj.MediaBox = boxes.media.as_array()
    page.obj.BleedBox = boxes.bleed.as_array()
    page.obj.TrimBox = boxes.trim.as_array()
    for stale in ("/CropBox", "/ArtBox"):  # a TrimBox and an ArtBox together are not allowed
        if stale in page.obj:
            del page.obj[stale]


def crop_marks(boxes: PageBoxes) -> bytes:
    """A content stream drawing the eight crop marks, each in line with a trim edge."""
    gap = MARK_GAP_MM * POINTS_PER_MM
    length = MARK_LENGTH_MM * POINTS_PER_MM
    trim, bleed = boxes.trim, boxes.bleed
    lines = []
    for x in (trim.x0, trim.x1):  # vertical marks above and below the sheet
        lines.append((x, bleed.y1 + gap, x, bleed.y1 + gap + length))
        lines.append((x, bleed.y0 - gap, x, bleed.y0 - gap - length))
    for y in (trim.y0, trim.y1):  # horizontal marks left and right
        lines.append((bleed.x0 - gap, y, bleed.x0 - gap - length, y))
        lines.append((bleed.x1 + gap, y, bleed.x1 + gap + length, y))
    path = "\n".join(
        f"{_fmt(x0)} {_fmt(y0)} m {_fmt(x1)} {_fmt(y1)} l S" for x0, y0, x1, y1 in lines
    )
    return f"q\n{REGISTRATION}\n{MARK_WIDTH_PT} w 0 J [] 0 d\n{path}\nQ\n".encode("ascii")


def add_crop_marks(page: pikepdf.Page, boxes: PageBoxes, artifact: bool = False) -> None:
    """Draw the marks after the page's content, in a clean graphics state.

    WeasyPrint leaves its page transformation in place at the end of the stream,
    so the original content is wrapped in q … Q first.
    """
    page.contents_coalesce()
    contents = page.obj.Contents
    marks = crop_marks(boxes)
    if artifact:  # a tagged file: marks are not content (press/structure.py)
        marks = b"/Artifact BMC\n" + marks + b"\nEMC\n"
    contents.write(b"q\n" + contents.read_bytes() + b"\nQ\n" + marks)
    add_registration_space(page.obj.Resources)


def add_registration_space(resources: pikepdf.Object) -> None:
    """The /All separation the marks are drawn in (alternate: all four process inks)."""
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    transform = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0] * 4, C1=[1] * 4, N=1)
    resources.ColorSpace[REGISTRATION_SPACE] = pikepdf.Array(
        [pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, transform]
    )


def _rounded(value: float) -> float | int:
    value = round(value, 4)
    return int(value) if value == int(value) else value


def _fmt(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
