"""What preflight finds in a PDF: the one ``Finding`` of every check (content/validate.py),
here with a page for its place, for every check that reads PDFs (typography, press,
engines), and the levels of ``compositor check``'s source findings.

``Finding(page, rule, message, example, level=…)``: ``page`` is 1-based, or None for the
document as a whole; a source finding (``Finding.at``) points at a file, line and column.
"""

from __future__ import annotations

from compositor.content.validate import Finding, Level

ERROR, WARNING, INFO, UNCHECKED = Level.ERROR, Level.WARNING, Level.INFO, Level.UNCHECKED

__all__ = ["ERROR", "INFO", "UNCHECKED", "WARNING", "Finding", "Level"]
