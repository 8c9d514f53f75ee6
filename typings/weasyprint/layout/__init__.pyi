from collections.abc import Callable, Iterator
from typing import Any

from ..document import Page
from ..formatting_structure.boxes import PageBox

class LayoutContext: ...

# Replaced by assignment while a build lays out (compositor.weasy.contents), hence a
# variable holding a function, with WeasyPrint 70's signature.
make_all_pages: Callable[[LayoutContext, Any, Any, list[Any]], Iterator[tuple[PageBox, Any]]]

def layout_document(
    html: Any, root_box: Any, context: LayoutContext, max_loops: int = ...
) -> Iterator[Page]: ...
