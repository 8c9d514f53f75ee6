# The public WeasyPrint API compositor.render calls (HTML → Document, CSS).
from collections.abc import Callable
from typing import Any, BinaryIO

from . import urls as urls

__version__: str

class DocumentMetadata:
    custom: dict[str, str]

class Document:
    pages: list[Any]  # weasyprint.document.Page: read by the seam (compositor.weasy)
    metadata: DocumentMetadata
    def write_pdf(self, target: Any = ..., **options: Any) -> bytes | None: ...
    def copy(self, pages: Any = ...) -> Document: ...

class CSS:
    def __init__(
        self,
        *,
        string: str | None = ...,
        file_obj: BinaryIO | None = ...,
        base_url: str | None = ...,
        url_fetcher: Callable[..., Any] | None = ...,
        font_config: object = ...,
    ) -> None: ...

class HTML:
    def __init__(
        self,
        *,
        string: str | None = ...,
        base_url: str | None = ...,
        url_fetcher: Callable[..., Any] | None = ...,
    ) -> None: ...
    def render(
        self, *, stylesheets: list[CSS] | None = ..., font_config: object = ..., dpi: Any = ...
    ) -> Document: ...
