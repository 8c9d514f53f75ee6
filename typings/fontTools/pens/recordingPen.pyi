from collections.abc import Mapping
from typing import Any

from fontTools.pens.basePen import AbstractPen

class DecomposingRecordingPen(AbstractPen):
    def __init__(self, glyphSet: Mapping[str, Any]) -> None: ...
    def replay(self, pen: AbstractPen) -> None: ...
