from ..text.line_break import Layout, Style
from . import LayoutContext

def split_first_line(
    text: str,
    style: Style,
    context: LayoutContext,
    max_width: float | None,
    justification_spacing: float,
    is_line_start: bool = ...,
    minimum: bool = ...,
) -> tuple[Layout, int, int | None, float, float, float]: ...
