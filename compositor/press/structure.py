"""A tagged PDF/X-4 (issue 28): the press file keeps the screen edition's structure tree
where PDF/X allows it.

PDF/X forbids link annotations in the page area (output.remove_annotations takes them
away), so their Link elements become Span elements and lose the annotations' entries in
the parent tree; crop marks are drawn as artifacts; the XMP says PDF/UA-1 beside
PDF/X-4. The colour conversion rewrites content streams operator by operator and keeps
the marked-content operators that tie text to the tree. PDF/X-1a (PDF 1.3) is never
tagged: a build for it is untagged from the start.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Name

TAGGED_STANDARDS = ("4",)  # PDF/X keys (--pdf-x) whose files keep the structure tree
PDFUA_DESCRIPTION = (
    b'<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
    b"<pdfuaid:part>1</pdfuaid:part></rdf:Description>"
)


def is_tagged(pdf: pikepdf.Pdf) -> bool:
    return "/StructTreeRoot" in pdf.Root


def unlink_removed_annotations(pdf: pikepdf.Pdf) -> None:
    """Link elements whose annotation is gone become Span; the parent tree forgets the
    annotations (a page's own entry, its array of marked content, stays)."""
    kept = {annotation.objgen for page in pdf.pages for annotation in page.obj.get("/Annots", [])}
    root = pdf.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    entries = [(nums[i], nums[i + 1]) for i in range(0, len(nums), 2)]
    pages = {int(page.obj.get("/StructParents", -1)) for page in pdf.pages}
    root.ParentTree.Nums = pikepdf.Array(
        [item for key, value in entries if int(key) in pages for item in (key, value)]
    )
    _unlink(root.K, kept)
    for page in pdf.pages:
        if "/Annots" not in page.obj and "/Tabs" in page.obj:
            del page.obj.Tabs


def _unlink(element, kept: set) -> None:
    kids = element if isinstance(element, pikepdf.Array) else element.get("/K")
    if not isinstance(kids, pikepdf.Array):
        kids = pikepdf.Array([kids]) if kids is not None else pikepdf.Array()
    remaining: list[pikepdf.Object] = []
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            if kid.Obj.objgen in kept:
                remaining.append(kid)
            continue
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _unlink(kid, kept)
        remaining.append(kid)
    if isinstance(element, pikepdf.Dictionary):
        if element.get("/S") == "/Link" and len(remaining) != len(kids):
            element.S = Name.Span  # its text stays; what it linked to is not on paper
        element.K = pikepdf.Array(remaining)


def with_pdfua(packet: bytes) -> bytes:
    """The PDF/X XMP packet with PDF/UA-1's identification."""
    return packet.replace(b"</rdf:RDF>", PDFUA_DESCRIPTION + b"</rdf:RDF>", 1)
