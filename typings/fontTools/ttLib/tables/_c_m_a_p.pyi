# A cmap subtable, made when a face needs a format 12 one (compositor/fonts/merge.py).
class CmapSubtable:
    format: int
    platformID: int
    platEncID: int
    language: int
    cmap: dict[int, str]
    @staticmethod
    def newSubtable(format: int) -> CmapSubtable: ...
