"""Saving a PDF rewritten with pikepdf so that the same input gives the same bytes."""

from __future__ import annotations

import io

import pikepdf


def save_reproducibly(pdf: pikepdf.Pdf, version: str = "") -> bytes:
    """Save with an /ID computed from the content and nothing taken from the clock.

    ``version`` forces the header's PDF version (PDF/X fixes it); object streams
    stay off because PDF 1.4 readers (PDF/X-1a) do not know them.
    """
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        fix_metadata_version=False,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        force_version=version,
    )
    return out.getvalue()
