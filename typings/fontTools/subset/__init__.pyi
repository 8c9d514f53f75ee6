# The subsetter `compositor fonts build` cuts the upstream faces with, and the options
# it sets (compositor/fonts/rebuild.py).
from collections.abc import Iterable

from fontTools.ttLib import TTFont

class Options:
    layout_features: list[str]
    layout_scripts: list[str]
    hinting: bool
    name_IDs: list[str | int]
    name_languages: list[int]
    notdef_outline: bool
    glyph_names: bool
    recalc_timestamp: bool
    def __init__(self) -> None: ...

class Subsetter:
    def __init__(self, options: Options | None = ...) -> None: ...
    def populate(
        self,
        glyphs: Iterable[str] = ...,
        gids: Iterable[int] = ...,
        unicodes: Iterable[int] = ...,
        text: str = ...,
    ) -> None: ...
    def subset(self, font: TTFont) -> None: ...
