"""What each page of a PDF paints, where, how thick and with which colour and overprint.

Press preflight needs more of every painting operation than its colour: the size of
text, the weight of a rule, the area a background covers against the trim and bleed,
and whether it overprints. ``painted`` follows each page's content (nested forms
included, with their matrices) through the graphics state — the transformation
matrix, the clip, colours (``pdfwalk.ColourTracker``), line width, text matrix and
font size, and the overprint keys of ``gs`` — and lists every fill, stroke, text run,
image and shading in page space (points, PDF's y-up coordinates).

WeasyPrint draws a CSS border as a clip (the border's band) and an even-odd fill of two
rectangles, so a painted area is the fill's bounding box within the clip's: its
smaller side is the weight of a rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import pikepdf
from pikepdf import Name

from compositor.press.pdfwalk import ColourTracker, Paint
from compositor.press.placements import IDENTITY, MAX_FORM_DEPTH, Matrix, _multiply

FILLS = {"f", "F", "f*"}
STROKES = {"S", "s"}
BOTH = {"B", "B*", "b", "b*"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
PATH_POINTS = {"m": 2, "l": 2, "c": 6, "v": 4, "y": 4}
TEXT, FILL, STROKE, IMAGE, SHADING = "text", "fill", "stroke", "image", "shading"

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
EVERYWHERE: Box = (-math.inf, -math.inf, math.inf, math.inf)


@dataclass(frozen=True)
class Painted:
    page: int
    kind: str  # text, fill, stroke, image, shading
    box: Box  # the painted area in page space, clipped
    colour: Paint | None  # None for images and shadings
    overprint: bool  # drawn with overprint on (op for fills and text, OP for strokes)
    overprint_mode: int
    weight: float = 0.0  # a stroke's line width, a fill's smaller side, a text's size (pt)
    where: str = "page"  # "page", "form /Fm0", …
    name: str = ""  # an image's or shading's resource name

    @property
    def thickness(self) -> float:
        """The smaller side of the painted area (pt)."""
        return max(0.0, min(self.box[2] - self.box[0], self.box[3] - self.box[1]))


@dataclass
class _State:
    ctm: Matrix = IDENTITY
    clip: Box = EVERYWHERE
    line_width: float = 1.0
    op_fill: bool = False
    op_stroke: bool = False
    opm: int = 0
    font_size: float = 0.0


@dataclass
class _Run:
    page: int
    where: str
    resources: pikepdf.Object
    state: _State
    found: list[Painted]
    depth: int
    tracker: ColourTracker = field(init=False)
    path: list[tuple[float, float]] = field(default_factory=list)
    clip_pending: bool = False
    text_matrix: Matrix = IDENTITY
    line_matrix: Matrix = IDENTITY

    def __post_init__(self) -> None:
        self.tracker = ColourTracker(self.resources)


def painted(pdf: pikepdf.Pdf) -> list[Painted]:
    """Everything every page paints, page by page, in drawing order."""
    found: list[Painted] = []
    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        _interpret(page, _Run(number, "page", resources, _State(), found, 0))
    return found


def _interpret(owner, run: _Run) -> None:
    stack: list[_State] = []
    for instruction in pikepdf.parse_content_stream(owner):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            run.found.append(_image(run, "inline image"))
            continue
        operator = str(instruction.operator)
        operands = list(instruction.operands)
        run.tracker.step(operands, operator)
        if operator == "q":
            stack.append(replace(run.state))
        elif operator == "Q" and stack:
            run.state = stack.pop()
        else:
            _step(run, operator, operands)


def _step(run: _Run, operator: str, operands: list) -> None:
    state = run.state
    if operator == "cm" and len(operands) == 6:
        state.ctm = _multiply(_matrix(operands), state.ctm)
    elif operator in PATH_POINTS:
        numbers = _numbers(operands)
        run.path += [
            _apply(state.ctm, numbers[i], numbers[i + 1]) for i in range(0, len(numbers), 2)
        ]
    elif operator == "re" and len(operands) == 4:
        x, y, w, h = _numbers(operands)
        run.path += [_apply(state.ctm, px, py) for px in (x, x + w) for py in (y, y + h)]
    elif operator in ("W", "W*"):
        run.clip_pending = True
    elif operator in FILLS | STROKES | BOTH | {"n"}:
        _paint(run, operator)
    elif operator == "w" and operands:
        state.line_width = float(operands[0])
    elif operator == "gs" and operands:
        _graphics_state(run, operands[0])
    elif operator == "Tf" and len(operands) == 2:
        state.font_size = float(operands[1])
    elif operator == "BT":
        run.text_matrix = run.line_matrix = IDENTITY
    elif operator == "Tm" and len(operands) == 6:
        run.text_matrix = run.line_matrix = _matrix(operands)
    elif operator in ("Td", "TD") and len(operands) == 2:
        tx, ty = _numbers(operands)
        run.text_matrix = run.line_matrix = _multiply((1, 0, 0, 1, tx, ty), run.line_matrix)
    elif operator in TEXT_SHOWING:
        _text(run)
    elif operator == "sh" and operands:
        run.found.append(
            Painted(
                run.page,
                SHADING,
                state.clip,
                None,
                state.op_fill,
                state.opm,
                where=run.where,
                name=str(operands[0]),
            )  # fmt: skip
        )
    elif operator == "Do" and operands:
        _draw_xobject(run, operands[0])


def _paint(run: _Run, operator: str) -> None:
    state = run.state
    box = _bounds(run.path) if run.path else None
    if box is not None and operator != "n":
        area = _intersect(box, state.clip)
        if operator in FILLS | BOTH:
            weight = max(0.0, min(area[2] - area[0], area[3] - area[1]))
            run.found.append(
                Painted(
                    run.page,
                    FILL,
                    area,
                    run.tracker.fill,
                    state.op_fill,
                    state.opm,
                    weight,
                    run.where,
                )  # fmt: skip
            )
        if operator in STROKES | BOTH:
            width = state.line_width * _scale(state.ctm)
            grown = (
                area[0] - width / 2,
                area[1] - width / 2,
                area[2] + width / 2,
                area[3] + width / 2,
            )
            run.found.append(
                Painted(
                    run.page,
                    STROKE,
                    _intersect(grown, state.clip),
                    run.tracker.stroke,
                    state.op_stroke,
                    state.opm,
                    width,
                    run.where,
                )  # fmt: skip
            )
    if run.clip_pending and box is not None:
        state.clip = _intersect(state.clip, box)
    run.clip_pending = False
    run.path = []


def _text(run: _Run) -> None:
    state = run.state
    matrix = _multiply(run.text_matrix, state.ctm)
    size = state.font_size * math.hypot(matrix[2], matrix[3])
    x, y = matrix[4], matrix[5]
    box = _intersect((x, y - size / 4, x + size, y + size), state.clip)
    run.found.append(
        Painted(run.page, TEXT, box, run.tracker.fill, state.op_fill, state.opm, size, run.where)
    )


def _graphics_state(run: _Run, name) -> None:
    state = run.state
    extgstate = run.resources.get("/ExtGState", {}).get(name)
    if extgstate is None:
        return
    if "/OP" in extgstate:
        state.op_stroke = bool(extgstate.OP)
        state.op_fill = bool(extgstate.OP)  # /op defaults to /OP
    if "/op" in extgstate:
        state.op_fill = bool(extgstate.op)
    if "/OPM" in extgstate:
        state.opm = int(extgstate.OPM)
    if "/LW" in extgstate:
        state.line_width = float(extgstate.LW)


def _draw_xobject(run: _Run, name) -> None:
    xobject = run.resources.get("/XObject", {}).get(name)
    if xobject is None:
        return
    if xobject.get("/Subtype") == Name.Image:
        run.found.append(_image(run, str(name)))
    elif xobject.get("/Subtype") == Name.Form and run.depth < MAX_FORM_DEPTH:
        matrix = _multiply(_matrix(xobject.get("/Matrix", IDENTITY)), run.state.ctm)
        state = replace(run.state, ctm=matrix)
        if "/BBox" in xobject:
            x0, y0, x1, y1 = _numbers(xobject.BBox)
            corners = [_apply(matrix, x, y) for x in (x0, x1) for y in (y0, y1)]
            state.clip = _intersect(state.clip, _bounds(corners))
        resources = xobject.get("/Resources", run.resources)
        inner = _Run(run.page, f"form {name}", resources, state, run.found, run.depth + 1)
        inner.tracker.fill, inner.tracker.stroke = run.tracker.fill, run.tracker.stroke
        _interpret(xobject, inner)


def _image(run: _Run, name: str) -> Painted:
    corners = [_apply(run.state.ctm, x, y) for x in (0, 1) for y in (0, 1)]
    box = _intersect(_bounds(corners), run.state.clip)
    state = run.state
    return Painted(run.page, IMAGE, box, None, state.op_fill, state.opm, where=run.where, name=name)


def _numbers(values) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _matrix(values) -> Matrix:
    """Six numbers of a PDF matrix (``cm``, ``Tm``, a form's ``/Matrix``)."""
    a, b, c, d, e, f = (float(v) for v in values)
    return (a, b, c, d, e, f)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _scale(m: Matrix) -> float:
    """How much a length grows under ``m`` (the mean of its two axes)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _bounds(points: list[tuple[float, float]]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _intersect(a: Box, b: Box) -> Box:
    x0, y0 = max(a[0], b[0]), max(a[1], b[1])
    x1, y1 = min(a[2], b[2]), min(a[3], b[3])
    return x0, y0, max(x0, x1), max(y0, y1)
