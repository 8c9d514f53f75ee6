"""``compositor check`` on pictures (issue 14): each one's resolution at its printed size.

Kept apart from report.py, which only calls ``picture_findings``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from compositor.errors import CompositorError
from compositor.i18n import _
from compositor.layout import layout_for
from compositor.layout.resolution import LOWEST_PPI, low_resolution
from compositor.model import Issue


def picture_findings(issue: Issue) -> Iterator[tuple[Path, int, str]]:
    """(file, line, message) of every picture under 300 ppi where it prints."""

    try:
        low = low_resolution(issue, layout_for(issue))
    except CompositorError:
        return  # a broken layout is reported by the checks that read it
    for placed in low:
        message = placed.message
        if placed.ppi < LOWEST_PPI:
            message += _(
                "; under {lowest} ppi `build --press` stops unless given --allow-low-res"
            ).format(lowest=LOWEST_PPI)
        yield placed.figure.source.path, placed.figure.source.line, message
