"""Layouts are data: a folder with ``layout.toml``, Jinja2 templates and CSS.

This module reads the manifest into a ``Layout`` dataclass. A designer changes
the folder, never the Python code; everything the templates and CSS need from
the manifest (colours, font roles, typesetting options) is exposed here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from compositor.errors import LayoutError
from compositor.i18n import _
from compositor.layout.roles import KINDS, ROLES, SPACED
from compositor.layout_marks import MANIFEST, layout_folder, marks_from
from compositor.model import Issue
from compositor.paths import LAYOUTS_DIR

PUNCTUATION_STYLES = ("gb", "none")
# What Python measures in a layout's CSS without laying it out (``compositor check``'s page
# estimate, a picture's printed size, a table's column widths), by name; the layout says
# which of its selectors sets each ([selectors] in layout.toml). A layout leaves out what it
# does not have (a brief has no contents): it then measures nothing. The blocks of page
# make-up (banner, title, lead, subhead, credit, colophon-space) come from [grid.blocks].
SELECTOR_NAMES = (
    "issue-head",  # the masthead (红头, 版头) box
    "issue-head-lines",  # the boxes stacked in it, each one line of its own text
    "contents",  # the table of contents
    "contents-section",  # one section of it
    "contents-section-title",  # a section's title line in it
    "contents-entries",  # the list of a section's articles in it
    "section",  # one section of the issue (its break-before)
    "section-gap",  # a section after another (its margin-top)
    "section-subtitle",  # a section banner's subtitle line
    "article",  # one article (its margins)
    "picture",  # a figure's picture (its max-height)
    "table",  # a table (font size)
    "table-compact",  # a table set a size smaller
    "table-cell",  # a table's cell (its paddings)
)


@dataclass(frozen=True)
class Colour:
    """One named colour, defined once: CMYK (0–100) for press, sRGB hex for screen."""

    name: str
    cmyk: tuple[float, float, float, float]
    rgb: str
    spot: str | None = None  # a spot ink's name ("PANTONE 485 C"): its own plate in two-colour jobs

    def css(self, press: bool) -> str:
        if press:
            c, m, y, k = (f"{v / 100:g}" for v in self.cmyk)
            return f"device-cmyk({c} {m} {y} {k})"
        return self.rgb


@dataclass(frozen=True)
class Typesetting:
    punctuation: str = "gb"  # "gb": GB/T 15834 mainland compression; "none": full-width always
    han_latin_space: float = 0.25  # em between Han and Latin/digits; 0 disables
    # em: the most justification may add between two characters; a line that needs more
    # (ended early by a long URL or word) is set flush left instead of stretched.
    max_justification: float = 0.25


@dataclass(frozen=True)
class Press:
    bleed_mm: float = 3.0
    icc_profile: Path | None = None
    # Total area coverage limit (C+M+Y+K, percent) of the paper and press; 300 suits the
    # default coated (SWOP) output intent. Take the printer's figure when there is one.
    max_ink: float = 300.0
    # "process" (four-colour, CMYK) or "black,spot" (two-colour: black plus the spot inks
    # named in [colours]); ``build --inks`` overrides it.
    inks: str = "process"
    # Type under this size (pt) must print in one solid ink (preflight --press checks it).
    small_text_pt: float = 12.0


@dataclass(frozen=True)
class Grid:
    """The line grid (版心行格) and page make-up (版面) settings; see typeset/makeup.py.

    ``pitch_pt`` 0 means no grid: pages are left as WeasyPrint lays them out.
    """

    pitch_pt: float = 0.0  # body size × line height: one grid line
    blocks: dict[str, str] = field(default_factory=dict)  # CSS class → make-up role
    max_gap_lines: int = 1  # at most this many lines added at one gap (齐底)
    max_lines: dict[str, int] = field(default_factory=dict)  # gap kind → its own limit
    minimum: dict[str, int] = field(default_factory=dict)  # gap kind → fewest lines (copyfit)
    copyfit_lines: int = 3  # the colophon may win this many lines by tightening gaps


@dataclass(frozen=True)
class Layout:
    name: str
    folder: Path
    template: str
    stylesheets: tuple[Path, ...]
    page_width_mm: float
    page_height_mm: float
    fonts: dict[str, str]  # role in the CSS → family in fonts/manifest.toml
    colours: tuple[Colour, ...]
    typesetting: Typesetting
    press: Press
    grid: Grid = field(default_factory=Grid)
    description: str = ""  # one line for `compositor layouts`
    selectors: dict[str, tuple[str, ...]] = field(default_factory=dict)  # SELECTOR_NAMES → CSS
    # How the template prints a field inside marks of its own, "{}" standing for the field
    # ([marks] credit = "（供稿：{}）"): the template prints them, `compositor check` counts
    # them when it estimates, and the build takes them off what an editor typed.
    marks: dict[str, str] = field(default_factory=dict)

    def selector(self, name: str) -> str | None:
        """The CSS selector that sets ``name`` (one of SELECTOR_NAMES); None if it has none."""
        found = self.selectors.get(name, ())
        return found[0] if found else None

    def class_of(self, role: str) -> str | None:
        """The CSS class the layout gives the make-up role ``role`` ([grid.blocks])."""
        return next((name for name, own in self.grid.blocks.items() if own == role), None)

    def role_selector(self, role: str) -> str | None:
        """``.class`` of the make-up role ``role``; None if the layout has no such block."""
        name = self.class_of(role)
        return f".{name}" if name else None


def load_layout(folder: Path) -> Layout:
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise LayoutError(_("no {file}: not a layout folder").format(file=MANIFEST), folder)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise LayoutError(_("malformed TOML: {error}").format(error=error), path) from None
    try:
        return _layout_from(data, folder, path)
    except (KeyError, TypeError, ValueError) as error:
        said = _("invalid layout manifest: {error!r}").format(error=error)
        raise LayoutError(said, path) from None


def _layout_from(data: dict, folder: Path, path: Path) -> Layout:
    page = data["page"]
    stylesheets = tuple(folder / name for name in data["stylesheets"])
    for sheet in (folder / data["template"], *stylesheets):
        if not sheet.is_file():
            raise LayoutError(
                _("the manifest names {name}, which does not exist").format(name=sheet.name), path
            )
    typesetting = Typesetting(**data.get("typesetting", {}))
    if typesetting.punctuation not in PUNCTUATION_STYLES:
        raise LayoutError(
            _("typesetting.punctuation must be one of {styles}, not {value!r}").format(
                styles=PUNCTUATION_STYLES, value=typesetting.punctuation
            ),
            path,
        )
    limit = typesetting.max_justification
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit < 0:
        raise LayoutError(
            _(
                "typesetting.max_justification must be a number of em, 0 or more, not {value!r}"
            ).format(value=limit),
            path,
        )
    press_data = dict(data.get("press", {}))
    profile = press_data.pop("icc_profile", None)
    press = Press(**press_data, icc_profile=(folder / profile).resolve() if profile else None)
    if not isinstance(press.max_ink, int | float) or not 100 <= press.max_ink <= 400:
        raise LayoutError(
            _("press.max_ink must be a percentage between 100 and 400, not {value!r}").format(
                value=press.max_ink
            ),
            path,
        )
    grid = _grid_from(data.get("grid", {}), path)
    colours = tuple(
        Colour(name, tuple(spec["cmyk"]), spec["rgb"], spec.get("spot"))
        for name, spec in data["colours"].items()
    )
    for colour in colours:
        if colour.spot is not None and (not isinstance(colour.spot, str) or not colour.spot):
            raise LayoutError(
                _("colours.{name}.spot must be an ink's name").format(name=colour.name), path
            )
        if len(colour.cmyk) != 4 or not all(0 <= v <= 100 for v in colour.cmyk):
            raise LayoutError(
                _("colours.{name}.cmyk must be four numbers 0–100").format(name=colour.name), path
            )
    return Layout(
        name=data["name"],
        folder=folder.resolve(),
        template=data["template"],
        stylesheets=stylesheets,
        page_width_mm=float(page["width_mm"]),
        page_height_mm=float(page["height_mm"]),
        fonts=dict(data["fonts"]),
        colours=colours,
        typesetting=typesetting,
        press=press,
        grid=grid,
        description=str(data.get("description", "")),
        selectors=_selectors_from(data.get("selectors", {}), path),
        marks=marks_from(data.get("marks", {}), path),
    )


def _selectors_from(data: dict, path: Path) -> dict[str, tuple[str, ...]]:
    if unknown := set(data) - set(SELECTOR_NAMES):
        raise LayoutError(
            _("selectors: unknown name(s) {unknown}; use {known}").format(
                unknown=sorted(unknown), known=SELECTOR_NAMES
            ),
            path,
        )
    selectors = {}
    for name, value in data.items():
        value = (value,) if isinstance(value, str) else value
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
            raise LayoutError(
                _("selectors.{name} must be a CSS selector or a list of them").format(name=name),
                path,
            )
        selectors[name] = tuple(value)
    return selectors


def _grid_from(data: dict, path: Path) -> Grid:
    SPACED_KINDS = tuple(kind for group in SPACED for kind in group)

    grid = Grid(
        pitch_pt=float(data.get("pitch_pt", 0.0)),
        blocks=dict(data.get("blocks", {})),
        max_gap_lines=int(data.get("max_gap_lines", 1)),
        max_lines={kind: int(lines) for kind, lines in data.get("max_lines", {}).items()},
        minimum={kind: int(lines) for kind, lines in data.get("minimum", {}).items()},
        copyfit_lines=int(data.get("copyfit_lines", 3)),
    )
    if unknown := set(grid.blocks.values()) - set(ROLES):
        raise LayoutError(
            _("grid.blocks: unknown role(s) {unknown}; use {known}").format(
                unknown=sorted(unknown), known=ROLES
            ),
            path,
        )
    if unknown := set(grid.minimum) - set(KINDS):
        raise LayoutError(
            _("grid.minimum: unknown gap kind(s) {unknown}; use {known}").format(
                unknown=sorted(unknown), known=KINDS
            ),
            path,
        )
    if unknown := set(grid.max_lines) - set(SPACED_KINDS):
        raise LayoutError(
            _("grid.max_lines: gap kind(s) {unknown} take no slack; use {known}").format(
                unknown=sorted(unknown), known=SPACED_KINDS
            ),
            path,
        )
    return grid


def layout_for(issue: Issue) -> Layout:
    """The layout the issue's publication names, from the shipped layouts (or a folder)."""
    folder = layout_folder(issue.publication.layout)
    if not folder.is_dir():
        raise LayoutError(
            _("layout {layout!r} not found in {folder}").format(
                layout=issue.publication.layout, folder=LAYOUTS_DIR
            ),
            issue.publication.root / "publication.toml",
        )
    return load_layout(folder)


def layouts() -> list[Layout]:
    """Every layout under layouts/, by name (``compositor layouts``)."""
    folders = sorted(p for p in LAYOUTS_DIR.iterdir() if (p / "layout.toml").is_file())
    return [load_layout(folder) for folder in folders]
