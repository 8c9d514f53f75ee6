from collections.abc import Callable
from typing import Any

class Font:
    # Replaced by assignment while a PDF is written (compositor.weasy.serialise).
    subset: Callable[[Font, Any, bool], None]
    def clean(self, to_unicode: Any, hinting: bool) -> None: ...
    def _harfbuzz_subset(self, *args: Any) -> Any: ...
