"""Press preflight: is this PDF a PDF/X file a printer can print as is?

``check_press`` returns the findings for any PDF (ours or not); ``inspect_press``
also returns the summary a print shop reads first (standard, output intent, trim,
bleed, colour, fonts, transparency) and ``format_press_report`` prints both. The
rules are those of PDF/X-1a:2003 and PDF/X-4 that matter on press, plus this
project's own: CMYK only (no RGB anywhere, no Lab, soft masks and forms included),
black and grey text in K only, and no colour above the total ink limit (total area
coverage, C+M+Y+K plus spot inks; the layout's ``[press] max_ink``, 300 % by default).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Name

from compositor.errors import CompositorError
from compositor.i18n import N_, _
from compositor.layout.resolution import GOOD_PPI, LOWEST_PPI
from compositor.preflight.findings import ERROR, UNCHECKED, WARNING, Finding, Level
from compositor.preflight.press_paint import check_painting, objects_with_ink, recorded_settings
from compositor.preflight.press_plates import DPI, PREVIEW_DPI, check_plates, separate
from compositor.press.conditions import registered_limit
from compositor.press.icc import read_icc_header
from compositor.press.inks import PageInks, inks_by_page
from compositor.press.pdfwalk import (
    CMYK,
    GRAY,
    LAB,
    RGB,
    TEXT_SHOWING,
    UNKNOWN,
    ColourTracker,
    Parts,
    colour_family,
    walk,
)
from compositor.press.pictures import image_label, picture_labels
from compositor.press.placements import PlacedImage, placed_images
from compositor.press.trim import POINTS_PER_MM, Rect

if TYPE_CHECKING:  # the engines are imported when they run
    from compositor.preflight.engines import PageDifference

MIN_BLEED_MM = 3.0
MAX_PDF_VERSION = {"PDF/X-1a": "1.4", "PDF/X-4": "1.6"}
PRINTING_ANNOTATIONS = ("/TrapNet", "/PrinterMark")
NOT_COLOURS = (CMYK, GRAY, "Spot", "Pattern")  # what may print; anything else is a finding
RICH_BLACK_K = 0.9  # text at least this dark with C, M or Y added is rich black
PROCESS_GREY_SPREAD = 0.25  # C, M, Y within this of each other: a grey (grey balance)
DEFAULT_MAX_INK = 300.0  # percent: SWOP coated, the output intent used by default
XMP_PDFX4 = re.compile(r"pdfxid:GTS_PDFXVersion[^>]*>\s*PDF/X-4|pdfxid:GTS_PDFXVersion=\"PDF/X-4")
XMP_REQUIRED = ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass", "xmp:CreateDate")


class UnreadablePdf(CompositorError):
    """The file is not a PDF pikepdf can open (damaged, encrypted with a password, …)."""


@dataclass
class PressInspection:
    summary: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def unchecked(self) -> list[Finding]:
        """The checks that could not be made, each naming what is missing."""
        return [f for f in self.findings if f.severity == UNCHECKED]

    def add(self, page: int | None, rule: str, message: str, severity: Level = ERROR) -> None:
        self.findings.append(Finding(page, rule, message, level=severity))


def check_press(path: Path | str, max_ink: float | None = None) -> list[Finding]:
    """Every press finding for the PDF at ``path``; no finding of severity error = pass."""
    return inspect_press(path, max_ink).findings


def inspect_press(
    path: Path | str,
    max_ink: float | None = None,
    *,
    engines: bool = False,
    separations: bool = False,
    small_text_pt: float | None = None,
    inks: str | None = None,
    previews: Path | None = None,
) -> PressInspection:
    """The press findings and summary. ``max_ink``: the total area coverage limit in
    percent (the layout's ``max_ink``; None: the registered output condition's the file
    declares, else 300 %); ``engines`` also draws and reads every page with
    poppler, MuPDF and Ghostscript and compares them with pdfium (a few seconds);
    ``separations`` measures the plates Ghostscript separates (press_plates.py), and
    with ``inks`` "black,spot" (default: what the build recorded) fails ink on the
    process plates; ``small_text_pt``: the size under which type must be solid ink
    (default: the layout's, as the build recorded it, else 12); ``previews``: a folder
    to keep the plates in as PNG."""
    result = PressInspection()
    try:
        pdf = pikepdf.open(path)
    except (pikepdf.PdfError, OSError) as error:
        raise UnreadablePdf(_("cannot read the PDF: {error}").format(error=error), path) from None
    with pdf:
        standard = _check_identification(pdf, result)
        _check_output_intent(pdf, result)
        _check_boxes(pdf, result)
        if max_ink is None:
            max_ink = _declared_limit(pdf)
        parts = walk(pdf)
        labels = picture_labels(pdf.docinfo)  # issue 27: pictures by file and article
        _check_colour(parts, labels, result)
        _check_total_ink(parts, max_ink, labels, result)
        _check_fonts(parts, standard, result)
        _check_transparency(parts, standard, labels, result)
        _check_images(pdf, labels, result)  # issue 14: count, colour, ppi, transparency
        _check_annotations(pdf, result)
        everything = check_painting(pdf, result, small_text_pt)  # issue 27
        expected = inks or recorded_settings(pdf).inks
    if separations:
        plates = separate(Path(path), PREVIEW_DPI if previews else DPI, keep=previews)
        check_plates(plates, max_ink, expected, result, objects_with_ink(everything, labels))
    if engines:
        _check_engines(Path(path), result)
    return result


def _check_engines(path: Path, result: PressInspection) -> None:
    """A RIP is one of these engines: the file must draw the same in every one."""
    from compositor.preflight.engines import compare_engines

    agreeing, missing = [], []
    for engine in compare_engines(path):
        if not engine.available:
            missing.append(engine.engine)
            result.add(
                None,
                "engines",
                _(
                    "{engine} is not installed, so this PDF was not drawn with it: "
                    "apt-get install {package}"
                ).format(engine=engine.engine, package=engine.package),
                UNCHECKED,
            )
            continue
        if engine.agrees:
            agreeing.append(engine.engine)
        for page in engine.different_pages:
            _report_page_difference(engine.engine, page, result)
        if engine.warnings:
            shown = "; ".join(engine.warnings[:3])
            more = (
                _(" (and {count} more)").format(count=len(engine.warnings) - 3)
                if len(engine.warnings) > 3
                else ""
            )
            said = _("{engine} warns: {warnings}{more}")
            result.add(
                None, "engines", said.format(engine=engine.engine, warnings=shown, more=more)
            )
        for problem in engine.text_problems:
            said = _("{engine} text: {problem}").format(engine=engine.engine, problem=problem)
            result.add(None, "engines", said)
    result.summary.append(("Engines", _engines_summary(agreeing, missing)))


def _report_page_difference(engine: str, page: PageDifference, result: PressInspection) -> None:
    """A page an engine draws in other shapes fails; the same shapes in another grey (a
    colour turned grey another way, e.g. four-colour black) are no glyph fault: warn."""
    share = f"{page.different:.1%}"
    if page.tone is None:
        said = _(
            "{engine} draws this page differently from pdfium ({share} of the page), "
            "in other shapes: glyphs missing or wrong?"
        )
        result.add(page.page, "engines", said.format(engine=engine, share=share))
        return
    if page.tone == "darker":
        said = _(
            "{engine} draws this page darker than pdfium ({share} of the page) but in the "
            "same shapes: the glyphs are there; the engine turns a colour grey another way"
        )
    else:
        said = _(
            "{engine} draws this page lighter than pdfium ({share} of the page) but in the "
            "same shapes: the glyphs are there; the engine turns a colour grey another way"
        )
    result.add(page.page, "engines", said.format(engine=engine, share=share), WARNING)


def _engines_summary(agreeing: list[str], missing: list[str]) -> str:
    said = [f"{', '.join(agreeing)} draw and read it as pdfium"] if agreeing else []
    if missing:
        said.append(f"not checked with {', '.join(missing)} (not installed)")
    return "; ".join(said) or "none agree"


# ----------------------------------------------------------------- identification


def _check_identification(pdf: pikepdf.Pdf, result: PressInspection) -> str | None:
    """Which PDF/X the file claims, and whether its keys say so correctly."""
    info = pdf.docinfo
    declared = str(info.get("/GTS_PDFXVersion", "")) or None
    xmp = _xmp(pdf)
    if XMP_PDFX4.search(xmp):
        declared = "PDF/X-4"
    standard = None
    if declared and declared.startswith("PDF/X-4"):
        standard = "PDF/X-4"
    elif declared and declared.startswith("PDF/X-1"):
        standard = "PDF/X-1a"
    result.summary.append(("Standard", f"{declared or 'none'} (PDF {pdf.pdf_version})"))
    if standard is None:
        said = _("not a PDF/X file: no GTS_PDFXVersion key (PDF/X-1a, -4)")
        result.add(None, "pdfx-version", said)
        return None
    if float(pdf.pdf_version) > float(MAX_PDF_VERSION[standard]):
        result.add(
            None,
            "pdf-version",
            _("{standard} allows PDF {most} at most, not {version}").format(
                standard=standard, most=MAX_PDF_VERSION[standard], version=pdf.pdf_version
            ),
        )
    if standard == "PDF/X-4":
        if not XMP_PDFX4.search(xmp):
            said = _("PDF/X-4 needs pdfxid:GTS_PDFXVersion in the XMP metadata")
            result.add(None, "xmp", said)
        for key in XMP_REQUIRED:
            if key not in xmp:
                result.add(None, "xmp", _("the XMP metadata has no {key}").format(key=key))
    for key in ("/Title", "/CreationDate", "/ModDate"):
        if key not in info:
            said = _("the document information has no {key}").format(key=key[1:])
            result.add(None, "info", said)
    if str(info.get("/Trapped", "")) not in ("/True", "/False"):
        result.add(None, "info", _("Trapped must be True or False"))
    if "/ID" not in pdf.trailer:
        result.add(None, "document-id", _("the trailer has no document /ID"))
    if pdf.is_encrypted:
        result.add(None, "encryption", _("the file is encrypted"))
    return standard


def _xmp(pdf: pikepdf.Pdf) -> str:
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return ""
    return metadata.read_bytes().decode("utf-8", errors="replace")


def _declared_limit(pdf: pikepdf.Pdf) -> float:
    """The ink limit of the registered output condition the file declares, else 300 %."""
    for intent in pdf.Root.get("/OutputIntents", []):
        identifier = str(intent.get("/OutputConditionIdentifier", ""))
        limit = registered_limit(identifier)
        if limit is not None:
            return limit
    return DEFAULT_MAX_INK


def _check_output_intent(pdf: pikepdf.Pdf, result: PressInspection) -> None:
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == Name.GTS_PDFX]
    if len(intents) != 1:
        result.summary.append(("Output intent", "none"))
        said = _("{count} GTS_PDFX OutputIntents instead of 1").format(count=len(intents))
        result.add(None, "output-intent", said)
        return
    intent = intents[0]
    condition = str(intent.get("/OutputConditionIdentifier", ""))
    if not condition:
        said = _("the OutputIntent has no OutputConditionIdentifier")
        result.add(None, "output-intent", said)
    profile = intent.get("/DestOutputProfile")
    if profile is None:
        result.summary.append(("Output intent", f"{condition} (no embedded profile)"))
        if condition in ("", "Custom") or "/RegistryName" not in intent:
            result.add(
                None,
                "output-intent",
                _("no DestOutputProfile: a custom printing condition needs its ICC profile"),
            )
        return
    header = read_icc_header(profile.read_bytes())
    name = str(intent.get("/Info", "")) or str(intent.get("/OutputCondition", "")) or condition
    if header is None:
        result.summary.append(("Output intent", f"{name} (not an ICC profile)"))
        result.add(None, "output-intent", _("the DestOutputProfile is not an ICC profile"))
        return
    result.summary.append(
        (
            "Output intent",
            f"{name} — {condition}, {header.colour_space} {header.device_class} profile "
            f"(ICC {header.version}), embedded",
        )
    )
    if header.colour_space != "CMYK":
        said = _("the output profile is {space}, not CMYK").format(space=header.colour_space)
        result.add(None, "output-intent", said)
    if header.device_class != "prtr":
        result.add(
            None,
            "output-intent",
            _("the output profile is a {kind!r} profile, not an output ('prtr') one").format(
                kind=header.device_class
            ),
        )


# ------------------------------------------------------------------------- boxes


def _check_boxes(pdf: pikepdf.Pdf, result: PressInspection) -> None:
    trims, bleeds, medias = set(), set(), set()
    for number, page in enumerate(pdf.pages, start=1):
        obj = page.obj
        if "/TrimBox" not in obj and "/ArtBox" not in obj:
            result.add(number, "boxes", _("no TrimBox"))
            continue
        if "/TrimBox" in obj and "/ArtBox" in obj:
            result.add(number, "boxes", _("both a TrimBox and an ArtBox"))
        trim = Rect.of(obj.TrimBox if "/TrimBox" in obj else obj.ArtBox)
        media = Rect.of(obj.MediaBox)
        bleed = Rect.of(obj.BleedBox) if "/BleedBox" in obj else trim
        if "/BleedBox" not in obj:
            result.add(number, "boxes", _("no BleedBox"))
        if not (media.contains(bleed) and bleed.contains(trim)):
            result.add(number, "boxes", _("boxes not nested: TrimBox ⊆ BleedBox ⊆ MediaBox"))
        margins = (trim.x0 - bleed.x0, trim.y0 - bleed.y0, bleed.x1 - trim.x1, bleed.y1 - trim.y1)
        bleeds.add(tuple(round(m / POINTS_PER_MM, 1) for m in margins))
        if min(margins) < MIN_BLEED_MM * POINTS_PER_MM - 0.01:
            result.add(
                number,
                "bleed",
                _("bleed {bleed} mm, less than {least} mm").format(
                    bleed=f"{min(margins) / POINTS_PER_MM:.1f}", least=f"{MIN_BLEED_MM:g}"
                ),
                WARNING,
            )
        trims.add(_size_mm(trim))
        medias.add(_size_mm(media))
    result.summary.append(("Pages", str(len(pdf.pages))))
    result.summary.append(("Trim size", _one_or_many(trims, "mm")))
    result.summary.append(("Bleed", _bleed_text(bleeds)))
    result.summary.append(("Media size", _one_or_many(medias, "mm")))
    if len(trims) > 1:
        said = _("pages have different trim sizes: {sizes}").format(sizes=sorted(trims))
        result.add(None, "boxes", said)


def _size_mm(rect: Rect) -> str:
    return f"{rect.width / POINTS_PER_MM:.1f} × {rect.height / POINTS_PER_MM:.1f}"


def _one_or_many(values: set[str], unit: str) -> str:
    if len(values) == 1:
        return f"{next(iter(values))} {unit}, every page"
    return "; ".join(f"{v} {unit}" for v in sorted(values)) or "—"


def _bleed_text(bleeds: set[tuple[float, ...]]) -> str:
    if len(bleeds) == 1:
        margins = next(iter(bleeds))
        if len(set(margins)) == 1:
            return f"{margins[0]:g} mm on every side, every page"
        return "left {:g}, bottom {:g}, right {:g}, top {:g} mm".format(*margins)
    return "varies between pages" if bleeds else "—"


# ------------------------------------------------------------------------ colour


def _check_colour(parts: Parts, labels: dict[str, str], result: PressInspection) -> None:
    # The same problem repeats per glyph run or path: report it once per page, with a count.
    seen: Counter = Counter()

    def report(page: int, rule: str, message: str, severity: Level = ERROR) -> None:
        seen[(page, rule, message, severity)] += 1

    for content in parts.contents:
        tracker = ColourTracker(content.resources)
        for instruction in content.instructions():
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                inline_space = instruction.iimage.colorspace
                if inline_space is None:  # a stencil mask (BI /IM true): the fill colour
                    continue
                family = colour_family(Name(inline_space), content.resources)
                if family not in NOT_COLOURS:
                    said = _("{where}: inline image").format(where=content.where)
                    report(content.page, _colour_rule(family), said)
                continue
            operator = str(instruction.operator)
            paint = tracker.step(instruction.operands, operator)
            if paint is not None and paint.family not in NOT_COLOURS:
                said = (
                    _("{where}: {family} stroke colour ({operator})")
                    if paint.stroke
                    else _("{where}: {family} fill colour ({operator})")
                )
                report(
                    content.page,
                    _colour_rule(paint.family),
                    said.format(where=content.where, family=paint.family, operator=operator),
                )
            if operator in TEXT_SHOWING:
                _check_text_colour(tracker.fill, content, report)
    for image in parts.images:
        family = colour_family(image.obj.get("/ColorSpace"), image.resources)
        if not image.obj.get("/ImageMask", False) and family not in NOT_COLOURS:
            label = image_label(image.name, labels)
            report(
                image.page,
                _colour_rule(family),
                _("{image} is {family}").format(image=label, family=family),
            )
    for shading in parts.shadings:
        family = colour_family(shading.obj.get("/ColorSpace"), shading.resources)
        if family not in NOT_COLOURS:
            said = _("gradient {name} is {family}").format(name=shading.name, family=family)
            report(shading.page, _colour_rule(family), said)
    for group in parts.groups:
        space = group.obj.Group.get("/CS")
        family = colour_family(space, group.resources) if space is not None else CMYK
        if family not in NOT_COLOURS:
            said = _("{name}: {family} blending space").format(name=group.name, family=family)
            report(group.page, _colour_rule(family), said)
    for (page, rule, message, severity), count in seen.items():
        times = _(" ({count} times)").format(count=count) if count > 1 else ""
        result.add(page, rule, message + times, severity)
    errors = sum(1 for *_, severity in seen if severity == ERROR)
    result.summary.append(
        ("Colour", "CMYK only" if not errors else f"not CMYK only ({errors} findings)")
    )


def _check_text_colour(fill, content, report) -> None:
    if fill.family == CMYK and len(fill.values) == 4:
        c, m, y, k = fill.values
        colour = f"C{c:.0%} M{m:.0%} Y{y:.0%} K{k:.0%}"
        if k >= RICH_BLACK_K and max(c, m, y) > 0:
            report(
                content.page,
                "rich-black-text",
                _("{where}: text in {colour}; black text must be K only").format(
                    where=content.where, colour=colour
                ),
            )
        elif _process_grey(c, m, y, k):
            # Fine type on several plates misregisters; a grey needs only the black one.
            report(
                content.page,
                "cmy-text",
                _("{where}: text in {colour}; grey and black text must be K only").format(
                    where=content.where, colour=colour
                ),
            )
    elif fill.family == GRAY:
        said = _("{where}: text in DeviceGray").format(where=content.where)
        report(content.page, "grey-text", said, WARNING)


def _check_total_ink(
    parts: Parts, max_ink: float, labels: dict[str, str], result: PressInspection
) -> None:
    """Total area coverage (the heaviest colour on each page) and the inks of each page."""
    pages = inks_by_page(parts, labels)
    for page, inks in sorted(pages.items()):
        if inks.total > max_ink + 0.5:  # colours are rounded to 1/10000 when written
            result.add(
                page,
                "total-ink",
                _("{colour}: {total} % total ink, above the {limit} % limit").format(
                    colour=inks.heaviest, total=f"{inks.total:.0f}", limit=f"{max_ink:g}"
                ),
            )
    top = max((inks.total for inks in pages.values()), default=0.0)
    result.summary.append(("Total ink", f"{top:.0f} % at most (limit {max_ink:g} %)"))
    every = PageInks({ink for inks in pages.values() for ink in inks.inks})
    result.summary.append(("Inks", ", ".join(every.names()) or "none"))
    for page, inks in sorted(pages.items()):
        result.summary.append((f"  page {page}", ", ".join(inks.names()) or "no ink"))


def _process_grey(c: float, m: float, y: float, k: float) -> bool:
    """A grey or black built from process inks: C, M and Y in near balance (a grey of
    three inks), or black with some C, M or Y added. A colour (red M+Y, a blue with a
    touch of K) is not one."""
    cmy = (c, m, y)
    balanced = min(cmy) > 0 and max(cmy) - min(cmy) <= PROCESS_GREY_SPREAD
    return balanced or (0 < max(cmy) <= k)


def _colour_rule(family: str) -> str:
    return {RGB: "rgb", LAB: "lab", UNKNOWN: "colour-space"}.get(family, "colour-space")


# ------------------------------------------------------------------------- fonts


def _check_fonts(parts: Parts, standard: str | None, result: PressInspection) -> None:
    embedded, problems = 0, 0
    for font in parts.fonts:
        name = str(font.obj.get("/BaseFont", font.name)).lstrip("/")
        if font.obj.get("/Subtype") == Name.Type3:
            result.add(font.page, "fonts", _("{font} is a Type 3 font").format(font=name))
            problems += 1
            continue
        descriptors = [d.get("/FontDescriptor") for d in font.obj.get("/DescendantFonts", [])]
        descriptors = descriptors or [font.obj.get("/FontDescriptor")]
        for descriptor in descriptors:
            keys = ("/FontFile", "/FontFile2", "/FontFile3")
            found = [descriptor.get(k) for k in keys] if descriptor is not None else []
            files = [f for f in found if f is not None]
            if not files:
                result.add(font.page, "fonts", _("{font} is not embedded").format(font=name))
                problems += 1
                continue
            embedded += 1
            opentype = any(f.get("/Subtype") == Name.OpenType for f in files)
            if opentype and standard == "PDF/X-1a":
                result.add(
                    font.page,
                    "fonts",
                    _("{font}: OpenType font program needs PDF 1.6, not X-1a").format(font=name),
                )
                problems += 1
    status = f"{embedded} embedded" + (f", {problems} problems" if problems else ", no Type 3")
    result.summary.append(("Fonts", status))


# ------------------------------------------------------------------ transparency


def _check_transparency(
    parts: Parts, standard: str | None, labels: dict[str, str], result: PressInspection
) -> None:
    uses = []
    for state in parts.states:
        alpha = min(float(state.obj.get(key, 1)) for key in ("/CA", "/ca"))
        mask = state.obj.get("/SMask", Name("/None"))
        blend = state.obj.get("/BM", Name.Normal)
        if alpha < 1:
            said = _("opacity {alpha} in graphics state {state}")
            uses.append((state.page, said.format(alpha=f"{alpha:g}", state=state.name)))
        if mask != Name("/None"):
            said = _("soft mask in graphics state {state}").format(state=state.name)
            uses.append((state.page, said))
        if blend not in (Name.Normal, Name.Compatible):
            said = _("blend mode {blend} in graphics state {state}")
            uses.append((state.page, said.format(blend=blend, state=state.name)))
    for image in parts.images:
        if "/SMask" in image.obj:
            label = image_label(image.name, labels)
            uses.append((image.page, _("{image} has a soft mask (alpha)").format(image=label)))
    for group in parts.groups:
        if group.obj.Group.get("/S") == Name.Transparency:
            said = _("{name} is a transparency group").format(name=group.name)
            uses.append((group.page, said))
    result.summary.append(("Transparency", f"{len(uses)} uses" if uses else "none"))
    if standard == "PDF/X-1a":
        for page, message in uses:
            said = _("{use}: PDF/X-1a allows no transparency").format(use=message)
            result.add(page, "transparency", said)


# ------------------------------------------------------------------- annotations


def _check_images(pdf: pikepdf.Pdf, labels: dict[str, str], result: PressInspection) -> None:
    """One line per image drawn: its pixels, colour, effective ppi and transparency.

    Under 150 ppi prints visibly coarse (an error), under 300 ppi soft (a warning);
    an RGB image is already an error of the colour check.
    """
    placed = [p for p in placed_images(pdf) if not p.obj.get("/ImageMask", False)]
    # an image drawn twice counts at its largest; by objgen, or id() of a direct object
    lowest: dict[tuple[int, int] | int, PlacedImage] = {}
    for image in placed:
        key = image.obj.objgen if image.obj.is_indirect else id(image.obj)
        if key not in lowest or image.ppi < lowest[key].ppi:
            lowest[key] = image
    families = Counter(
        colour_family(i.obj.get("/ColorSpace"), i.resources) for i in lowest.values()
    )
    described = ", ".join(f"{count} {family}" for family, count in sorted(families.items()))
    result.summary.append(("Images", f"{len(lowest)} ({described})" if lowest else "none"))
    for n, image in enumerate(lowest.values(), start=1):
        family = colour_family(image.obj.get("/ColorSpace"), image.resources)
        alpha = "soft mask (alpha)" if "/SMask" in image.obj else "opaque"
        width, height = image.pixels
        result.summary.append(
            (
                f"  image {n}",
                f"page {image.page}, {image_label(image.name, labels)}, {width}×{height} px, "
                f"{family}, {image.ppi:.0f} ppi, {alpha}",
            )
        )
        where = f"{image_label(image.name, labels)} ({width}×{height} px)"
        if image.ppi < LOWEST_PPI:
            result.add(
                image.page,
                "image-resolution",
                _("{image} prints at {ppi} ppi, under {lowest}: visibly coarse").format(
                    image=where, ppi=f"{image.ppi:.0f}", lowest=LOWEST_PPI
                ),
            )
        elif image.ppi < GOOD_PPI:
            result.add(
                image.page,
                "image-resolution",
                _("{image} prints at {ppi} ppi, under {good}: may look soft").format(
                    image=where, ppi=f"{image.ppi:.0f}", good=GOOD_PPI
                ),
                WARNING,
            )


def _check_annotations(pdf: pikepdf.Pdf, result: PressInspection) -> None:
    """PDF/X: no annotation in the printed area but trap networks and printer's marks."""
    for number, page in enumerate(pdf.pages, start=1):
        obj = page.obj
        bleed = Rect.of(obj.get("/BleedBox", obj.get("/TrimBox", obj.MediaBox)))
        inside: Counter[str] = Counter()
        coloured: Counter[str] = Counter()
        for annotation in obj.get("/Annots", []):
            subtype = str(annotation.get("/Subtype", "")).lstrip("/")
            if f"/{subtype}" in PRINTING_ANNOTATIONS or "/Rect" not in annotation:
                continue
            if _overlaps(Rect.of(annotation.Rect), bleed):
                inside[subtype] += 1
            colour = annotation.get("/C")
            if colour is not None and len(colour) == 3:
                coloured[subtype] += 1
        for subtype, count in inside.items():
            said = _("{count} {kind} annotations in the page area")
            result.add(number, "annotations", said.format(count=count, kind=subtype))
        for subtype, count in coloured.items():
            said = _("{count} {kind} annotations have an RGB colour")
            result.add(number, "rgb", said.format(count=count, kind=subtype))


def _overlaps(a: Rect, b: Rect) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


# ------------------------------------------------------------------------ report


def format_press_report(path: Path | str, inspection: PressInspection) -> str:
    """The report as printed by ``compositor preflight --press``, without its verdict
    (``verdict``: one line for the whole run, typesetting included)."""
    lines = [_("Press preflight (PDF/X): {path}").format(path=path), ""]
    width = max(len(label) for label, _ in inspection.summary) + 2
    lines += [f"  {label + ':':<{width}} {value}" for label, value in inspection.summary]
    lines.append("")
    for finding in sorted(inspection.findings, key=lambda f: f.page or 0):
        where = _("page {page}").format(page=finding.page) if finding.page else _("document")
        level = _(REPORT_LEVELS[finding.severity])
        # columns padded by display width: a Chinese character takes two
        lines.append(f"  {_pad(level, 7)} {_pad(where, 9)} {finding.rule:<16} {finding.message}")
    return "\n".join(lines).rstrip("\n")


# The level column of the press report, in capitals as print shops' tools print it.
REPORT_LEVELS = {
    ERROR: N_("ERROR"),
    WARNING: N_("WARNING"),
    Level.INFO: N_("INFO"),
    UNCHECKED: N_("UNCHECKED"),
}


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (Han characters take two)."""
    columns = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(width - columns, 0)


def verdict(inspection: PressInspection, typesetting_errors: int = 0) -> str:
    """The one verdict of ``preflight --press``: PASS only when neither the press checks
    (engines included) nor the typesetting checks found an error. Its first word and
    the exit status always agree; two verdicts, one per report, once said PASS above a
    FAIL for the same file."""
    errors = sum(f.severity == ERROR for f in inspection.findings)
    warnings = sum(f.severity == WARNING for f in inspection.findings)
    # PASS, FAIL and INCOMPLETE stay as they are in every language: print shops and
    # scripts read them.
    failed = not inspection.passed or typesetting_errors
    word = "FAIL" if failed else "INCOMPLETE" if inspection.unchecked else "PASS"
    line = _("{verdict}: {errors} errors, {warnings} warnings").format(
        verdict=word, errors=errors, warnings=warnings
    )
    if typesetting_errors:
        line += _("; {count} typesetting findings to fix (listed above)").format(
            count=typesetting_errors
        )
    if inspection.unchecked:
        line += _("; not checked: {engines}").format(engines=_missing_engines(inspection))
    return line


def _missing_engines(inspection: PressInspection) -> str:
    """What could not be checked, naming the engines and their packages."""
    from compositor.preflight.engines import ENGINES

    # each unchecked finding names its engine, in either language
    return ", ".join(
        f"{engine.name} (apt-get install {engine.package})"
        for engine in ENGINES
        if any(f.message.startswith(f"{engine.name} ") for f in inspection.unchecked)
    )


def exit_status(inspection: PressInspection, typesetting_errors: int = 0) -> int:
    """0 PASS, 1 something to fix, 2 a check that could not be made (it says what is
    missing): a run that did not check cannot say the file passed."""
    if inspection.unchecked:
        return 2
    return 1 if not inspection.passed or typesetting_errors else 0
