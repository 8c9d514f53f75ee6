from typing import Any

def draw_first_line(
    stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str, matrix: Any
) -> None: ...
