"""On which pages each resource of a PDF is really drawn.

WeasyPrint gives every page one shared resource dictionary, so that the first page
lists every image, form, shading and graphics state of the document. Which page shows
an object is only known from the content streams: a page draws an image or a form
with ``Do``, a shading with ``sh`` or a pattern fill, sets a graphics state with ``gs``
and a font with ``Tf``. ``drawn_pages`` follows each page's content (and the forms,
patterns and soft masks it draws, nested) and lists the pages per object.
"""

from __future__ import annotations

from collections import defaultdict

import pikepdf
from pikepdf import Name

MAX_DEPTH = 12  # nested forms deeper than this are not followed (a loop, or hostile)
# operator → the resource category its name operand is looked up in
CATEGORIES = {"Do": "/XObject", "sh": "/Shading", "gs": "/ExtGState", "Tf": "/Font"}
PATTERN_SETTERS = {"scn", "SCN"}

Key = tuple


def object_key(obj: pikepdf.Object, resources: pikepdf.Object, category: str, name) -> Key:
    """The same key for the same object, however it is reached: indirect objects by
    their number; a direct one by the resource dictionary that holds it and its name."""
    if obj.is_indirect:
        return ("obj", *obj.objgen)
    holder = resources.objgen if resources.is_indirect else id(resources)
    return ("direct", holder, category, str(name))


def drawn_pages(pdf: pikepdf.Pdf) -> dict[Key, list[int]]:
    """{object key: the 1-based pages that draw it, in order}."""
    pages: dict[Key, list[int]] = defaultdict(list)
    inside: dict[Key, set[Key]] = {}  # a form's (pattern's) own uses, read once
    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        for key in sorted(_uses(page, resources, inside, 0), key=str):
            pages[key].append(number)
    return pages


def _uses(owner, resources, inside: dict, depth: int) -> set[Key]:
    """Every object ``owner``'s content draws, directly or through what it draws."""
    used: set[Key] = set()
    try:
        instructions = pikepdf.parse_content_stream(owner)
    except pikepdf.PdfError:
        return used
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        operands = list(instruction.operands)
        if operator in CATEGORIES and operands:
            _use(CATEGORIES[operator], operands[0], resources, used, inside, depth)
        elif operator in PATTERN_SETTERS and operands and isinstance(operands[-1], Name):
            _use("/Pattern", operands[-1], resources, used, inside, depth)
    return used


def _use(category: str, name, resources, used: set, inside: dict, depth: int) -> None:
    obj = resources.get(category, {}).get(name)
    if obj is None:
        return
    key = object_key(obj, resources, category, name)
    used.add(key)
    if category == "/Pattern" and "/Shading" in obj:  # a shading pattern paints its shading
        used.add(object_key(obj.Shading, resources, "/Pattern shading", name))
    if depth >= MAX_DEPTH:
        return
    for stream, own in _inner_contents(category, obj, resources):
        inner = object_key(stream, resources, category, f"{name} contents")
        if inner not in inside:
            inside[inner] = set()  # a form that draws itself stops here
            inside[inner] = _uses(stream, own, inside, depth + 1)
        used |= inside[inner]


def _inner_contents(category: str, obj, resources):
    """(content stream, its resources) that drawing ``obj`` runs: a form's own content,
    a tiling pattern's cell, a soft mask's form; a shading pattern's shading counts as
    drawn with the pattern."""
    form = category == "/XObject" and obj.get("/Subtype") == Name.Form
    tiling = category == "/Pattern" and obj.get("/PatternType") == 1
    if form or tiling:
        yield obj, obj.get("/Resources", resources)
    elif category == "/ExtGState":
        mask = obj.get("/SMask")
        if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
            yield mask.G, mask.G.get("/Resources", resources)
