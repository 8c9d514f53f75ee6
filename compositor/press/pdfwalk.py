"""Everything on a PDF's pages that can carry colour, listed once, with the page it is on.

Press conversion (``cmyk.py``) and press preflight (``preflight/press.py``) look at the
same things: page contents, form XObjects (nested), tiling patterns, annotation
appearances, Type 3 glyphs, images, shadings, graphics states, transparency groups
and fonts. ``walk`` finds them; ``colour_family`` and ``ColourTracker`` say which
colour each colour space and each operator sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

import pikepdf
from pikepdf import Name

from compositor.press.drawn import drawn_pages, object_key

# One instruction of a parsed content stream, as pikepdf.parse_content_stream gives them.
Instruction = pikepdf.ContentStreamInstruction | pikepdf.ContentStreamInlineImage

# Families of colour: what a printer cares about is whether it is CMYK.
CMYK, RGB, GRAY, LAB, SPOT, PATTERN, UNKNOWN = (
    "CMYK",
    "RGB",
    "Gray",
    "Lab",
    "Spot",
    "Pattern",
    "unknown",
)

DEVICE_FAMILIES = {
    "/DeviceCMYK": CMYK,
    "/CMYK": CMYK,  # inline-image abbreviations
    "/DeviceRGB": RGB,
    "/RGB": RGB,
    "/CalRGB": RGB,
    "/DeviceGray": GRAY,
    "/G": GRAY,
    "/CalGray": GRAY,
    "/Lab": LAB,
    "/Pattern": PATTERN,
    "/Separation": SPOT,
    "/DeviceN": SPOT,
}
ICC_FAMILIES = {1: GRAY, 3: RGB, 4: CMYK}


@dataclass(frozen=True)
class Content:
    """One content stream: a page's, a form XObject's, a pattern's, a glyph's."""

    page: int  # 1-based number of the first page that shows it
    where: str  # "page", "form /Fm0", "annotation /Link", …
    owner: pikepdf.Page | pikepdf.Object
    resources: pikepdf.Object
    # Inside a soft mask: its colours set opacity (as luminosity), they never print.
    soft_mask: bool = False
    pages: tuple[int, ...] = ()  # every page that draws it (``page`` is the first)

    def instructions(self) -> list:
        return pikepdf.parse_content_stream(self.owner)

    def replace(self, data: bytes) -> None:
        """Replace the stream's content with ``data`` (unencoded; saving compresses it)."""
        if isinstance(self.owner, pikepdf.Page):
            self.owner.contents_coalesce()  # one stream, so the whole content can be replaced
            self.owner.obj.Contents.write(data)
        else:
            self.owner.write(data)


@dataclass(frozen=True)
class Item:
    """A named resource met on a page: an image, shading, graphics state or font."""

    page: int
    name: str
    obj: pikepdf.Object
    resources: pikepdf.Object
    soft_mask: bool = False  # met inside a soft mask (see Content)
    pages: tuple[int, ...] = ()  # every page that draws it (``page`` is the first)


@dataclass
class Parts:
    contents: list[Content] = field(default_factory=list)
    images: list[Item] = field(default_factory=list)
    shadings: list[Item] = field(default_factory=list)
    states: list[Item] = field(default_factory=list)  # ExtGState dictionaries
    fonts: list[Item] = field(default_factory=list)
    groups: list[Item] = field(default_factory=list)  # owners of a /Group dictionary


def walk(pdf: pikepdf.Pdf) -> Parts:
    """Every part of every page; an object shared by several pages is listed once, with
    the pages whose content draws it (drawn.py): not the first page whose resources
    list it, which in WeasyPrint's PDFs is page 1 for everything."""
    walker = _Walker(drawn_pages(pdf))
    for number, page in enumerate(pdf.pages, start=1):
        walker.page(number, page)
    return walker.parts


class _Walker:
    def __init__(self, drawn: dict[tuple, list[int]]) -> None:
        self.parts = Parts()
        self.seen: set[tuple[int, int] | int] = set()
        self.drawn = drawn

    def pages(self, number: int, key: tuple) -> tuple[int, ...]:
        """The pages that draw the object ``key``; one listed but never drawn counts for
        the page whose resources list it."""
        return tuple(self.drawn.get(key, ())) or (number,)

    def item(self, number, category, name, obj, resources, mask) -> Item:
        pages = self.pages(number, object_key(obj, resources, category, name))
        return Item(pages[0], name, obj, resources, mask, pages)

    def first_time(self, obj: pikepdf.Object) -> bool:
        key = obj.objgen if obj.is_indirect else id(obj)
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def page(self, number: int, page: pikepdf.Page) -> None:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        self.parts.contents.append(Content(number, "page", page, resources, pages=(number,)))
        if "/Group" in page.obj:
            self.parts.groups.append(Item(number, "page", page.obj, resources))
        self.resources(number, resources)
        for annotation in page.obj.get("/Annots", []):
            subtype = str(annotation.get("/Subtype", "annotation"))
            for appearance in _appearance_streams(annotation):
                where = f"annotation {subtype} appearance"
                self.form((number,), where, appearance, resources)

    def resources(self, number: int, resources: pikepdf.Object, mask: bool = False) -> None:
        if not self.first_time(resources):
            return
        for name, xobject in resources.get("/XObject", {}).items():
            if xobject.get("/Subtype") == Name.Image:
                if self.first_time(xobject):
                    item = self.item(number, "/XObject", name, xobject, resources, mask)
                    self.parts.images.append(item)
            elif xobject.get("/Subtype") == Name.Form:
                pages = self.pages(number, object_key(xobject, resources, "/XObject", name))
                self.form(pages, f"form {name}", xobject, resources, mask)
        for name, pattern in resources.get("/Pattern", {}).items():
            if pattern.get("/PatternType") == 1:
                pages = self.pages(number, object_key(pattern, resources, "/Pattern", name))
                self.form(pages, f"pattern {name}", pattern, resources, mask)
            elif "/Shading" in pattern and self.first_time(pattern.Shading):
                category = "/Pattern shading"
                item = self.item(number, category, name, pattern.Shading, resources, mask)
                self.parts.shadings.append(item)
        for name, shading in resources.get("/Shading", {}).items():
            if self.first_time(shading):
                item = self.item(number, "/Shading", name, shading, resources, mask)
                self.parts.shadings.append(item)
        for name, state in resources.get("/ExtGState", {}).items():
            if self.first_time(state):
                item = self.item(number, "/ExtGState", name, state, resources, mask)
                self.parts.states.append(item)
                # A soft mask is a form of its own, drawn to measure opacity.
                soft_mask = state.get("/SMask")
                if isinstance(soft_mask, pikepdf.Dictionary) and "/G" in soft_mask:
                    where = f"soft mask of {name}"
                    self.form(item.pages, where, soft_mask.G, resources, True)
        for name, font in resources.get("/Font", {}).items():
            if not self.first_time(font):
                continue
            item = self.item(number, "/Font", name, font, resources, mask)
            self.parts.fonts.append(item)
            if font.get("/Subtype") == Name.Type3:
                glyph_resources = font.get("/Resources", resources)
                for glyph, procedure in font.get("/CharProcs", {}).items():
                    where = f"Type 3 glyph {name}{glyph}"
                    self.form(item.pages, where, procedure, glyph_resources, mask)

    def form(
        self,
        pages: tuple[int, ...],
        where: str,
        stream: pikepdf.Object,
        parent: pikepdf.Object,
        mask: bool = False,
    ) -> None:
        if not self.first_time(stream):
            return
        # A form without its own resources uses its parent's (old PDFs rely on this).
        resources = stream.get("/Resources", parent)
        number = pages[0]
        self.parts.contents.append(Content(number, where, stream, resources, mask, pages))
        if "/Group" in stream:
            self.parts.groups.append(Item(number, where, stream, resources, mask, pages))
        self.resources(number, resources, mask)


def _appearance_streams(annotation: pikepdf.Object) -> Iterator[pikepdf.Object]:
    appearances = annotation.get("/AP", pikepdf.Dictionary())
    for key in ("/N", "/R", "/D"):
        entry = appearances.get(key)
        if isinstance(entry, pikepdf.Stream):
            yield entry
        elif isinstance(entry, pikepdf.Dictionary):
            yield from (v for v in entry.values() if isinstance(v, pikepdf.Stream))


def image_pixels(obj: pikepdf.Object):
    """An image's own colour samples as a Pillow image. Its soft mask is an image of
    its own and stays one: composited in, pikepdf would turn a CMYK picture into RGBA
    (and warn), hiding its inks from every check that reads them."""
    return pikepdf.PdfImage(cast(pikepdf.Stream, obj)).as_pil_image(apply_mask=False)


def colour_family(space: pikepdf.Object | None, resources: pikepdf.Object) -> str:
    """CMYK, RGB, Gray, Lab, Spot, Pattern or unknown, for a colour space operand.

    Names are looked up in the resources' /ColorSpace dictionary; ICC-based spaces
    count by their number of components; Indexed spaces by their base.
    """
    if space is None:
        return UNKNOWN
    if isinstance(space, pikepdf.Name):
        key = str(space)
        if key in DEVICE_FAMILIES:
            return DEVICE_FAMILIES[key]
        named = resources.get("/ColorSpace", pikepdf.Dictionary()).get(key)
        return colour_family(named, resources) if named is not None else UNKNOWN
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        kind = str(space[0])
        if kind == "/ICCBased":
            return ICC_FAMILIES.get(int(space[1].get("/N", 0)), UNKNOWN)
        if kind in ("/Indexed", "/I"):
            return colour_family(space[1], resources)
        return DEVICE_FAMILIES.get(kind, UNKNOWN)
    return UNKNOWN


# Operators that set a colour, and whether they set the stroke colour.
SHORTHANDS = {"g": GRAY, "G": GRAY, "rg": RGB, "RG": RGB, "k": CMYK, "K": CMYK}
SETTERS = {"sc", "scn", "SC", "SCN"}
SPACE_SETTERS = {"cs", "CS"}
TEXT_SHOWING = {"Tj", "TJ", "'", '"'}


@dataclass(frozen=True)
class Paint:
    """A colour set by one operator: its family and components (empty for a space change)."""

    family: str
    values: tuple[float, ...]
    stroke: bool


BLACK = Paint(GRAY, (0.0,), stroke=False)  # every graphics state starts black in DeviceGray


class ColourTracker:
    """Follows the current fill and stroke colours through a content stream.

    ``step`` is given each instruction in order and returns the ``Paint`` it sets,
    if any. ``q``/``Q`` save and restore the colours like the graphics state does.
    """

    def __init__(self, resources: pikepdf.Object) -> None:
        self.resources = resources
        self.fill = BLACK
        self.stroke = Paint(GRAY, (0.0,), stroke=True)
        self.saved: list[tuple[Paint, Paint]] = []

    def step(self, operands: Iterable, operator: str) -> Paint | None:
        operands = list(operands)
        stroke = operator.isupper()
        if operator == "q":
            self.saved.append((self.fill, self.stroke))
        elif operator == "Q" and self.saved:
            self.fill, self.stroke = self.saved.pop()
        elif operator in SHORTHANDS:
            return self._set(Paint(SHORTHANDS[operator], _numbers(operands), stroke))
        elif operator in SPACE_SETTERS and operands:
            return self._set(Paint(colour_family(operands[0], self.resources), (), stroke))
        elif operator in SETTERS:
            current = self.stroke if stroke else self.fill
            return self._set(Paint(current.family, _numbers(operands), stroke))
        return None

    def _set(self, paint: Paint) -> Paint:
        if paint.stroke:
            self.stroke = paint
        else:
            self.fill = paint
        return paint


def _numbers(operands: list) -> tuple[float, ...]:
    return tuple(float(v) for v in operands if isinstance(v, int | float | Decimal))
