"""Which inks each page puts on paper, and how much at most in one place.

A printer asks two questions of a press PDF before making plates: which plates does
each page need (Cyan, Magenta, Yellow, Black and the spot inks by name), and what is
the heaviest total of ink anywhere (total area coverage, TAC: C+M+Y+K plus the spot
tints, in percent), which must stay under the limit of the paper and press. Build
(``output.py``) and preflight (``preflight/press.py``) both ask them here.

Colours are read from the content (fills and strokes of every page, form, pattern and
glyph; soft masks do not print and are left out) and from CMYK images. A form or image
drawn on several pages counts for each page that draws it (``pdfwalk``'s ``pages``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pikepdf
from pikepdf import Name

from compositor.press.pdfwalk import (
    CMYK,
    GRAY,
    SPOT,
    ColourTracker,
    Parts,
    colour_family,
    image_pixels,
)
from compositor.press.pictures import image_label

PROCESS_INKS = ("Cyan", "Magenta", "Yellow", "Black")
REGISTRATION = "All (marks)"  # the /All separation: crop and fold marks on every plate
ORDER = {name: index for index, name in enumerate(PROCESS_INKS)}


@dataclass
class PageInks:
    inks: set[str] = field(default_factory=set)
    total: float = 0.0  # the heaviest total ink met on the page, in percent
    heaviest: str = ""  # where that was, for the report

    def weigh(self, total: float, what: str) -> None:
        if total > self.total:
            self.total, self.heaviest = total, what

    def merge(self, other: PageInks) -> None:
        self.inks |= other.inks
        self.weigh(other.total, other.heaviest)

    def names(self) -> list[str]:
        """Process inks in press order, then spot inks by name."""
        return sorted(
            self.inks,
            key=lambda ink: (ink == REGISTRATION, ORDER.get(ink, len(ORDER)), ink),
        )


def inks_by_page(parts: Parts, labels: dict[str, str] | None = None) -> dict[int, PageInks]:
    """{page: its inks}; ``labels`` names pictures (pictures.picture_labels)."""
    pages: dict[int, PageInks] = {}

    def add(found: PageInks, where) -> None:
        for number in where.pages or (where.page,):
            pages.setdefault(number, PageInks()).merge(found)

    for content in parts.contents:
        if content.soft_mask:
            continue
        add(_content_inks(content), content)
    for image in parts.images:
        if image.soft_mask or image.obj.get("/ImageMask", False):
            continue
        add(_image_inks(image, labels or {}), image)
    for shading in parts.shadings:
        if shading.soft_mask:
            continue
        space = shading.obj.get("/ColorSpace")
        family = colour_family(space, shading.resources)
        inks = PROCESS_INKS if family == CMYK else spot_names(space, shading.resources)
        add(PageInks(set(inks)), shading)
    return pages


def _content_inks(content) -> PageInks:
    page = PageInks()
    tracker = ColourTracker(content.resources)
    names: dict[bool, list[str]] = {True: [], False: []}  # the current stroke / fill inks
    for instruction in content.instructions():
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        paint = tracker.step(instruction.operands, operator)
        if operator in ("cs", "CS") and instruction.operands:
            names[operator == "CS"] = spot_names(instruction.operands[0], content.resources)
        if paint is None or not paint.values:
            continue
        used = _inks_of(paint.family, paint.values, names[paint.stroke])
        if used:  # WeasyPrint sets a colour just before it paints with it
            page.inks.update(used)
            if used != [REGISTRATION]:  # marks are outside the printed page
                page.weigh(100 * _coverage(paint.family, paint.values), _describe(paint, content))
    return page


def _image_inks(image, labels: dict[str, str]) -> PageInks:
    page = PageInks()
    family = colour_family(image.obj.get("/ColorSpace"), image.resources)
    if family == GRAY:
        page.inks.add("Black")
    elif family == CMYK:
        extremes = _cmyk_image_extremes(image.obj)
        if extremes is None:
            page.inks.update(PROCESS_INKS)
            return page
        highest, total = extremes
        page.inks.update(ink for ink, top in zip(PROCESS_INKS, highest, strict=True) if top)
        page.weigh(total, image_label(image.name, labels))
    elif family == SPOT:
        page.inks.update(spot_names(image.obj.get("/ColorSpace"), image.resources))
    return page


def spot_names(space: pikepdf.Object | None, resources: pikepdf.Object) -> list[str]:
    """The ink names of a Separation or DeviceN colour space (empty for any other)."""
    if isinstance(space, pikepdf.Name):
        named = resources.get("/ColorSpace", pikepdf.Dictionary()).get(str(space))
        return spot_names(named, resources) if named is not None else []
    if not isinstance(space, pikepdf.Array) or len(space) < 2:
        return []
    if space[0] == Name.Separation:
        return [str(space[1])[1:]]
    if space[0] == Name.DeviceN:
        return [str(name)[1:] for name in space[1]]
    return []


def _inks_of(family: str, values: tuple[float, ...], spots: list[str]) -> list[str]:
    if family == CMYK and len(values) == 4:
        return [ink for ink, value in zip(PROCESS_INKS, values, strict=True) if value > 0]
    if family == GRAY and len(values) == 1:
        return ["Black"] if values[0] < 1 else []
    if family == SPOT and len(values) == len(spots):
        # "All" is registration (marks, on every plate, outside the page): not an ink.
        names = [ink for ink, value in zip(spots, values, strict=True) if value > 0]
        return [name for name in names if name not in ("None", "All")] or (
            [REGISTRATION] if "All" in names else []
        )
    return []


def _describe(paint, content) -> str:
    values = " ".join(f"{v:.0%}" for v in paint.values)
    if paint.family == CMYK and len(paint.values) == 4:
        values = "C{:.0%} M{:.0%} Y{:.0%} K{:.0%}".format(*paint.values)
    return f"{content.where}: {paint.family} {values}"


def _coverage(family: str, values: tuple[float, ...]) -> float:
    if family == GRAY:
        return 1 - values[0]
    return sum(values)


def _cmyk_image_extremes(obj: pikepdf.Object) -> tuple[tuple[int, ...], float] | None:
    """Per channel the most ink (0–255), and the highest C+M+Y+K of a pixel in percent."""
    try:
        pixels = image_pixels(obj)
    except (pikepdf.PdfError, NotImplementedError, ValueError):
        return None
    if pixels.mode != "CMYK":
        return None
    from PIL import ImageMath

    channels = [channel.convert("I") for channel in pixels.split()]
    total = ImageMath.lambda_eval(
        lambda a: a["c"] + a["m"] + a["y"] + a["k"],
        c=channels[0],
        m=channels[1],
        y=channels[2],
        k=channels[3],
    )
    highest = tuple(channel.getextrema()[1] for channel in pixels.split())
    return highest, 100 * total.getextrema()[1] / 255
