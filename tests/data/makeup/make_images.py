"""Draws the picture of the make-up test issue (tests/data/makeup) into a folder.

The chart is the figures test issue's bar chart (tests/data/figures/make_images.py), on
white: an RGB PNG, so that PDF/X-1a (no transparency) takes it too.

    python3 tests/data/makeup/make_images.py FOLDER
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "figures"))
from make_images import chart  # noqa: E402


def make_images(folder: Path) -> None:
    """Writes chart.png, which 02.md places across the text width."""
    chart().convert("RGB").save(folder / "chart.png")


if __name__ == "__main__":
    make_images(Path(sys.argv[1]))
