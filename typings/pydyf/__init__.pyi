# pydyf, WeasyPrint's PDF writer: what the seam wraps (compositor.weasy.serialise, tags).
from typing import Any

__version__: str

class Object:
    number: int | None  # set when the object is added to a PDF
    @property
    def reference(self) -> bytes: ...
    @property
    def data(self) -> bytes: ...

class Dictionary(Object, dict[str, Any]):
    def __init__(self, values: dict[str, Any] | None = ...) -> None: ...

class String(Object):
    def __init__(self, string: str | bytes = ...) -> None: ...

class Stream(Object):
    stream: list[Any]
    extra: dict[str, Any]
    compress: bool
    def __init__(
        self,
        stream: list[Any] | None = ...,
        extra: dict[str, Any] | None = ...,
        compress: bool = ...,
    ) -> None: ...
    def begin_marked_content(self, tag: str, property_list: Dictionary | None = ...) -> None: ...
    def end_marked_content(self) -> None: ...

class PDF:
    def write(
        self, output: Any, version: bytes = ..., identifier: Any = ..., compress: bool = ...
    ) -> None: ...
