"""PDF/X identification: the standards we write, the OutputIntent and the metadata.

WeasyPrint's PDF/X variants only label a file. This module writes what a PDF/X
reader looks for — the Info keys, an XMP packet and the /GTS_PDFX OutputIntent with
its embedded CMYK profile — and makes every identifier in them derive from the
content, so that two builds of the same issue are byte-identical.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from html import escape as _escape_markup
from typing import TYPE_CHECKING

from compositor.errors import LayoutError
from compositor.press.icc import OutputProfile

if TYPE_CHECKING:  # pikepdf is imported when used, so the CLI starts fast
    import pikepdf


def escape(text: str) -> str:
    """XML text escaping (&, <, >) as xml.sax.saxutils.escape, whose import pulls in
    urllib and http.client: 12 ms of every CLI start, the CLI imports this module."""
    return _escape_markup(text, quote=False)


@dataclass(frozen=True)
class Standard:
    key: str  # the value of ``--pdf-x``
    name: str  # what the file declares in GTS_PDFXVersion
    weasyprint_variant: str  # WeasyPrint's ``pdf_variant`` with the right PDF version
    pdf_version: str
    allows_transparency: bool
    allows_opentype_fonts: bool  # FontFile3/OpenType is a PDF 1.6 feature


PDF_X4 = Standard("4", "PDF/X-4", "pdf/x-4", "1.6", True, True)
PDF_X1A = Standard("1a", "PDF/X-1a:2003", "pdf/x-1a", "1.4", False, False)
STANDARDS = {standard.key: standard for standard in (PDF_X4, PDF_X1A)}


class PdfXChoice(StrEnum):
    """The values of ``compositor build --press --pdf-x``."""

    x4 = PDF_X4.key
    x1a = PDF_X1A.key


# An OutputIntent for a profile that is not a registered characterisation (FOGRA39,
# Japan Color 2001 …, press/conditions.py) says "Custom" and embeds the profile (ISO 15930).
ICC_REGISTRY = "http://www.color.org"
ID_NAMESPACE = uuid.UUID("6f1e4c52-6a0e-5d1b-9a57-2f6c6f6d706f")  # fixed: ids stay stable

PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:(Z)|([+-])(\d{2})'?(\d{2})'?)?$"
)


def set_output_intent(pdf: pikepdf.Pdf, profile: OutputProfile) -> None:
    """Declare the printing condition: one /GTS_PDFX OutputIntent with the profile."""
    import pikepdf
    from pikepdf import Name

    # A registered condition (FOGRA39, JC200103) is named by its identifier, which a
    # RIP recognises; the profile stays embedded all the same.
    condition = profile.condition
    destination = pdf.make_stream(profile.data)
    destination.N = 4
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=Name.OutputIntent,
                S=Name.GTS_PDFX,
                OutputConditionIdentifier=pikepdf.String(condition.identifier),
                OutputCondition=pikepdf.String(condition.name),
                Info=pikepdf.String(profile.description),
                RegistryName=pikepdf.String(ICC_REGISTRY),
                DestOutputProfile=destination,
            )
        ]
    )


def set_pdfx_metadata(pdf: pikepdf.Pdf, standard: Standard, fingerprint: bytes) -> None:
    """Info keys and XMP packet for ``standard``; ids derive from ``fingerprint``.

    The dates must already be in the Info dictionary (the layout template's
    dcterms.created/modified meta tags put them there).
    """
    import pikepdf
    from pikepdf import Name

    info = pdf.docinfo
    for key in ("/CreationDate", "/ModDate", "/Title"):
        if key not in info:
            raise LayoutError(
                f"the PDF has no {key[1:]}: the layout template must set <title> and the "
                "dcterms.created / dcterms.modified meta tags"
            )
    info.GTS_PDFXVersion = pikepdf.String(standard.name)
    if standard is PDF_X1A:
        # X-1a:2003 readers look at GTS_PDFXVersion; older ones also at the conformance key.
        info.GTS_PDFXConformance = pikepdf.String(standard.name)
    elif "/GTS_PDFXConformance" in info:
        del info.GTS_PDFXConformance
    info.Trapped = Name("/False")
    document_id = uuid.uuid5(ID_NAMESPACE, "document:" + fingerprint.hex())
    instance_id = uuid.uuid5(ID_NAMESPACE, f"instance:{standard.key}:{fingerprint.hex()}")
    packet = xmp_packet(
        standard,
        title=str(info.Title),
        author=str(info.get("/Author", "")),
        creator_tool=str(info.get("/Creator", "")),
        producer=str(info.get("/Producer", "")),
        created=xmp_date(str(info.CreationDate)),
        modified=xmp_date(str(info.ModDate)),
        document_id=f"uuid:{document_id}",
        instance_id=f"uuid:{instance_id}",
    )
    # Left uncompressed, as PDF/X-4 and PDF/A readers expect of XMP.
    pdf.Root.Metadata = pdf.make_stream(packet, Type=Name.Metadata, Subtype=Name.XML)


XMP_IDS = re.compile(r"<(xmpMM:(?:DocumentID|InstanceID))>uuid:([0-9a-f-]+)</\1>")


# The PDF Info key in which a press build records, as JSON, what preflight should know
# of the job: its inks, whether black overprints, the small-type size of the layout.
PRESS_RECORD_KEY = "/CompositorPress"


def record_press_settings(pdf: pikepdf.Pdf, settings: dict) -> None:
    import json

    pdf.docinfo[PRESS_RECORD_KEY] = json.dumps(settings, sort_keys=True)


def renew_identity(pdf: pikepdf.Pdf, derivation: str) -> None:
    """Give a file made from a PDF/X file (its booklet sheets) an identity of its own: new
    XMP DocumentID and InstanceID, derived from the old ones and ``derivation`` (so the
    same input still gives the same bytes), and no trailer /ID, which saving derives
    from the new content. A print shop tells two outputs apart by these ids."""
    if "/ID" in pdf.trailer:
        del pdf.trailer.ID
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return
    packet = metadata.read_bytes().decode("utf-8")

    def renewed(match: re.Match) -> str:
        key, old = match.group(1), match.group(2)
        new = uuid.uuid5(ID_NAMESPACE, f"{derivation}:{old}")
        return f"<{key}>uuid:{new}</{key}>"

    metadata.write(XMP_IDS.sub(renewed, packet).encode("utf-8"))


def xmp_packet(
    standard: Standard,
    *,
    title: str,
    author: str,
    creator_tool: str,
    producer: str,
    created: str,
    modified: str,
    document_id: str,
    instance_id: str,
) -> bytes:
    if standard is PDF_X4:
        version = f"<pdfxid:GTS_PDFXVersion>{standard.name}</pdfxid:GTS_PDFXVersion>"
    else:
        version = (
            f"<pdfx:GTS_PDFXVersion>{standard.name}</pdfx:GTS_PDFXVersion>"
            f"<pdfx:GTS_PDFXConformance>{standard.name}</pdfx:GTS_PDFXConformance>"
        )
    creator = f"<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>"
    body = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/"
 xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
{creator if author else ""}
<xmp:CreateDate>{created}</xmp:CreateDate>
<xmp:ModifyDate>{modified}</xmp:ModifyDate>
<xmp:MetadataDate>{modified}</xmp:MetadataDate>
<xmp:CreatorTool>{escape(creator_tool)}</xmp:CreatorTool>
<xmpMM:DocumentID>{document_id}</xmpMM:DocumentID>
<xmpMM:InstanceID>{instance_id}</xmpMM:InstanceID>
<xmpMM:VersionID>1</xmpMM:VersionID>
<xmpMM:RenditionClass>default</xmpMM:RenditionClass>
<pdf:Producer>{escape(producer)}</pdf:Producer>
<pdf:Trapped>False</pdf:Trapped>
{version}
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>
"""
    return body.encode("utf-8")


def xmp_date(pdf_date: str) -> str:
    """``D:20221018000000Z`` (or ``+08'00'``) → ``2022-10-18T00:00:00Z`` (or ``+08:00``)."""
    match = PDF_DATE.match(pdf_date)
    if not match:
        raise LayoutError(f"the PDF's date {pdf_date!r} is not a full PDF date")
    year, month, day, hour, minute, second, _zulu, sign, tz_hour, tz_minute = match.groups()
    zone = f"{sign}{tz_hour}:{tz_minute}" if sign else "Z"
    return f"{year}-{month}-{day}T{hour}:{minute}:{second}{zone}"


def fingerprint(*parts: bytes) -> bytes:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.digest()
