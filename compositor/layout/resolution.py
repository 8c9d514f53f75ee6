"""Effective resolution of the pictures of an issue at their printed size (issue 14).

A photo prints sharp at 300 pixels per inch of paper; below that it softens, below 150
it looks coarse. ``compositor check`` and ``build`` warn under 300 ppi; a press build
refuses under 150 ppi unless ``--allow-low-res``. The screen PDF is downsampled to 200
ppi (WeasyPrint's ``dpi`` option) so that it stays small enough to e-mail.

The printed size follows the layout's rules for pictures (the rule layout.toml names as
``[selectors] picture``): the ``{width=…}`` asked for, or the text width, never wider;
never taller than its ``max-height`` (then narrower, keeping its shape).
Both are read from the layout's CSS, so a designer's change is followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.layout import Layout
from compositor.layout.cssboxes import PT_PER_UNIT, Box, StyleSheet
from compositor.model import Figure, Issue

GOOD_PPI = 300  # below: a warning
LOWEST_PPI = 150  # below: an error for press output
SCREEN_PPI = 200  # the screen PDF keeps no more than this
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Placement:
    """A raster figure at its printed size."""

    figure: Figure
    width_pt: float
    height_pt: float

    @property
    def ppi(self) -> float:
        return self.figure.pixels[0] / (self.width_pt / POINTS_PER_INCH)

    @property
    def message(self) -> str:
        name = self.figure.path.name
        return _(
            "picture {name} prints at {ppi} ppi ({pixels} pixels over {mm} mm); a photo needs "
            "{good} ppi to print sharp: use a larger original or print it smaller with "
            "{{width=…}}"
        ).format(
            name=name,
            ppi=f"{self.ppi:.0f}",
            pixels=self.figure.pixels[0],
            mm=f"{self.width_pt / PT_PER_UNIT['mm']:.0f}",
            good=GOOD_PPI,
        )


def placements(issue: Issue, layout: Layout) -> list[Placement]:
    """Every raster figure (SVG has no pixels) with the size it prints at."""
    figures = [
        block
        for article in issue.articles
        for block in article.blocks
        if isinstance(block, Figure) and block.pixels[0] > 0
    ]
    if not figures:  # most issues: no need to read the layout's CSS (8 ms a build)
        return []
    from compositor.layout.estimate import Metrics

    metrics = Metrics.of(layout)
    css = StyleSheet.read(layout.stylesheets)
    root = Box(em=10.5, line_factor=1.0)
    picture = layout.selector("picture")
    max_height = (css.length(picture, "max-height", root) if picture else 0) or metrics.height
    return [place_figure(figure, metrics.width, max_height) for figure in figures]


def place_figure(figure: Figure, text_width: float, max_height: float) -> Placement:
    width = _width_pt(figure.width, text_width)
    pixels_w, pixels_h = figure.pixels
    height = width * pixels_h / pixels_w
    if height > max_height:  # object-fit: contain draws it narrower, same shape
        height = max_height
        width = height * pixels_w / pixels_h
    return Placement(figure, width, height)


def _width_pt(spec: str, text_width: float) -> float:
    if not spec:
        return text_width
    if spec.endswith("%"):
        return text_width * float(spec[:-1]) / 100
    number, unit = spec[:-2], spec[-2:]
    return min(float(number) * PT_PER_UNIT[unit], text_width)


def low_resolution(issue: Issue, layout: Layout) -> list[Placement]:
    """Pictures under ``GOOD_PPI`` at their printed size, in reading order."""
    return [placed for placed in placements(issue, layout) if placed.ppi < GOOD_PPI]


def refuse_for_press(low: list[Placement]) -> None:
    """Stop a press build at the first picture under ``LOWEST_PPI``."""
    for placed in low:
        if placed.ppi < LOWEST_PPI:
            source = placed.figure.source
            raise ContentError(
                _(
                    "{problem}. Under {lowest} ppi it would print visibly coarse; replace it, "
                    "or build with --allow-low-res to print it anyway"
                ).format(problem=placed.message, lowest=LOWEST_PPI),
                source.path,
                source.line,
            )
