"""Spot inks: a two-colour job printed in black plus the layout's spot ink(s).

A layout colour may name a spot ink (``red = { spot = "PANTONE 485 C", cmyk = […] }``).
In a two-colour press build (``--inks black,spot``) every use of that colour — text,
rules, fills, and tints of it — is painted in a ``/Separation`` colour space named
after the ink, whose alternate is the colour's CMYK (a type 2 tint transform), so a
RIP makes one plate for the ink and a proof shows the right colour. Any other colour
must then be black (K only) or paper white; anything else is refused, or with
``--convert-to-inks`` becomes a black of the same lightness.

WeasyPrint paints the layout's colours as DeviceCMYK (``device-cmyk()`` in the press
CSS); ``paint_spots`` finds them by value after rendering: a CMYK colour that is the
ink's CMYK times a tint t (0 < t ≤ 1) is that ink at tint t. So a lighter shade is
written in the layout as the ink's CMYK scaled down (20 % of [0, 95, 100, 0] is
[0, 19, 20, 0]); CSS opacity keeps the full colour and is transparency on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pikepdf
from pikepdf import Name, Operator

from compositor.press.cmyk import PressRefused
from compositor.press.pdfwalk import (
    CMYK,
    GRAY,
    SPOT,
    ColourTracker,
    Instruction,
    Parts,
    colour_family,
    image_pixels,
)

PROCESS, BLACK_AND_SPOT = "process", "black,spot"
INK_CHOICES = (PROCESS, BLACK_AND_SPOT)
TINT_TOLERANCE = 0.006  # CMYK percentages are rounded when written: 95 × 0.2 → 19
REGISTRATION = "All"  # the Separation every plate prints: crop and fold marks


@dataclass(frozen=True)
class SpotInk:
    name: str
    cmyk: tuple[float, float, float, float]  # 0–1: the alternate, what a proof shows

    def tint_of(self, values: tuple[float, ...]) -> float | None:
        """t if ``values`` (CMYK 0–1) is this ink's CMYK × t, else None."""
        if len(values) != 4:
            return None
        strongest = max(range(4), key=lambda i: self.cmyk[i])
        if self.cmyk[strongest] <= 0:
            return None
        tint = values[strongest] / self.cmyk[strongest]
        if not 0 < tint <= 1 + TINT_TOLERANCE:
            return None
        for value, full in zip(values, self.cmyk, strict=True):
            if abs(value - full * tint) > TINT_TOLERANCE:
                return None
        return min(tint, 1.0)


def separation(pdf: pikepdf.Pdf, name: str, cmyk: tuple[float, ...]) -> pikepdf.Object:
    """``[/Separation /name /DeviceCMYK tint-transform]`` as an indirect object."""
    transform = pikepdf.Dictionary(
        FunctionType=2,
        Domain=[0, 1],
        C0=[0, 0, 0, 0],
        C1=[_number(v) for v in cmyk],
        N=1,
    )
    return pdf.make_indirect(
        pikepdf.Array([Name.Separation, Name("/" + name), Name.DeviceCMYK, transform])
    )


def paint_spots(pdf: pikepdf.Pdf, parts: Parts, inks: tuple[SpotInk, ...]) -> None:
    """Every CMYK colour that is a tint of a spot ink → that ink's Separation, in place."""
    spaces = [separation(pdf, ink.name, ink.cmyk) for ink in inks]
    for content in parts.contents:
        if content.soft_mask:
            continue
        tracker = ColourTracker(content.resources)
        rewritten: list[Instruction] = []
        used = set()
        for instruction in content.instructions():
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                rewritten.append(instruction)
                continue
            operator = str(instruction.operator)
            paint = tracker.step(instruction.operands, operator)
            found = None
            if paint is not None and paint.family == CMYK and paint.values:
                found = _spot_tint(inks, paint.values)
            if found is None or paint is None:  # found: a CMYK paint
                rewritten.append(instruction)
                continue
            index, tint = found
            used.add(index)
            space, setter = ("CS", "SCN") if paint.stroke else ("cs", "scn")
            rewritten.append(
                pikepdf.ContentStreamInstruction([_space_name(index)], Operator(space))
            )
            rewritten.append(pikepdf.ContentStreamInstruction([_number(tint)], Operator(setter)))
        if used:
            content.replace(pikepdf.unparse_content_stream(rewritten))
            _add_spaces(content.resources, {_space_name(i): spaces[i] for i in used})


def keep_to_inks(parts: Parts, inks: tuple[SpotInk, ...], convert: bool) -> None:
    """A two-colour job: nothing but black, white and the spot inks, or a refusal."""
    allowed = ", ".join(["Black", *(ink.name for ink in inks)])
    advice = "use a colour from layout.toml [colours] or build with --convert-to-inks"
    for content in parts.contents:
        if content.soft_mask:
            continue
        tracker = ColourTracker(content.resources)
        rewritten: list[Instruction] = []
        changed = False
        instructions = content.instructions()
        for index, instruction in enumerate(instructions):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                space = cast(str, instruction.iimage.colorspace)  # not a mask: it has one
                family = colour_family(Name(space), content.resources)
                if not instruction.iimage.image_mask and family not in (GRAY, SPOT):
                    raise PressRefused(
                        f"page {content.page} ({content.where}): an inline {family} image in "
                        f"a job printed in {allowed} only: convert it to greyscale"
                    )
                rewritten.append(instruction)
                continue
            operator = str(instruction.operator)
            paint = tracker.step(instruction.operands, operator)
            if paint is None or paint.family != CMYK or len(paint.values) != 4:
                rewritten.append(instruction)
                continue
            c, m, y, k = paint.values
            if max(c, m, y) == 0:
                rewritten.append(instruction)
                continue
            if not convert:
                what = _painted_next(instructions[index + 1 :], paint.stroke)
                raise PressRefused(
                    f"page {content.page} ({content.where}): {what} in C{c:.0%} M{m:.0%} "
                    f"Y{y:.0%} K{k:.0%}, none of this job's inks ({allowed}): {advice}"
                )
            black = [0, 0, 0, _number(cmyk_darkness(c, m, y, k))]
            rewritten.append(
                pikepdf.ContentStreamInstruction(black, Operator("K" if paint.stroke else "k"))
            )
            changed = True
        if changed:
            content.replace(pikepdf.unparse_content_stream(rewritten))
    for image in parts.images:
        _keep_image_to_black(image, allowed, convert)
    for shading in parts.shadings:
        family = colour_family(shading.obj.get("/ColorSpace"), shading.resources)
        if not shading.soft_mask and family not in (GRAY, SPOT):
            raise PressRefused(
                f"page {shading.page}: gradient {shading.name} is {family}, in a job printed "
                f"in {allowed} only: remove the gradient from the layout"
            )


TEXT_SHOWING = ("Tj", "TJ", "'", '"')
PATH_PAINTING = ("f", "F", "f*", "B", "B*", "b", "b*", "S", "s")


def _painted_next(instructions: list, stroke: bool) -> str:
    """What the colour just set is used for: text, or a rule or fill (for the message)."""
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue
        operator = str(instruction.operator)
        if operator in TEXT_SHOWING:
            return "text"
        if operator in PATH_PAINTING:
            return "a rule or line" if stroke or operator in ("S", "s") else "a fill or rule"
    return "a colour"


def cmyk_darkness(c: float, m: float, y: float, k: float) -> float:
    """The black (K) of about the same lightness as a CMYK colour."""
    red, green, blue = ((1 - v) * (1 - k) for v in (c, m, y))
    return round(1 - (0.3 * red + 0.59 * green + 0.11 * blue), 4)


def _keep_image_to_black(image, allowed: str, convert: bool) -> None:
    obj = image.obj
    if image.soft_mask or obj.get("/ImageMask", False):
        return
    family = colour_family(obj.get("/ColorSpace"), image.resources)
    if family in (GRAY, SPOT):
        return
    pixels = image_pixels(obj) if family == CMYK else None
    if pixels is not None and pixels.mode == "CMYK":
        cyan, magenta, yellow, _ = pixels.split()
        if max(band.getextrema()[1] for band in (cyan, magenta, yellow)) == 0:
            return  # already on the black plate only
    if not convert:
        size = f"{obj.get('/Width')} × {obj.get('/Height')} pixels"
        raise PressRefused(
            f"page {image.page}: a colour image ({size}) in a job printed in {allowed} "
            "only: convert it to greyscale or build with --convert-to-inks"
        )
    from PIL import Image, ImageOps

    if pixels is None:
        raise PressRefused(f"page {image.page}: image {image.name} ({family}) cannot be converted")
    blank = Image.new("L", pixels.size, 0)
    black = ImageOps.invert(pixels.convert("RGB").convert("L"))
    obj.write(Image.merge("CMYK", (blank, blank, blank, black)).tobytes())
    obj.ColorSpace = Name.DeviceCMYK
    obj.BitsPerComponent = 8
    for key in ("/Decode", "/DecodeParms", "/Filter"):
        if key in obj:
            del obj[key]


def _spot_tint(inks: tuple[SpotInk, ...], values: tuple[float, ...]) -> tuple[int, float] | None:
    for index, ink in enumerate(inks):
        tint = ink.tint_of(values)
        if tint is not None:
            return index, tint
    return None


def _space_name(index: int) -> Name:
    return Name(f"/CSpot{index}")


def _add_spaces(resources: pikepdf.Object, spaces: dict[Name, pikepdf.Object]) -> None:
    if "/ColorSpace" not in resources:
        resources.ColorSpace = pikepdf.Dictionary()
    for name, space in spaces.items():
        resources.ColorSpace[name] = space


def _number(value: float) -> int | float:
    value = round(value, 4)
    return int(value) if value == int(value) else value
