# The line layout compositor.weasy.linebreak wraps (Chinese line breaking, spacing).
# split_first_line is replaced with setattr while a build lays out, so it is a function
# here with WeasyPrint 70's signature.
from collections.abc import Mapping
from typing import Any

from cffi import CData

Style = Mapping[str, Any]  # WeasyPrint's computed style: property name → value

class Layout:
    layout: CData  # the PangoLayout
    text: str | None
    style: Style
    def __init__(
        self, style: Style, justification_spacing: float = ..., max_width: float | None = ...
    ) -> None: ...
    def set_text(self, text: str, justify: bool = ...) -> None: ...
    def get_first_line(self) -> tuple[Any, int | None]: ...  # (a PangoLayoutLine cdata, its index)
    def deactivate(self) -> None: ...
    def reactivate(self, style: Style) -> None: ...

def split_first_line(
    text: str,
    style: Style,
    context: Any,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = ...,
    minimum: bool = ...,
) -> tuple[Layout, int, int | None, float, float, float]: ...
def line_size(line: Any, style: Style) -> tuple[float, float]: ...
def _font_style_cache_key(style: Style, include_size: bool = ...) -> str: ...
