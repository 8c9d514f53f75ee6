"""Press output: the same issue as the screen PDF, as a PDF/X file a printer accepts as is.

Two steps, around WeasyPrint:

1. before rendering, ``PressJob.prepare`` adds the press CSS — the bleed, and
   ``--bleed`` for designers — to a document rendered with CMYK colours
   (``render_html(press=True)``); ``PressJob.variant`` is the WeasyPrint variant
   that gives the right PDF version and font embedding;
2. after rendering, ``make_press_pdf`` turns WeasyPrint's labelled PDF into a real
   PDF/X: colours in CMYK only, exact Trim/Bleed/Media boxes, crop marks outside the
   bleed, no annotations in the page area, fonts embedded as the standard allows,
   no transparency in X-1a, the OutputIntent with its ICC profile, and metadata whose
   ids derive from the content.

Designers: a background that should bleed off the edge extends past the trim by
``var(--bleed, 0mm)``, e.g. ``margin-top: calc(-26mm - var(--bleed, 0mm))`` for a band
at the head of a page whose top margin is 26 mm; ``--bleed`` is 0 on screen.
"""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Name

from compositor.layout import MANIFEST, Layout
from compositor.press.cmyk import CmykConverter, PressRefused, convert_to_cmyk
from compositor.press.icc import OutputProfile, load_output_profile
from compositor.press.inks import inks_by_page
from compositor.press.overprint import overprint_black
from compositor.press.pdfsave import save_reproducibly
from compositor.press.pdfwalk import Parts, walk
from compositor.press.pdfx import (
    STANDARDS,
    Standard,
    fingerprint,
    record_press_settings,
    set_output_intent,
    set_pdfx_metadata,
)
from compositor.press.pictures import record_picture_names
from compositor.press.spot import (
    BLACK_AND_SPOT,
    INK_CHOICES,
    SpotInk,
    keep_to_inks,
    paint_spots,
)
from compositor.press.structure import (
    TAGGED_STANDARDS,
    is_tagged,
    unlink_removed_annotations,
    with_pdfua,
)
from compositor.press.trim import PageBoxes, Rect, add_crop_marks, page_boxes, set_boxes
from compositor.render.html import Rendered

MAX_BLEED_MM = 20.0
# Annotations printers keep: trap networks and printer's marks. Links and the like are
# not allowed in the page area of a PDF/X file and mean nothing on paper.
PRINTING_ANNOTATIONS = (Name.TrapNet, Name.PrinterMark)
NO_MASK = Name("/None")


@dataclass(frozen=True)
class PressSettings:
    """What the command line asks for; unset values come from the layout."""

    pdf_x: str = "4"  # "4" (PDF/X-4) or "1a" (PDF/X-1a:2003)
    marks: bool = False
    bleed_mm: float | None = None
    inks: str | None = None  # "process" or "black,spot" (spot.INK_CHOICES)
    convert_to_inks: bool = False  # two-colour: other colours become black, not an error
    allow_low_res: bool = False  # print pictures under 150 ppi anyway (layout/resolution.py)
    profile: Path | None = None  # the shop's CMYK profile (--profile), over the layout's
    overprint_black: bool = True  # 100 % K text and rules overprint (--no-overprint-black)


@dataclass(frozen=True)
class PressJob:
    """Press settings resolved against a layout: everything a press build needs."""

    standard: Standard
    bleed_mm: float
    boxes: PageBoxes
    profile: OutputProfile
    max_ink: float = 300.0  # percent, the layout's total area coverage limit
    spots: tuple[SpotInk, ...] = ()  # a two-colour job's spot inks; () for four-colour
    convert_to_inks: bool = False
    overprint_black: bool = True
    small_text_pt: float = 12.0  # recorded for preflight: the layout's small type

    @classmethod
    def plan(cls, settings: PressSettings, layout: Layout) -> PressJob:
        manifest = layout.folder / MANIFEST
        if settings.pdf_x not in STANDARDS:
            raise PressRefused(
                f"unknown PDF/X variant {settings.pdf_x!r}: choose one of {', '.join(STANDARDS)}"
            )
        inks = settings.inks or layout.press.inks
        if inks not in INK_CHOICES:
            raise PressRefused(f"unknown inks {inks!r}: choose one of {', '.join(INK_CHOICES)}")
        if settings.convert_to_inks and inks != BLACK_AND_SPOT:
            raise PressRefused("--convert-to-inks goes with --inks black,spot")
        spots = spot_inks(layout) if inks == BLACK_AND_SPOT else ()
        if inks == BLACK_AND_SPOT and not spots:
            raise PressRefused(
                "a black-and-spot job needs a spot ink: name one in layout.toml [colours], "
                'e.g. red = { spot = "PANTONE 485 C", cmyk = [0, 95, 100, 0], rgb = "#e50012" }'
            )
        bleed = layout.press.bleed_mm if settings.bleed_mm is None else settings.bleed_mm
        if not 0 <= bleed <= MAX_BLEED_MM:
            raise PressRefused(f"bleed must be between 0 and {MAX_BLEED_MM:g} mm, not {bleed}")
        if settings.profile is not None:
            profile = load_output_profile(settings.profile)
        else:
            profile = load_output_profile(layout.press.icc_profile, named_in=manifest)
        # A registered condition comes with its paper's ink limit; a custom one takes the
        # layout's (the printer's figure).
        max_ink = profile.condition.max_ink or layout.press.max_ink
        return cls(
            standard=STANDARDS[settings.pdf_x],
            bleed_mm=float(bleed),
            boxes=page_boxes(layout.page_width_mm, layout.page_height_mm, bleed, settings.marks),
            profile=profile,
            max_ink=float(max_ink),
            spots=spots,
            convert_to_inks=settings.convert_to_inks,
            overprint_black=settings.overprint_black,
            small_text_pt=float(layout.press.small_text_pt),
        )

    @property
    def variant(self) -> str:
        return self.standard.weasyprint_variant

    @property
    def tagged(self) -> bool:
        """PDF/X-4 keeps the structure tree (PDF/UA-1 too); X-1a is untagged by nature."""
        return self.standard.key in TAGGED_STANDARDS

    @property
    def css(self) -> str:
        bleed = f"{self.bleed_mm:g}mm"
        return f"@page {{ bleed: {bleed}; }}\n:root {{ --bleed: {bleed}; }}\n"

    def prepare(self, rendered: Rendered) -> Rendered:
        """The press CSS added to a document rendered with ``press=True`` colours."""
        return dataclasses.replace(rendered, css=rendered.css + self.css)

    @property
    def record(self) -> dict:
        """What preflight should know of the job (pdfx.PRESS_RECORD_KEY)."""
        return {
            "inks": BLACK_AND_SPOT if self.spots else "process",
            "overprint_black": self.overprint_black,
            "small_text_pt": self.small_text_pt,
        }

    def describe(self) -> str:
        marks = ", crop marks" if self.boxes.marks else ""
        inks = ", black + " + " + ".join(s.name for s in self.spots) if self.spots else ""
        condition = self.profile.condition
        registered = f" ({condition.identifier})" if condition.registered else ""
        overprint = "" if self.overprint_black else ", black knocks out"
        return (
            f"{self.standard.name}{inks}, {self.bleed_mm:g} mm bleed{marks}{overprint}, "
            f"output profile {self.profile.description!r}{registered}, "
            f"ink limit {self.max_ink:g} %"
        )


def make_press_pdf(
    pdf_bytes: bytes, job: PressJob, pictures: dict[str, str] | None = None
) -> bytes:
    """WeasyPrint's PDF (rendered from ``job.prepare``'d HTML) → the PDF/X file.
    ``pictures``: which file and article each image is (pictures.picture_names), kept
    in the file for preflight's messages."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        check_trim_size(pdf, job.boxes.trim)
        tagged = is_tagged(pdf)  # PDF/X-4 keeps the screen edition's tags (issue 28)
        remove_annotations(pdf)
        if tagged:
            unlink_removed_annotations(pdf)
        parts = walk(pdf)
        convert_to_cmyk(parts, CmykConverter(job.profile))
        if job.spots:
            paint_spots(pdf, parts, job.spots)
            keep_to_inks(parts, job.spots, convert=job.convert_to_inks)
        if job.overprint_black:
            overprint_black(pdf, walk(pdf))
        check_total_ink(walk(pdf), job.max_ink)
        check_fonts(parts, job.standard)
        if not job.standard.allows_transparency:
            remove_transparency(parts)
        for page in pdf.pages:
            set_boxes(page, job.boxes)
            if job.boxes.marks:
                add_crop_marks(page, job.boxes, artifact=tagged)
        set_output_intent(pdf, job.profile)
        record_picture_names(pdf.docinfo, pictures or {})
        record_press_settings(pdf, job.record)
        identity = fingerprint(
            bytes(pdf.trailer.ID[0]) if "/ID" in pdf.trailer else pdf_bytes,
            job.describe().encode("utf-8"),
            job.profile.data,
        )
        set_pdfx_metadata(pdf, job.standard, identity)
        if tagged:
            packet = pdf.Root.Metadata.read_bytes()
            pdf.Root.Metadata.write(with_pdfua(packet))
        return save_reproducibly(pdf, version=job.standard.pdf_version)


def spot_inks(layout: Layout) -> tuple[SpotInk, ...]:
    """The layout's spot inks, one per name (two colours naming one ink must agree)."""
    inks: dict[str, SpotInk] = {}
    for colour in layout.colours:
        if colour.spot is None:
            continue
        c, m, y, k = colour.cmyk
        ink = SpotInk(colour.spot, (c / 100, m / 100, y / 100, k / 100))
        if inks.setdefault(ink.name, ink) != ink:
            raise PressRefused(
                f"two colours name the spot ink {ink.name!r} with different CMYK values: "
                "give them the same cmyk in layout.toml [colours]"
            )
    return tuple(inks.values())


def check_total_ink(parts: Parts, max_ink: float) -> None:
    """No colour may carry more ink than the paper takes (the layout's ``max_ink``)."""
    for page, inks in sorted(inks_by_page(parts).items()):
        if inks.total > max_ink + 0.5:  # colours are rounded to 1/10000
            raise PressRefused(
                f"page {page} ({inks.heaviest}): {inks.total:.0f} % total ink, above the "
                f"limit of {max_ink:g} % (the registered output condition's, or layout.toml "
                "[press] max_ink): use a lighter colour, or raise the limit to the "
                "printer's figure"
            )


def check_trim_size(pdf: pikepdf.Pdf, trim: Rect) -> None:
    """The layout's CSS @page size must be the size its manifest declares."""
    for number, page in enumerate(pdf.pages, start=1):
        rendered = Rect.of(page.obj.get("/TrimBox", page.obj.MediaBox))
        if not rendered.same_as(trim):
            raise PressRefused(
                f"page {number} is {rendered.width:.2f} × {rendered.height:.2f} pt but the "
                f"layout declares {trim.width:.2f} × {trim.height:.2f} pt: the CSS @page size "
                "and layout.toml [page] must agree"
            )


def remove_annotations(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = [a for a in annotations if a.get("/Subtype") in PRINTING_ANNOTATIONS]
        if kept:
            page.obj.Annots = pikepdf.Array(kept)
        else:
            del page.obj.Annots
    if "/AcroForm" in pdf.Root:
        del pdf.Root.AcroForm


def check_fonts(parts: Parts, standard: Standard) -> None:
    """No Type 3 fonts; OpenType programs re-embedded as bare CFF for PDF 1.4 (X-1a)."""
    for font in parts.fonts:
        if font.obj.get("/Subtype") == Name.Type3:
            raise PressRefused(
                f"page {font.page}: font {font.name} is a Type 3 (bitmap) font; press output "
                "needs outline fonts: use the shipped fonts"
            )
        if not standard.allows_opentype_fonts:
            for descendant in font.obj.get("/DescendantFonts", []):
                _embed_bare_cff(descendant, font.page)


def _embed_bare_cff(cid_font: pikepdf.Object, page: int) -> None:
    """FontFile3/OpenType (PDF 1.6) → FontFile3/CIDFontType0C (PDF 1.3): the same CFF."""
    descriptor = cid_font.get("/FontDescriptor")
    program = descriptor.get("/FontFile3") if descriptor is not None else None
    if program is None or program.get("/Subtype") != Name.OpenType:
        return
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(program.read_bytes()))
    if "CFF " not in font or not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
        raise PressRefused(
            f"page {page}: font {cid_font.get('/BaseFont')} is not a CID-keyed CFF font, "
            "which PDF/X-1a (PDF 1.4) cannot embed: use --pdf-x 4"
        )
    program.write(cff_with_cids_as_glyph_ids(font))
    program.Subtype = Name.CIDFontType0C


def cff_with_cids_as_glyph_ids(font) -> bytes:
    """The font's CFF table, renumbered so that CID n is glyph n.

    WeasyPrint writes glyph ids as character codes (Identity encoding). An OpenType
    program is read by glyph id, but a bare CFF is read through its charset, which in a
    subset maps glyph n to the original font's CID. Renaming glyph n to "cid n" makes
    both readings agree; the outlines are untouched.
    """
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    order = font.getGlyphOrder()
    renamed = {name: f"cid{gid:05d}" if gid else ".notdef" for gid, name in enumerate(order)}
    top.CharStrings.charStrings = {
        renamed[name]: index for name, index in top.CharStrings.charStrings.items()
    }
    top.charset = [renamed[name] for name in order]
    out = io.BytesIO()
    cff.compile(out, font)
    return out.getvalue()


def remove_transparency(parts: Parts) -> None:
    """PDF/X-1a has no transparency: refuse real transparency, drop unused groups."""
    for state in parts.states:
        alpha = [float(state.obj.get(key, 1)) for key in ("/CA", "/ca")]
        mask = state.obj.get("/SMask", NO_MASK)
        blend = state.obj.get("/BM", Name.Normal)
        if min(alpha) < 1 or mask != NO_MASK or blend not in (Name.Normal, Name.Compatible):
            raise PressRefused(
                f"page {state.page}: transparency (opacity, soft mask or blend mode) is not "
                "allowed in PDF/X-1a: remove it from the layout or use --pdf-x 4"
            )
    for image in parts.images:
        if "/SMask" in image.obj or "/SMaskInData" in image.obj:
            raise PressRefused(
                f"page {image.page}: image {image.name} has an alpha channel, which PDF/X-1a "
                "does not allow: flatten the image or use --pdf-x 4"
            )
    for group in parts.groups:
        # Opaque content in a transparency group prints the same without the group.
        del group.obj.Group
