"""Errors an editor can act on.

Every failure caused by input (content, fonts, layout data) is raised as a
``CompositorError`` subclass carrying the file and line it concerns. The CLI
prints ``file:line: message`` and exits with status 2; anything else is a bug
and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

from compositor.i18n import _


class CompositorError(Exception):
    """Base class for errors caused by input rather than by a bug."""

    def __init__(
        self, message: str, path: Path | str | None = None, line: int = 0, *, column: int = 0
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column  # 1-based; 0 when only the line is known

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        if not self.line:
            template = _("{path}: {message}")
        elif self.column:
            template = _("{path}:{line}:{column}: {message}")
        else:
            template = _("{path}:{line}: {message}")
        return template.format(
            path=self.path, line=self.line, column=self.column, message=self.message
        )


class ContentError(CompositorError):
    """The issue's content is malformed or inconsistent."""


class FontError(CompositorError):
    """A character is not covered by the shipped fonts, or a font file is wrong."""


class LayoutError(CompositorError):
    """The layout folder (manifest, templates, CSS) is malformed."""
