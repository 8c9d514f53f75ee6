from collections.abc import Callable
from typing import Any

# Wrapped by assignment while a tagged PDF is written (compositor.weasy.tags).
_get_pdf_tag: Callable[[str | None], str]
_build_box_tree: Callable[..., Any]  # (box, parent, pdf, page_number, nums, annotations, tags)
