"""Press checks on what the pages paint (issue 27): what a shop's preflight flags that
the PDF/X keys do not show.

- **Small text and thin rules in one solid ink.** Type under the layout's
  ``small_text_pt`` (12 pt by default) and rules under ``THIN_RULE_PT`` must print from
  one plate at 100 % (or several solid plates, as M100 Y100 red): rich black (K100 plus
  C, M or Y) and four-colour greys misregister; a screen (K93) prints type and rules
  under ``SCREENED_RULE_PT`` ragged.
- **Line weights.** A rule thinner than 0.25 pt may break up on the plate (a warning),
  thinner than 0.1 pt it may vanish (an error).
- **Trim edges.** A background or picture that touches a trim edge must go on into the
  bleed, or a sliver of paper shows when the cut wanders.
- **Overprint.** White set to overprint vanishes (an error); everything that overprints
  is listed, so the shop knows what the file asks for.

``check_painting`` adds its findings and summary lines to a ``PressInspection``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pikepdf

from compositor.i18n import N_, _
from compositor.press.painted import FILL, IMAGE, SHADING, STROKE, TEXT, Painted, painted
from compositor.press.pdfwalk import CMYK, GRAY, SPOT
from compositor.press.pdfx import PRESS_RECORD_KEY
from compositor.press.pictures import image_label
from compositor.press.trim import Rect

# What a painted object is and which trim edge, as the findings name them.
KINDS = {
    TEXT: N_("text"),
    FILL: N_("fill"),
    STROKE: N_("stroke"),
    IMAGE: N_("image"),
    SHADING: N_("gradient"),
}
EDGES = {"left": N_("left"), "right": N_("right"), "bottom": N_("bottom"), "top": N_("top")}

ERROR, WARNING = "error", "warning"
DEFAULT_SMALL_TEXT_PT = 12.0
THIN_RULE_PT = 2.0  # a painted band thinner than this is a rule, not an area
# A screen (one ink at a tint) breaks a rule into dots: under this weight it prints
# ragged; over it, a grey rule is fine. Several inks misregister at any rule weight.
SCREENED_RULE_PT = 0.5
WARN_WEIGHT_PT = 0.25
ERROR_WEIGHT_PT = 0.1
EDGE_PT = 0.5  # within this of a trim or bleed edge counts as on it
SOLID = 0.995  # a tint at least this strong is solid ink (colours are written to 4 places)


@dataclass(frozen=True)
class PaintSettings:
    small_text_pt: float = DEFAULT_SMALL_TEXT_PT
    overprint_black: bool = False  # the build set 100 % K text and rules to overprint
    inks: str | None = None  # the job's inks ("process", "black,spot"), as built


def recorded_settings(pdf: pikepdf.Pdf) -> PaintSettings:
    """The settings a press build recorded in the file; the defaults for another PDF."""
    try:
        data = json.loads(str(pdf.docinfo.get(PRESS_RECORD_KEY, "{}")))
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return PaintSettings(
        small_text_pt=float(data.get("small_text_pt", DEFAULT_SMALL_TEXT_PT)),
        overprint_black=bool(data.get("overprint_black", False)),
        inks=str(data["inks"]) if "inks" in data else None,
    )


def check_painting(pdf: pikepdf.Pdf, result, small_text_pt: float | None = None) -> list[Painted]:
    """Add the findings on text inks, line weights, trim edges and overprint; returns
    what the pages paint, for other checks' messages."""
    settings = recorded_settings(pdf)
    limit = settings.small_text_pt if small_text_pt is None else small_text_pt
    everything = painted(pdf)
    boxes = _page_boxes(pdf)
    seen: Counter = Counter()
    for item in everything:
        trim, bleed = boxes[item.page - 1]
        if not _on_page(item, trim):
            continue  # crop marks and what the trim cuts away
        for finding in _findings(item, trim, bleed, limit):
            seen[finding] += 1
    for (page, rule, message, severity), count in sorted(seen.items(), key=_order):
        times = _(" ({count} times)").format(count=count) if count > 1 else ""
        result.add(page, rule, message + times, severity)
    _summarise_overprint(everything, settings, result)
    return everything


def objects_with_ink(everything: list[Painted], labels: dict[str, str]):
    """``(page, ink) -> descriptions`` of what a page paints that may carry the process
    ink ``ink``: colours with it, and pictures and gradients (their pixels tell)."""
    index = {"Cyan": 0, "Magenta": 1, "Yellow": 2, "Black": 3}

    def find(page: int, ink: str) -> list[str]:
        found: Counter = Counter()
        for item in everything:
            if item.page != page:
                continue
            colour = item.colour
            if colour is None:
                name = image_label(item.name, labels) if item.kind == IMAGE else _describe(item)
                found[name] += 1
            elif _has_ink(colour, index[ink]):
                said = _("{kind} in {colour}").format(
                    kind=_(KINDS[item.kind]), colour=_colour_name(colour)
                )
                found[said] += 1
        return [
            what + _(" ({count} times)").format(count=n) if n > 1 else what
            for what, n in found.items()
        ]

    return find


def _order(entry) -> tuple:
    (page, rule, message, _severity), _count = entry
    return page, rule, message


def _findings(item: Painted, trim: Rect, bleed: Rect, small_text_pt: float):
    """(page, rule, message, severity) of each problem with one painted object."""
    page = item.page
    inked = _inked(item)
    problem = _not_solid(item.colour)
    if item.kind == TEXT and inked and problem and item.weight < small_text_pt:
        message = _(
            "{size} pt text in {problem}: type under {limit} pt must print in solid ink on one "
            "plate (K100 for black and grey)"
        ).format(size=f"{item.weight:.1f}", problem=problem, limit=f"{small_text_pt:g}")
        yield page, "small-text-ink", message, ERROR
    if item.kind in (FILL, STROKE) and inked:
        yield from _rule_findings(item, problem)
    if item.kind in (FILL, IMAGE, SHADING) and inked:
        short = _short_of_bleed(item.box, trim, bleed)
        if short:
            message = _(
                "{what} touches the trim at the {edge} edge but stops short of the bleed: "
                "extend it by the bleed (var(--bleed)) or keep it off the edge"
            ).format(what=_describe(item), edge=_(EDGES[short]))
            yield page, "bleed-edge", message, ERROR
    if item.overprint and item.kind in (TEXT, FILL, STROKE) and _white(item):
        message = _("white {kind} set to overprint: it vanishes in print").format(
            kind=_(KINDS[item.kind])
        )
        yield page, "overprint", message, ERROR


def _rule_findings(item: Painted, problem: str):
    weight = item.weight if item.kind == STROKE else item.thickness
    if weight <= 0:
        return
    what = _("{what} {weight} pt thick").format(what=_describe(item), weight=f"{weight:.2f}")
    if weight < ERROR_WEIGHT_PT:
        message = _("{what}, under {limit} pt: it may vanish on the plate").format(
            what=what, limit=f"{ERROR_WEIGHT_PT:g}"
        )
        yield item.page, "line-weight", message, ERROR
    elif weight < WARN_WEIGHT_PT:
        message = _("{what}, under {limit} pt: it may break up in print").format(
            what=what, limit=f"{WARN_WEIGHT_PT:g}"
        )
        yield item.page, "line-weight", message, WARNING
    kind, _name = _solidity(item.colour)
    limit = SCREENED_RULE_PT if kind in SCREENED else THIN_RULE_PT
    if problem and weight < limit:
        message = _("{weight} pt rule in {problem}: thin rules must print in solid ink").format(
            weight=f"{weight:.2f}", problem=problem
        )
        yield item.page, "rule-ink", message, ERROR


def _has_ink(colour, channel: int) -> bool:
    cmyk = colour.family == CMYK and len(colour.values) == 4
    return cmyk and colour.values[channel] > 1 - SOLID


def _inked(item: Painted) -> bool:
    """Whether the object puts ink on paper (white does not; images and shadings may)."""
    if item.colour is None:
        return item.box[2] > item.box[0] and item.box[3] > item.box[1]
    return not _white(item)


def _white(item: Painted) -> bool:
    colour = item.colour
    if colour is None or not colour.values:
        return False
    if colour.family == GRAY:
        return colour.values[0] >= SOLID
    if colour.family in (CMYK, SPOT):
        return all(v <= 1 - SOLID for v in colour.values)
    return False


# What is wrong with a colour for small type and thin rules, by kind (the kind decides the
# thinnest rule allowed; the text is what the report says).
NOT_SOLID = {
    "rich black": N_("rich black {colour}"),
    "four-colour black": N_("four-colour black {colour}"),
    "three-colour grey": N_("three-colour grey {colour}"),
    "screened black": N_("screened black {colour}"),
    "screened colour": N_("screened colour {colour}"),
    "screened grey": N_("screened black (grey {colour})"),
    "spot tint": N_("a tint of a spot ink {colour}"),
}
SCREENED = ("screened black", "screened colour", "screened grey")


def _not_solid(colour) -> str:
    """What is wrong with a colour for small type and thin rules ("" when nothing)."""
    kind, name = _solidity(colour)
    return _(NOT_SOLID[kind]).format(colour=name) if kind else ""


def _solidity(colour) -> tuple[str, str]:
    """The kind of NOT_SOLID a colour is and the colour's name (("", "") when solid)."""
    if colour is None or not colour.values:
        return "", ""
    values = colour.values
    tints = [v for v in values if v > 1 - SOLID]
    if colour.family == CMYK and len(values) == 4:
        c, m, y, k = values
        name = f"C{c:.0%} M{m:.0%} Y{y:.0%} K{k:.0%}"
        if k >= SOLID and max(c, m, y) > 1 - SOLID:
            return "rich black", name
        if min(c, m, y, k) > 1 - SOLID:
            return "four-colour black", name
        if any(v < SOLID for v in tints):
            if min(c, m, y) > 1 - SOLID:
                return "three-colour grey", name
            kind = "screened black" if max(c, m, y) <= 1 - SOLID else "screened colour"
            return kind, name
        return "", ""
    if colour.family == GRAY and values[0] > 1 - SOLID and values[0] < SOLID:
        return "screened grey", f"{1 - values[0]:.0%}"
    if colour.family == SPOT and any(v < SOLID for v in tints):
        return "spot tint", " ".join(f"{v:.0%}" for v in values)
    return "", ""


def _describe(item: Painted) -> str:
    if item.kind == IMAGE:
        return _("image {name}").format(name=item.name)
    if item.kind == SHADING:
        return _("gradient {name}").format(name=item.name)
    kind = _("rule") if item.kind == STROKE or item.thickness < THIN_RULE_PT else _("area")
    colour = item.colour
    if colour is not None and colour.family == CMYK and len(colour.values) == 4:
        return _("{kind} in {colour}").format(kind=kind, colour=_colour_name(colour))
    return kind


def _short_of_bleed(box, trim: Rect, bleed: Rect) -> str:
    """The trim edge ``box`` reaches without going on to the bleed edge, if any."""
    x0, y0, x1, y1 = box
    across_x = x0 < trim.x1 and x1 > trim.x0
    across_y = y0 < trim.y1 and y1 > trim.y0
    sides = (
        ("left", across_y and x0 <= trim.x0 + EDGE_PT and x0 > bleed.x0 + EDGE_PT),
        ("right", across_y and x1 >= trim.x1 - EDGE_PT and x1 < bleed.x1 - EDGE_PT),
        ("bottom", across_x and y0 <= trim.y0 + EDGE_PT and y0 > bleed.y0 + EDGE_PT),
        ("top", across_x and y1 >= trim.y1 - EDGE_PT and y1 < bleed.y1 - EDGE_PT),
    )
    return next((side for side, short in sides if short), "")


def _on_page(item: Painted, trim: Rect) -> bool:
    x0, y0, x1, y1 = item.box
    return x0 < trim.x1 and x1 > trim.x0 and y0 < trim.y1 and y1 > trim.y0


def _page_boxes(pdf: pikepdf.Pdf) -> list[tuple[Rect, Rect]]:
    boxes = []
    for page in pdf.pages:
        obj = page.obj
        trim = Rect.of(obj.get("/TrimBox", obj.get("/ArtBox", obj.MediaBox)))
        bleed = Rect.of(obj.get("/BleedBox", obj.get("/TrimBox", obj.MediaBox)))
        boxes.append((trim, bleed))
    return boxes


def _summarise_overprint(everything: list[Painted], settings: PaintSettings, result) -> None:
    """One summary line: what overprints, by kind and colour."""
    counts: Counter = Counter()
    for item in everything:
        if item.overprint and item.kind in (TEXT, FILL, STROKE) and item.colour is not None:
            counts[(item.kind, _colour_name(item.colour))] += 1
    described = ", ".join(f"{n} {kind} in {colour}" for (kind, colour), n in sorted(counts.items()))
    black = (
        "; 100 % K text and rules set to overprint by the build" if settings.overprint_black else ""
    )
    result.summary.append(("Overprint", (described or "none") + black))


def _colour_name(colour) -> str:
    if colour.family == CMYK and len(colour.values) == 4:
        return "C{:.0%} M{:.0%} Y{:.0%} K{:.0%}".format(*colour.values)
    return f"{colour.family} " + " ".join(f"{v:g}" for v in colour.values)
