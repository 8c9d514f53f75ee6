from typing import Any

from ..formatting_structure.boxes import Box

class AbsolutePlaceholder:
    """Stands in the flow for an absolutely positioned box, forwarding attribute reads to it
    (``__getattr__``): the ones the seam reads are declared."""

    _box: Box
    element: Any
    style: Any
    position_y: float
    def margin_height(self) -> float: ...
    def translate(self, dx: float = ..., dy: float = ..., ignore_floats: bool = ...) -> None: ...
