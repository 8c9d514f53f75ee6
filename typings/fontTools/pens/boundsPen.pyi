from collections.abc import Mapping
from typing import Any

from fontTools.pens.basePen import AbstractPen

class BoundsPen(AbstractPen):
    # (xMin, yMin, xMax, yMax); None until something with an extent was drawn.
    bounds: tuple[float, float, float, float] | None
    def __init__(
        self, glyphSet: Mapping[str, Any] | None, ignoreSinglePoints: bool = ...
    ) -> None: ...
