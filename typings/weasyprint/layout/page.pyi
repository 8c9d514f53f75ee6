from collections.abc import Iterator
from typing import Any

from . import LayoutContext

def make_page(
    context: LayoutContext,
    root_box: Any,
    page_type: Any,
    resume_at: Any,
    page_number: int,
    page_state: Any,
) -> tuple[Any, ...]: ...
def make_all_pages(
    context: LayoutContext, root_box: Any, html: Any, pages: list[Any]
) -> Iterator[Any]: ...
