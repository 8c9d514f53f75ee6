"""Which standards the screen edition conforms to: the one that goes online and into
archives (issue 28).

By default it is tagged and conforms to PDF/UA-1 (a screen reader can read it: GB/T
37668-2019 holds Chinese public websites to WCAG) and PDF/A-2a (archivable) together.
WeasyPrint writes one variant at a time (its issue 2783); the PDF/A-2a variant already
tags the document, and ``weasy.tags.tagged_structure`` adds PDF/UA's identification
and the structure WeasyPrint cannot infer from HTML. PDF/A-2a rather than 2u: level A
asks for a logical structure with standard types, a language and Unicode text, which
the PDF/UA tagging gives; every character has a Unicode value already (2u).

``--pdf-standard`` asks for less: PDF/UA-1 alone, PDF/A-2b alone (untagged), or a plain
untagged PDF. Press files follow ``--pdf-x`` instead (press/pdfx.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class PdfStandard:
    key: str  # the value of --pdf-standard
    name: str  # what a person is told
    variant: str | None  # WeasyPrint's pdf_variant
    tagged: bool  # a structure tree, corrected by weasy.tags
    ua_part: int | None = None  # pdfuaid:part added to a PDF/A variant's XMP


STANDARDS = {
    standard.key: standard
    for standard in (
        PdfStandard("ua1-a2a", "PDF/UA-1 + PDF/A-2a", "pdf/a-2a", tagged=True, ua_part=1),
        PdfStandard("ua1", "PDF/UA-1", "pdf/ua-1", tagged=True),
        PdfStandard("a2b", "PDF/A-2b (untagged)", "pdf/a-2b", tagged=False),
        PdfStandard("none", "plain PDF (untagged)", None, tagged=False),
    )
}
DEFAULT_STANDARD = "ua1-a2a"


class PdfStandardChoice(StrEnum):
    """The values of ``compositor build --pdf-standard``."""

    ua1_a2a = "ua1-a2a"
    ua1 = "ua1"
    a2b = "a2b"
    none = "none"


def screen_standard(key: str | None) -> PdfStandard:
    """The standard named ``key`` (default: PDF/UA-1 + PDF/A-2a)."""
    from compositor.errors import CompositorError

    found = STANDARDS.get(key or DEFAULT_STANDARD)
    if found is None:
        raise CompositorError(f"unknown PDF standard {key!r}: choose one of {', '.join(STANDARDS)}")
    return found
