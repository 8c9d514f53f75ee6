"""What the line-breaking and font seams reach into, checked against the pinned WeasyPrint.

``check_internals`` verifies the internals listed in ``linebreak`` and ``fonts``;
``_verify_internals`` runs it once per process, before ``linebreak.cjk_typesetting``
swaps anything in. ``_verified`` and ``_source_of`` serve the other seam modules' own
checks (``makeup``, ``contents``, ``serialise``), each next to the code it guards.
"""

from __future__ import annotations

import inspect
import linecache
import re
from functools import cache
from typing import TYPE_CHECKING

from weasyprint.draw import text as weasy_draw_text
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import leader as weasy_leader
from weasyprint.layout import preferred as weasy_preferred
from weasyprint.text import ffi as weasy_ffi
from weasyprint.text import fonts as weasy_fonts
from weasyprint.text import line_break as weasy_line_break

if TYPE_CHECKING:
    from cffi import CType  # a C type as cffi describes it (typings/cffi)

WEASYPRINT_VERSION = "70.0"


# -------------------------------------------------------------------- internals check

# (module, attribute, expected parameters or None for "exists")
INTERNALS: tuple[tuple[str, str, list[str] | None], ...] = (
    (
        "weasyprint.text.line_break",
        "split_first_line",
        [
            "text",
            "style",
            "context",
            "max_width",
            "justification_spacing",
            "is_line_start",
            "minimum",
        ],
    ),
    ("weasyprint.layout.inline", "split_first_line", None),
    ("weasyprint.layout.preferred", "split_first_line", None),
    ("weasyprint.text.line_break", "line_size", ["line", "style"]),
    ("weasyprint.text.line_break", "_font_style_cache_key", ["style", "include_size"]),
    ("weasyprint.text.line_break", "Layout", ["style", "justification_spacing", "max_width"]),
    ("weasyprint.layout.inline", "justify_line", ["context", "line", "extra_width"]),
    (
        "weasyprint.layout.inline",
        "add_word_spacing",
        ["context", "box", "justification_spacing", "x_advance"],
    ),
    ("weasyprint.layout.inline", "handle_leader", ["context", "line", "containing_block"]),
    (
        "weasyprint.layout.inline",
        "get_next_linebox",
        [
            "context",
            "linebox",
            "position_y",
            "bottom_space",
            "skip_stack",
            "containing_block",
            "absolute_boxes",
            "fixed_boxes",
            "first_letter_style",
            "first_line_style",
        ],
    ),
    (
        "weasyprint.layout.inline",
        "split_text_box",
        ["context", "box", "available_width", "skip", "is_line_start"],
    ),
    ("weasyprint.layout.leader", "leader_index", ["box"]),
    ("weasyprint.text.ffi", "TO_UNITS", None),
    ("weasyprint.text.fonts", "FontConfiguration", []),
    ("weasyprint.text.ffi", "FROM_UNITS", None),
)
LAYOUT_METHODS = {
    "set_text": ["self", "text", "justify"],
    "get_first_line": ["self"],
    "deactivate": ["self"],
    "reactivate": ["self", "style"],
    "setup": ["self", "style"],
}
PANGO_FUNCTIONS = (
    "pango_layout_get_attributes",
    "pango_layout_set_attributes",
    "pango_attr_list_new",
    "pango_attr_list_unref",
    "pango_attr_list_change",
    "pango_attr_letter_spacing_new",
    "pango_layout_get_baseline",
    "pango_layout_get_line_readonly",
)
FONT_CONFIGURATION_ATTRIBUTES = {"_config", "font_map", "_folder", "strut_layouts", "font_features"}
CFFI_FIELDS = {
    "PangoLayoutLine": {"runs", "length", "start_index"},
    "PangoGlyphItem": {"item", "glyphs"},
    "PangoGlyphString": {"num_glyphs", "glyphs", "log_clusters"},
    "PangoItem": {"offset", "length"},
    "PangoGlyphInfo": {"glyph", "geometry"},
    "PangoGlyphGeometry": {"width", "x_offset"},
    "PangoAttribute": {"start_index", "end_index"},
}


def check_internals() -> list[str]:
    """Everything the seam relies on that an upgrade of WeasyPrint could change."""
    import importlib

    import weasyprint

    problems = []
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        problems.append(f"weasyprint is {weasyprint.__version__}, the seam is for 70.0")
    for module_name, name, parameters in INTERNALS:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            problems.append(f"{module_name}.{name} is gone")
            continue
        if parameters is not None:
            found = list(inspect.signature(getattr(module, name)).parameters)
            if found != parameters:
                problems.append(f"{module_name}.{name}{tuple(found)}: expected {tuple(parameters)}")
    for method, parameters in LAYOUT_METHODS.items():
        function = getattr(weasy_line_break.Layout, method, None)
        own = list(inspect.signature(function).parameters) if function else None
        if own != parameters:
            problems.append(f"Layout.{method}: parameters {own}, expected {parameters}")
    reactivate = _source_of(weasy_line_break.Layout.reactivate)
    if "set_text(self.text, justify=True)" not in reactivate:
        problems.append("Layout.reactivate no longer re-sets the text with justify=True")
    problems.extend(_check_ffi())
    problems.extend(_check_font_configuration())
    if "handle_leader(context, line, containing_block)" not in inspect.getsource(weasy_inline):
        problems.append("weasyprint.layout.inline no longer calls handle_leader by name")
    if "line, resume_at = get_next_linebox(" not in _source_of(weasy_inline.iter_line_boxes):
        problems.append("iter_line_boxes no longer calls get_next_linebox by name")
    problems.extend(_check_text_box_splitting())
    leader_source = _source_of(weasy_leader.handle_leader)
    if not all(used in leader_source for used in ("text_box.copy()", "-= text_box.width")):
        problems.append("handle_leader no longer fills a leader with copies one advance apart")
    draw_source = _source_of(weasy_draw_text.draw_first_line)
    if "PANGO_GLYPH_EMPTY" not in draw_source:
        problems.append("draw_first_line no longer skips empty glyphs (our spacers)")
    if "string += f'>{-width / font_size}<'" not in draw_source:
        problems.append(
            "draw_first_line draws empty glyphs differently: revisit EMPTY_GLYPH_DRAW_SCALE"
        )
    return problems


def _check_text_box_splitting() -> list[str]:
    """``linebreak`` knows what surrounds a text box by its identity in the block's line
    box: ``get_next_linebox`` must split that line box itself (its own children, not
    copies) and ``split_inline_level`` hand each text box to ``split_text_box`` by name,
    the box and the byte offset of the line's start in its text. (Read from the module's
    source: while ``cjk_typesetting`` is active, two of these names are our wrappers.)"""
    source = inspect.getsource(weasy_inline)
    expected = {
        "split_inline_box(\n             context, linebox,": (
            "get_next_linebox no longer splits the line box it is given"
        ),
        "for i, child in enumerate(box.children[skip:]):": (
            "split_inline_box no longer splits the line box's own children"
        ),
        "split_text_box(\n            context, box, max_x - position_x, skip,": (
            "split_inline_level no longer calls split_text_box(context, box, …) by name"
        ),
        "text = box.text.encode()[skip:]": (
            "split_text_box no longer breaks box.text from byte offset skip"
        ),
    }
    return [problem for needed, problem in expected.items() if needed not in source]


def _source_of(function) -> str:
    """The source lines of ``function``, as far as its code object spans them.

    What ``inspect.getsource`` returns for a function, except trailing comments, without
    its tokenizing of the file to find where the function ends: that was half of the
    self-check's time in a cold build. The file is read through linecache, as
    ``inspect`` reads it."""
    function = inspect.unwrap(function)
    code = function.__code__
    lines = linecache.getlines(code.co_filename, function.__globals__)
    if not lines:
        raise OSError(f"no source for {function!r}")  # as inspect.getsource would
    last = max(line for *_, line in code.co_lines() if line is not None)
    return "".join(lines[code.co_firstlineno - 1 : last])


def _check_font_configuration() -> list[str]:
    """_ShippedFontConfiguration sets what FontConfiguration.__init__ sets, and
    add_font_face still copies fonts into ``self._folder`` and adds them to
    ``self._config``."""
    problems = []
    init = _source_of(weasy_fonts.FontConfiguration.__init__)
    assigned = set(re.findall(r"self\.(\w+) =", init))
    if assigned != FONT_CONFIGURATION_ATTRIBUTES:
        problems.append(
            f"FontConfiguration.__init__ sets {sorted(assigned)}, "
            f"expected {sorted(FONT_CONFIGURATION_ATTRIBUTES)}"
        )
    add = _source_of(weasy_fonts.FontConfiguration.add_font_face)
    for needed in (
        "self._folder / config_digest",
        "FcConfigAppFontAddFile(\n                self._config",
    ):
        if needed not in add:
            problems.append(f"FontConfiguration.add_font_face no longer has {needed!r}")
    for function in ("FcConfigDestroy", "FcConfigAppFontAddFile"):
        if not hasattr(weasy_ffi.fontconfig, function):
            problems.append(f"fontconfig.{function} is not declared in weasyprint.text.ffi")
    return problems


def _check_ffi() -> list[str]:
    ffi, pango = weasy_ffi.ffi, weasy_ffi.pango
    problems = []
    for function in PANGO_FUNCTIONS:
        if not hasattr(pango, function):
            problems.append(f"pango.{function} is not declared in weasyprint.text.ffi")
    reached = _reachable_structs()
    for struct, fields in CFFI_FIELDS.items():
        try:
            ctype = reached.get(struct) or ffi.typeof(struct)
            declared = {name for name, _ in ctype.fields or ()}
        except ffi.error:
            problems.append(f"cffi type {struct} is not declared in weasyprint.text.ffi")
            continue
        if missing := fields - declared:
            problems.append(f"cffi type {struct} lacks {sorted(missing)}")
    # _glyph_widths reads PangoGlyphInfo arrays as 32-bit integers.
    info = reached.get("PangoGlyphInfo") or ffi.typeof("PangoGlyphInfo")
    geometry = reached.get("PangoGlyphGeometry") or ffi.typeof("PangoGlyphGeometry")
    width = dict(geometry.fields or ()).get("width")
    if ffi.sizeof(info) % 4 or width is None or ffi.sizeof(width.type) != 4:
        problems.append("PangoGlyphInfo is no longer made of 32-bit fields")
    return problems


def _reachable_structs() -> dict[str, CType]:
    """The cffi struct types of ``CFFI_FIELDS``, found by following the types of
    declared functions and fields. Naming a type by string makes cffi run its C parser
    over all of WeasyPrint's declarations (a few ms a type, most of this check's time in
    a cold build); whatever cannot be reached this way is left to ``ffi.typeof``."""
    pango = weasy_ffi.pango
    found: dict[str, CType] = {}

    def keep(ctype) -> None:
        if ctype is not None and ctype.kind == "struct" and ctype.cname in CFFI_FIELDS:
            found.setdefault(ctype.cname, ctype)

    def points_to(struct, name: str):
        field = dict(struct.fields or ()).get(name) if struct is not None else None
        return field.type.item if field is not None and field.type.kind == "pointer" else None

    def result(name: str):
        function = getattr(pango, name, None)
        if function is None:
            return None
        kind = weasy_ffi.ffi.typeof(function).result
        return kind.item if kind.kind == "pointer" else None

    line = result("pango_layout_get_line_readonly")
    glyph_item = points_to(points_to(line, "runs"), "data")
    glyph_string = points_to(glyph_item, "glyphs")
    glyph_info = points_to(glyph_string, "glyphs")
    geometry = dict(glyph_info.fields or ()).get("geometry") if glyph_info is not None else None
    for ctype in (
        line,
        glyph_item,
        points_to(glyph_item, "item"),
        glyph_string,
        glyph_info,
        geometry.type if geometry is not None else None,
        result("pango_attr_letter_spacing_new"),
    ):
        keep(ctype)
    return found


@cache
def _verified(check, version: str, *internals: object) -> None:
    """Run ``check`` once per process for the same WeasyPrint objects.

    The checks read WeasyPrint's source and signatures, which do not change while a
    process runs; the key (the version and the objects the check is about) makes a
    patched or reloaded WeasyPrint be checked again. Only a pass is remembered: a
    failure raises, and functools.cache keeps no exceptions.
    """
    problems = check()
    if problems:
        raise RuntimeError("WeasyPrint internals changed:\n" + "\n".join(problems))


def _verify_internals() -> None:
    """``check_internals``, once per process (``compositor watch`` builds many times)."""
    import weasyprint

    _verified(
        check_internals,
        weasyprint.__version__,
        weasy_line_break.split_first_line,
        weasy_inline.split_first_line,
        weasy_preferred.split_first_line,
        weasy_line_break.Layout,
        *(getattr(weasy_line_break.Layout, name, None) for name in LAYOUT_METHODS),
        weasy_line_break.line_size,
        getattr(weasy_line_break, "_font_style_cache_key", None),
        getattr(weasy_inline, "justify_line", None),
        getattr(weasy_inline, "add_word_spacing", None),
        getattr(weasy_inline, "split_text_box", None),
        getattr(weasy_inline, "split_inline_level", None),
        getattr(weasy_inline, "split_inline_box", None),
        weasy_draw_text.draw_first_line,
        weasy_fonts.FontConfiguration,
        weasy_fonts.FontConfiguration.__init__,
        weasy_fonts.FontConfiguration.add_font_face,
        weasy_ffi.ffi,
        weasy_ffi.pango,
    )
