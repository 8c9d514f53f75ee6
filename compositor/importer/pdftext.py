"""Read a past issue's PDF: its text layer → the legacy plain-text shape → compositor import."""

from __future__ import annotations

from pathlib import Path


def is_pdf(path: Path) -> bool:
    """A PDF by name or by its first bytes (archives rename files)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False
