from . import Document as Document
from .formatting_structure.boxes import PageBox

class Page:
    _page_box: PageBox
    width: float
    height: float
    def __init__(self, page_box: PageBox) -> None: ...
