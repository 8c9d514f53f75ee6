from collections.abc import Mapping
from typing import Any

from fontTools.misc.psCharStrings import T2CharString
from fontTools.pens.basePen import AbstractPen

class T2CharStringPen(AbstractPen):
    def __init__(
        self,
        width: float | None,
        glyphSet: Mapping[str, Any] | None,
        roundTolerance: float = ...,
        CFF2: bool = ...,
    ) -> None: ...
    # private: a CFF Private dict; globalSubrs: the CFF's GlobalSubrs index (both Any:
    # they come from TTFont's tables).
    def getCharString(
        self, private: Any = ..., globalSubrs: Any = ..., optimize: bool = ...
    ) -> T2CharString: ...
