"""Where the checkout's data folders are: layouts, fonts, the bundled sample.

compositor runs from its repository (``pip install -e .``): layouts and fonts are
data that designers and the font build change in place, not package resources.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAYOUTS_DIR = PROJECT_ROOT / "layouts"
FONTS_DIR = PROJECT_ROOT / "fonts"
SAMPLE_ISSUE = PROJECT_ROOT / "content" / "torch" / "2022-17"
