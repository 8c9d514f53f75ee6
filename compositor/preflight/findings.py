"""What preflight finds in a PDF: one ``Finding`` for every check that reads PDFs
(typography, press, engines), with the levels of ``compositor check``'s source findings.

A source finding (``content.validate.Finding``) points at a file, line and column; a PDF
finding at a page (``None``: the document as a whole) and says which rule found it.
"""

from __future__ import annotations

from dataclasses import dataclass

from compositor.content.validate import Level

ERROR, WARNING, INFO, UNCHECKED = Level.ERROR, Level.WARNING, Level.INFO, Level.UNCHECKED

__all__ = ["ERROR", "INFO", "UNCHECKED", "WARNING", "Finding", "Level"]


@dataclass(frozen=True)
class Finding:
    page: int | None  # None: the document as a whole
    rule: str
    message: str
    example: str = ""  # the text it was found in, when there is one
    severity: Level = ERROR
