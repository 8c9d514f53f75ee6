"""``compositor check`` on pictures (issue 14): each one's resolution at its printed size.

Kept apart from report.py, which only calls ``picture_findings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from compositor.errors import CompositorError
from compositor.layout.resolution import LOWEST_PPI, low_resolution, place_figure
from compositor.model import Figure, Issue, Table

# The torch layout's figure and table boxes (style.css), for the page estimate: captions
# and cells are 9 pt on 1.5 lines; a figure or table has 7 mm of margins, a row 1.6 mm of
# padding. SVGs have no pixel size here: counted half as high as wide.
SMALL_LINE = 9 * 1.5
BOX_MARGINS = 7 * 72 / 25.4
ROW_PADDING = 1.6 * 72 / 25.4
SVG_ASPECT = 0.5


def picture_findings(issue: Issue) -> Iterator[tuple[Path, int, str]]:
    """(file, line, message) of every picture under 300 ppi where it prints."""
    from compositor.build import layout_for

    try:
        low = low_resolution(issue, layout_for(issue))
    except CompositorError:
        return  # a broken layout is reported by the checks that read it
    for placed in low:
        message = placed.message
        if placed.ppi < LOWEST_PPI:
            message += (
                f"; under {LOWEST_PPI} ppi `build --press` stops unless given --allow-low-res"
            )
        yield placed.figure.source.path, placed.figure.source.line, message


def block_height(block: Figure | Table, m) -> float:
    """About how tall a figure or table prints, in points (``m``: estimate.Metrics)."""
    if isinstance(block, Table):
        caption = SMALL_LINE + ROW_PADDING if block.caption else 0.0
        return BOX_MARGINS + caption + len(block.grid) * (SMALL_LINE + ROW_PADDING)
    max_height = m.height - 2 * SMALL_LINE - BOX_MARGINS
    if block.pixels[0]:
        picture = place_figure(block, m.width, max_height).height_pt
    else:
        picture = min(m.width * SVG_ASPECT, max_height)
    return BOX_MARGINS + picture + (SMALL_LINE if block.caption else 0.0)
