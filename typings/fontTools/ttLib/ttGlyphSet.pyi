# A font's glyphs by name, as outlines a pen can draw (TTFont.getGlyphSet). Both are
# abstract: getGlyphSet returns the subclass for the face's outlines (glyf, CFF).
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping

from fontTools.pens.basePen import AbstractPen

class _TTGlyph(ABC):
    @abstractmethod
    def draw(self, pen: AbstractPen) -> None: ...

class _TTGlyphSet(Mapping[str, _TTGlyph]):
    @abstractmethod
    def __getitem__(self, glyphName: str) -> _TTGlyph: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
