"""Black overprints (issue 27): 100 % K text and rules print over what is beneath them.

A shop expects solid black type and rules to overprint rather than knock out: a black
letter on a red band then needs no white gap in the red, so a plate that shifts a
hair leaves no white halo. In PDF that is ``/OP true /op true /OPM 1`` in the graphics
state while the black is painted, and overprint off again for every other colour
(a white letter must knock out, or it vanishes).

``overprint_black`` rewrites every content stream (soft masks aside): after each
colour-setting operator it sets, where it changed, one of four graphics states — fill
and stroke overprint each on or off — following ``q``/``Q`` as the graphics state does.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Name

from compositor.press.pdfwalk import CMYK, ColourTracker, Paint, Parts

K100 = (0.0, 0.0, 0.0, 1.0)
COLOUR_OPERATORS = {"k", "K", "g", "G", "rg", "RG", "sc", "scn", "SC", "SCN", "cs", "CS"}


def state_name(fill: bool, stroke: bool) -> str:
    return f"/CompositorOP{'f' if fill else ''}{'s' if stroke else ''}"


def overprint_black(pdf: pikepdf.Pdf, parts: Parts) -> None:
    """Set 100 % K fills, strokes and text to overprint in every printing content."""
    states = {
        (fill, stroke): pdf.make_indirect(
            pikepdf.Dictionary(Type=Name.ExtGState, OP=stroke, op=fill, OPM=1)
        )
        for fill in (False, True)
        for stroke in (False, True)
    }
    for content in parts.contents:
        if content.soft_mask:
            continue
        # A page starts with overprint off; a form inherits whatever its caller set.
        start = (False, False) if content.where == "page" else None
        rewritten = _rewrite(content.instructions(), content.resources, start)
        if rewritten is None:
            continue
        extgstates = content.resources.get("/ExtGState")
        if extgstates is None:
            content.resources.ExtGState = extgstates = pikepdf.Dictionary()
        for (fill, stroke), state in states.items():
            extgstates[state_name(fill, stroke)] = state
        content.replace(pikepdf.unparse_content_stream(rewritten))


def _is_black(paint: Paint) -> bool:
    return paint.family == CMYK and tuple(round(v, 4) for v in paint.values) == K100


def _rewrite(
    instructions: list, resources: pikepdf.Object, start: tuple[bool, bool] | None
) -> list | None:
    """The instructions with the overprint states set; None when none was needed."""
    tracker = ColourTracker(resources)
    current = start  # None: not known (a form)
    saved: list = []
    out: list = []
    changed = False
    for instruction in instructions:
        out.append(instruction)
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        tracker.step(instruction.operands, operator)
        if operator == "q":
            saved.append(current)
        elif operator == "Q" and saved:
            current = saved.pop()
        elif operator in COLOUR_OPERATORS:
            wanted = (_is_black(tracker.fill), _is_black(tracker.stroke))
            if wanted != current:
                name = Name(state_name(*wanted))
                out.append(pikepdf.ContentStreamInstruction([name], pikepdf.Operator("gs")))
                changed = True
                current = wanted
    return out if changed else None
