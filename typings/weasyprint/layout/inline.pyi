# Replaced with setattr while a build lays out (compositor.weasy.linebreak).
from typing import Any

from ..formatting_structure.boxes import Box, LineBox, TextBox
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
def get_next_linebox(
    context: LayoutContext,
    linebox: LineBox,
    position_y: float,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Box,
    absolute_boxes: list[Any],
    fixed_boxes: list[Any],
    first_letter_style: Style | None,
    first_line_style: Style | None,
) -> tuple[LineBox | None, Any]: ...
def iter_line_boxes(
    context: LayoutContext,
    box: Box,
    position_y: float,
    bottom_space: float,
    skip_stack: Any,
    containing_block: Box,
    absolute_boxes: list[Any],
    fixed_boxes: list[Any],
    first_letter_style: Style | None,
    first_line_style: Style | None,
) -> Any: ...
def justify_line(context: LayoutContext, line: LineBox, extra_width: float) -> None: ...
def add_word_spacing(
    context: LayoutContext, box: Box, justification_spacing: float, x_advance: float
) -> float: ...
def handle_leader(context: LayoutContext, line: LineBox, containing_block: Box) -> None: ...
def split_text_box(
    context: LayoutContext,
    box: TextBox,
    available_width: float | None,
    skip: int | None,
    is_line_start: bool = ...,
) -> tuple[TextBox | None, int | None, bool]: ...
