"""A layout's marks ([marks] in its layout.toml), readable below the layout package.

How a layout prints a field inside marks of its own is data: ``credit = "（供稿：{}）"``,
``{}`` standing for the field. The content reader needs them to know what an editor
typed twice (it takes 【火炬在行动】 for the section 火炬在行动 in a layout that prints
the 【】), and it sits beside ``compositor.layout``, not above it: so the manifest's
[marks] table and where a layout's folder is are read here, for both.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from compositor.errors import LayoutError
from compositor.i18n import _
from compositor.paths import LAYOUTS_DIR

MANIFEST = "layout.toml"


def layout_folder(name: str) -> Path:
    """The folder of the layout ``name``: a folder under layouts/, or a path to one."""
    if "/" in name or "\\" in name:
        return Path(name)
    return LAYOUTS_DIR / name


def marks_from(data: object, path: Path) -> dict[str, str]:
    """The [marks] table of a manifest, checked: each mark holds its field once."""
    if not isinstance(data, dict):
        raise LayoutError(_("marks must be a table of texts"), path)
    for name, mark in data.items():
        if not isinstance(mark, str) or mark.count("{}") != 1:
            raise LayoutError(
                _("marks.{name} must be a text with one {{}} for the field").format(name=name), path
            )
    return dict(data)


def layout_marks(name: str) -> dict[str, str]:
    """The marks of the layout ``name``; none when it cannot be read (loading the layout
    for the build reports why, with the manifest's other faults)."""
    path = layout_folder(name) / MANIFEST
    try:
        return marks_from(tomllib.loads(path.read_text(encoding="utf-8")).get("marks", {}), path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, LayoutError):
        return {}
