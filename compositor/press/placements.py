"""Where each image of a PDF is drawn, and so at what effective resolution (issue 14).

An image XObject is a grid of pixels; the content stream that draws it (``Do``) maps the
unit square onto the page through the current transformation matrix. Following ``q``,
``Q`` and ``cm`` (and the ``/Matrix`` of nested forms) gives each drawing's size in
points, and pixels ÷ inches is its effective ppi. Any PDF, ours or not, can be read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pikepdf
from pikepdf import Name

Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
MAX_FORM_DEPTH = 12  # nested forms deeper than this are not followed (a loop, or hostile)


@dataclass(frozen=True)
class PlacedImage:
    page: int  # 1-based
    name: str
    obj: pikepdf.Object
    resources: pikepdf.Object
    width_pt: float
    height_pt: float
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)  # x0, y0, x1, y1 (user space)

    @property
    def pixels(self) -> tuple[int, int]:
        return int(self.obj.get("/Width", 0)), int(self.obj.get("/Height", 0))

    @property
    def ppi(self) -> float:
        """The lower of the horizontal and vertical resolutions on paper."""
        width, height = self.pixels
        if self.width_pt <= 0 or self.height_pt <= 0:
            return math.inf
        return min(width / (self.width_pt / 72), height / (self.height_pt / 72))


def placed_images(pdf: pikepdf.Pdf) -> list[PlacedImage]:
    """Every drawing of an image on every page, in page and drawing order."""
    found: list[PlacedImage] = []
    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        _run(page, resources, IDENTITY, number, found, depth=0)
    return found


def _run(owner, resources, ctm: Matrix, page: int, found: list, depth: int) -> None:
    stack: list[Matrix] = []
    for instruction in pikepdf.parse_content_stream(owner):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        if operator == "q":
            stack.append(ctm)
        elif operator == "Q" and stack:
            ctm = stack.pop()
        elif operator == "cm" and len(instruction.operands) == 6:
            a, b, c, d, e, f = (float(v) for v in instruction.operands)
            ctm = _multiply((a, b, c, d, e, f), ctm)
        elif operator == "Do" and instruction.operands:
            name = instruction.operands[0]
            xobject = resources.get("/XObject", {}).get(name)
            if xobject is None:
                continue
            if xobject.get("/Subtype") == Name.Image:
                width = math.hypot(ctm[0], ctm[1])
                height = math.hypot(ctm[2], ctm[3])
                found.append(
                    PlacedImage(page, str(name), xobject, resources, width, height, _box(ctm))
                )
            elif xobject.get("/Subtype") == Name.Form and depth < MAX_FORM_DEPTH:
                a, b, c, d, e, f = (float(v) for v in xobject.get("/Matrix", IDENTITY))
                matrix = (a, b, c, d, e, f)
                inner = xobject.get("/Resources", resources)
                _run(xobject, inner, _multiply(matrix, ctm), page, found, depth + 1)


def _box(ctm: Matrix) -> tuple[float, float, float, float]:
    """The page area the unit square (an image) covers under ``ctm``."""
    a, b, c, d, e, f = ctm
    xs = (e, a + e, c + e, a + c + e)
    ys = (f, b + f, d + f, b + d + f)
    return min(xs), min(ys), max(xs), max(ys)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n: first m, then n (PDF's row-vector convention)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )
