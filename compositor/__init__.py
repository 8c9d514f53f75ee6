"""compositor: typesets Chinese government bulletins into print-ready PDF."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from compositor.build import BuildResult

__version__ = "0.1.0"


def build_issue(
    folder: Path | str, output: Path | str | None = None, **options: Any
) -> BuildResult:
    """Build an issue folder into a PDF; returns ``BuildResult(path, pages)``.

    ``options`` are those of ``compositor.build.build_issue`` (``press``, ``pad_to``).
    Imported lazily so that ``import compositor`` stays cheap for the CLI.
    """
    from compositor.build import build_issue as _build_issue

    return _build_issue(folder, output, **options)


__all__ = ["build_issue", "__version__"]
