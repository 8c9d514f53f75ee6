"""Which source produced a point of a page: the preview's map from the laid-out boxes.

The build lays the issue out once and draws that layout (``BuildSession.build(...,
on_layout=…)`` hands it over); its HTML carries ``data-src="03.md:12:1"`` on every
printed piece (content/marks.py). This module walks the layout's boxes and keeps, per
page, each drawn piece's rectangle with the ``data-src`` of its nearest marked element.

This is the one place outside the ``compositor/weasy/`` seam package that reads WeasyPrint's
internals, read-only and after the PDF is drawn. It touches, and
``check_box_internals`` verifies on a small layout:

- ``Page._page_box``: the page's root box;
- ``boxes.ParentBox.children``, ``boxes.TextBox``, ``boxes.ReplacedBox``;
- ``Box.element`` (the html5lib element a box was made for; ``.get(attribute)``);
- ``Box.border_box_x()``, ``border_box_y()``, ``border_width()``, ``border_height()``,
  in CSS pixels from the page's top-left corner;
- for ``page_fingerprints``: ``PageBox.page_type``, ``Box.element_tag``, the geometry
  attributes in ``GEOMETRY``, ``TextBox.text`` and ``pango_layout``,
  ``ReplacedBox.replacement.id``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from compositor.content.marks import ATTRIBUTE

MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels


@dataclass(frozen=True)
class Rect:
    """A rectangle in millimetres from the top-left corner of the page (its trim box)."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, x: float, y: float) -> bool:
        return self.x <= x <= self.x + self.width and self.y <= y <= self.y + self.height

    @property
    def area(self) -> float:
        return self.width * self.height

    def union(self, other: Rect) -> Rect:
        left, top = min(self.x, other.x), min(self.y, other.y)
        right = max(self.x + self.width, other.x + other.width)
        bottom = max(self.y + self.height, other.y + other.height)
        return Rect(left, top, right - left, bottom - top)


@dataclass(frozen=True)
class Location:
    """A ``data-src`` value, parsed: file relative to the issue folder, line, column."""

    file: str
    line: int
    column: int

    @classmethod
    def parse(cls, value: str) -> Location:
        file, line, column = value.rsplit(":", 2)
        return cls(file, int(line), int(column))


@dataclass(frozen=True)
class Piece:
    """One drawn piece: text or a picture (``leaf``) or a marked element's whole box."""

    rect: Rect
    source: Location
    leaf: bool


@dataclass(frozen=True)
class SourceMap:
    """Every page's drawn pieces, in drawing order."""

    pages: tuple[tuple[Piece, ...], ...] = field(default=())

    def at(self, page: int, x: float, y: float) -> Location | None:
        """The source drawn at ``(x, y)`` mm on page ``page`` (1-based): the text or
        picture there, else the smallest marked box around the point; None if nothing
        drawn there came from the source (a margin, a rule, a page number)."""
        if not 1 <= page <= len(self.pages):
            return None
        hits = [piece for piece in self.pages[page - 1] if piece.rect.contains(x, y)]
        if not hits:
            return None
        leaves = [piece for piece in hits if piece.leaf]
        return min(leaves or hits, key=lambda piece: piece.rect.area).source

    def where(self, file: str, line: int) -> tuple[int, Rect] | None:
        """Where a finding at ``file:line`` is printed: the first page with text typed on
        that line (or, failing that, on the nearest line above it in the same file) and
        the rectangle around that text on the page."""
        candidates = [
            (piece.source.line, number, piece)
            for number, pieces in enumerate(self.pages, start=1)
            for piece in pieces
            if piece.leaf and piece.source.file == file and piece.source.line <= line
        ]
        if not candidates:
            return None
        best = max(source_line for source_line, _number, _piece in candidates)
        found = [(n, p) for source_line, n, p in candidates if source_line == best]
        page = found[0][0]
        rect = found[0][1].rect
        for number, piece in found[1:]:
            if number == page:
                rect = rect.union(piece.rect)
        return page, rect


# What places a box and its decorations on the page, in CSS pixels.
GEOMETRY = (
    "position_x", "position_y", "width", "height", "baseline",
    "margin_top", "margin_right", "margin_bottom", "margin_left",
    "padding_top", "padding_right", "padding_bottom", "padding_left",
    "border_top_width", "border_right_width", "border_bottom_width", "border_left_width",
)  # fmt: skip


def page_fingerprints(document, salt: object = None) -> list[str]:
    """A name per laid-out page, the same for two layouts of a page only when they draw
    the same pixels, made without drawing: the preview draws only the pages whose name
    it has no image for (drawing all of them was a quarter of a rebuild).

    A page is named by its page type (first, left, right: @page rules) and, for each of
    its boxes, the box's kind, geometry and text (with the line's spacing and
    justification, weasy/linebreak.py), the picture it shows, and what its style is
    computed from other than the stylesheets: its element's tag and attributes (not the
    source mark, which draws nothing), those of its ancestors and of the box before it
    (``a + b`` selectors). What the HTML does not show (the stylesheets, the pictures'
    bytes, the fonts) goes into ``salt``. The names are Python hashes: they are
    compared within one process only."""
    attributes: dict[int, tuple] = {}  # an element's attributes, read once per call
    names = []
    for page in document.pages:
        root = page._page_box
        drawn = tuple(_drawn(root, 0, 0, attributes))
        names.append(f"{hash((salt, repr(root.page_type), drawn)) & (2**64 - 1):016x}")
    return names


def _drawn(box, parent: int, before: int, attributes: dict[int, tuple]) -> Iterator[tuple]:
    """What ``box`` and its descendants draw (see ``page_fingerprints``)."""
    element = box.element
    if element is None:
        identity = hash((box.element_tag, parent))
    else:
        own = attributes.get(id(element))
        if own is None:
            own = attributes[id(element)] = tuple(
                sorted((k, v) for k, v in element.attrib.items() if k != ATTRIBUTE)
            )
        identity = hash((box.element_tag, own, parent))
    layout = getattr(box, "pango_layout", None)
    replacement = getattr(box, "replacement", None)
    yield (
        type(box).__name__,
        identity,
        before,
        tuple(getattr(box, name, None) for name in GEOMETRY),
        getattr(box, "text", None),
        getattr(layout, "plan", None),
        getattr(layout, "justification", None),
        getattr(replacement, "id", None) if replacement is not None else None,
    )
    previous = 0
    for child in getattr(box, "children", ()):
        yield from _drawn(child, identity, previous, attributes)
        previous = hash((child.element_tag, attributes.get(id(child.element))))


def source_map(document) -> SourceMap:
    """The map of a laid-out WeasyPrint document (see the module's docstring)."""
    return SourceMap(tuple(tuple(_pieces(page._page_box, None)) for page in document.pages))


def _pieces(box, inherited: Location | None) -> Iterator[Piece]:
    from weasyprint.formatting_structure import boxes

    own = _own_source(box)
    source = own or inherited
    if source is not None:
        leaf = isinstance(box, boxes.TextBox | boxes.ReplacedBox)
        if leaf or own is not None:
            yield Piece(_rect(box), source, leaf)
    for child in getattr(box, "children", ()):
        yield from _pieces(child, source)


def _own_source(box) -> Location | None:
    element = box.element
    if element is None or box.element_tag is None:
        return None
    value = element.get(ATTRIBUTE)
    return Location.parse(value) if value else None


def _rect(box) -> Rect:
    return Rect(
        box.border_box_x() * MM_PER_PX,
        box.border_box_y() * MM_PER_PX,
        box.border_width() * MM_PER_PX,
        box.border_height() * MM_PER_PX,
    )


def check_box_internals() -> None:
    """Fail loudly if WeasyPrint no longer has what ``source_map`` and
    ``page_fingerprints`` read: lay out a marked paragraph with a bold word and find both
    again at their places; name the page, and again after moving a paragraph."""
    import weasyprint
    from weasyprint.formatting_structure import boxes

    html = (
        f'<p {ATTRIBUTE}="a.md:3:1" style="margin:0;font-size:20px">x <b>y</b></p>'
        f'<p {ATTRIBUTE}="a.md:5:2" style="margin:10px 0 0 0;font-size:20px">z</p>'
    )

    def render(html: str):
        page = "@page { size: 100mm 100mm; margin: 10mm } body { margin: 0 }"
        return weasyprint.HTML(string=html).render(stylesheets=[weasyprint.CSS(string=page)])

    document = render(html)
    # page_fingerprints reads these with getattr: renamed, every page would keep its name
    # and the preview would show pages that are no longer what prints
    root = document.pages[0]._page_box
    text = next(box for box in root.descendants() if isinstance(box, boxes.TextBox))
    lost = [name for name in GEOMETRY if not hasattr(text, name)]
    lost += [name for name in ("page_type",) if not hasattr(root, name)]
    lost += [name for name in ("text", "pango_layout", "element_tag") if not hasattr(text, name)]
    if lost:
        raise RuntimeError(f"WeasyPrint's boxes changed: no {', '.join(lost)}")
    names = page_fingerprints(document)
    moved = page_fingerprints(render(html.replace("margin:10px", "margin:12px")))
    if page_fingerprints(render(html)) != names or moved == names:
        raise RuntimeError("WeasyPrint's boxes changed: page names no longer follow the layout")
    mapped = source_map(document)
    first = mapped.at(1, 11, 13)  # the first line: 10 mm of margin, then about 6 mm
    second = mapped.at(1, 11, 22)  # under it and a 10 px margin
    if first != Location("a.md", 3, 1) or second != Location("a.md", 5, 2):
        raise RuntimeError(
            f"WeasyPrint's boxes changed: the preview's source map found {first} and {second}"
        )
