from collections.abc import Callable, Mapping
from typing import Any

from .pdf.stream import Stream

class Gradient:
    # Replaced by assignment in press builds (compositor.weasy.gradients.cmyk_gradients).
    draw: Callable[[Gradient, Stream, float, float, Mapping[str, Any]], None]
    def layout(self, width: float, height: float, style: Mapping[str, Any]) -> tuple[Any, ...]: ...
