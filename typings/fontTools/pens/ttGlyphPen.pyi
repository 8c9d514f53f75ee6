from collections.abc import Mapping
from typing import Any

from fontTools.pens.basePen import AbstractPen
from fontTools.ttLib.tables._g_l_y_f import Glyph

class TTGlyphPen(AbstractPen):
    def __init__(
        self,
        glyphSet: Mapping[str, Any] | None = ...,
        handleOverflowingTransforms: bool = ...,
        outputImpliedClosingLine: bool = ...,
    ) -> None: ...
    def glyph(self, componentFlags: int = ..., dropImpliedOnCurves: bool = ...) -> Glyph: ...
