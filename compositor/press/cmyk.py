"""Press colour: every colour left in the PDF becomes DeviceCMYK, or the build stops.

The layout defines its colours once, in CMYK (``layout.toml``), so a press build
normally has nothing to convert. What may remain comes from outside the layout's
palette — a literal RGB colour in a stylesheet, WeasyPrint's default black, an RGB
image — and is converted here:

- neutral and near-neutral greys (CIELAB chroma at most ``NEUTRAL_CHROMA``, e.g.
  ``#1a1a1b``) and DeviceGray become K only, at the grey's own lightness: black text
  must never turn into a four-colour (rich) black that misregisters on press and
  piles up ink (``#1a1a1b`` through the profile is C71 M67 Y65 K78, 282 %);
- other RGB colours and RGB images go through a colour-managed transform (LittleCMS
  via Pillow's ImageCms): sRGB, or the image's own ICC profile, to the output
  profile, relative colorimetric with black-point compensation;
- Lab colours, non-CMYK gradients and non-CMYK inline images are refused with a
  message saying what to change in the layout.

Inside a soft mask colours only measure opacity (as luminosity) and never print:
RGB there becomes DeviceGray of the same luminosity, which keeps the mask exact.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

import pikepdf
from pikepdf import Name, Operator

from compositor.errors import LayoutError
from compositor.press.icc import OutputProfile
from compositor.press.pdfwalk import (
    CMYK,
    GRAY,
    PATTERN,
    RGB,
    SPOT,
    ColourTracker,
    Content,
    Instruction,
    Item,
    Paint,
    Parts,
    colour_family,
    image_pixels,
)

if TYPE_CHECKING:
    from PIL import ImageCms  # imported when converting: not every build needs it

KEPT_FAMILIES = (CMYK, SPOT, PATTERN)  # print as they are (a pattern is checked on its own)
MASK_FAMILIES = (*KEPT_FAMILIES, GRAY)  # what a soft mask may keep
DECIMALS = 4
# Colours at most this far from grey (CIELAB chroma C*ab) print on the black plate only.
# 2.3 is one just-noticeable difference; a grey a designer tints on purpose is well above 5.
NEUTRAL_CHROMA = 4.0


class PressRefused(LayoutError):
    """Something in the rendered document cannot be printed faithfully in CMYK."""


class CmykConverter:
    """RGB and grey → CMYK for one output profile; results are cached for one build."""

    def __init__(self, profile: OutputProfile) -> None:
        from PIL import ImageCms

        self._cms = ImageCms
        self._output = ImageCms.ImageCmsProfile(io.BytesIO(profile.data))
        self._profile_data = profile.data
        self._grey_plate: list[int] | None = None
        self._transforms: dict[bytes | None, object] = {}
        self._solids: dict[tuple[float, float, float], tuple[float, ...]] = {}

    def grey(self, value: float) -> tuple[float, ...]:
        return (0.0, 0.0, 0.0, _round(1 - value))

    def rgb(self, red: float, green: float, blue: float) -> tuple[float, ...]:
        grey = neutral_grey(red, green, blue)
        if grey is not None:
            return self.grey(grey)
        key = (red, green, blue)
        if key not in self._solids:
            from PIL import Image

            pixel = Image.new("RGB", (1, 1), tuple(round(v * 255) for v in key))
            converted = self._cms.applyTransform(pixel, self._transform(None))
            cmyk = cast(tuple[int, ...], cast(Image.Image, converted).getpixel((0, 0)))
            self._solids[key] = tuple(_round(v / 255) for v in cmyk)
        return self._solids[key]

    def rgb_image(self, image, source_profile: bytes | None):
        """An RGB Pillow image → CMYK through ``source_profile`` (default sRGB)."""
        return self._cms.applyTransform(image.convert("RGB"), self._transform(source_profile))

    def grey_plate(self, image):
        """A greyscale Pillow image → its black plate, through the output profile (grey.py)."""
        if self._grey_plate is None:
            from compositor.press.grey import grey_to_k

            self._grey_plate = grey_to_k(self._profile_data)
        return image.convert("L").point(self._grey_plate)

    def _transform(self, source_profile: bytes | None):
        if source_profile not in self._transforms:
            source: ImageCms.ImageCmsProfile | ImageCms.core.CmsProfile
            if source_profile is None:
                source = self._cms.createProfile("sRGB")
            else:
                source = self._cms.ImageCmsProfile(io.BytesIO(source_profile))
            self._transforms[source_profile] = self._cms.buildTransform(
                source,
                self._output,
                "RGB",
                "CMYK",
                renderingIntent=self._cms.Intent.RELATIVE_COLORIMETRIC,
                flags=self._cms.Flags.BLACKPOINTCOMPENSATION,
            )
        return self._transforms[source_profile]


def neutral_grey(red: float, green: float, blue: float) -> float | None:
    """The grey of the same lightness, if this sRGB colour is (nearly) neutral; else None."""
    if red == green == blue:
        return red
    x, y, z = _srgb_to_xyz(red, green, blue)
    fx, fy, fz = (_lab_f(v / white) for v, white in zip((x, y, z), D65_WHITE, strict=True))
    chroma = ((500 * (fx - fy)) ** 2 + (200 * (fy - fz)) ** 2) ** 0.5
    if chroma > NEUTRAL_CHROMA:
        return None
    return _round(_encode_srgb(y))  # the sRGB grey whose luminance is y


D65_WHITE = (0.95047, 1.0, 1.08883)


def _srgb_to_xyz(red: float, green: float, blue: float) -> tuple[float, float, float]:
    r, g, b = (_decode_srgb(v) for v in (red, green, blue))
    return (
        0.4124 * r + 0.3576 * g + 0.1805 * b,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        0.0193 * r + 0.1192 * g + 0.9505 * b,
    )


def _decode_srgb(value: float) -> float:
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def _encode_srgb(value: float) -> float:
    return 12.92 * value if value <= 0.0031308 else 1.055 * value ** (1 / 2.4) - 0.055


def _lab_f(t: float) -> float:
    return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29


def convert_to_cmyk(parts: Parts, converter: CmykConverter) -> None:
    """Rewrite every colour of ``parts`` in DeviceCMYK (soft masks: DeviceGray), in place."""
    for content in parts.contents:
        convert_content(content, converter)
    for image in parts.images:
        convert_image(image, converter)
    for shading in parts.shadings:
        family = colour_family(shading.obj.get("/ColorSpace"), shading.resources)
        if family not in (MASK_FAMILIES if shading.soft_mask else KEPT_FAMILIES):
            raise PressRefused(
                f"page {shading.page}: gradient {shading.name} is {family}; press output "
                "keeps gradients only in CMYK: give every stop a colour of layout.toml "
                "[colours], e.g. linear-gradient(to right, var(--red), var(--paper))"
            )
    for group in parts.groups:
        blending = group.obj.Group.get("/CS")
        kept = MASK_FAMILIES if group.soft_mask else KEPT_FAMILIES
        if blending is not None and colour_family(blending, group.resources) not in kept:
            # The blending space of a transparency group decides how overlaps mix; in
            # a soft mask it is where luminosity is measured.
            group.obj.Group.CS = Name.DeviceGray if group.soft_mask else Name.DeviceCMYK
    for state in parts.states:
        _convert_mask_backdrop(state.obj)
    for resources in _distinct(c.resources for c in parts.contents if not c.soft_mask):
        _drop_unprintable_colour_spaces(resources)


def _convert_mask_backdrop(state: pikepdf.Object) -> None:
    """A soft mask's backdrop colour (/BC) is in its group's space, now DeviceGray."""
    mask = state.get("/SMask")
    if not isinstance(mask, pikepdf.Dictionary) or "/BC" not in mask:
        return
    backdrop = [float(v) for v in mask.BC]
    if len(backdrop) == 3:
        mask.BC = pikepdf.Array([_number(_luminosity(*backdrop))])


def _luminosity(red: float, green: float, blue: float) -> float:
    # The PDF's own luminosity formula for non-separable blending (ISO 32000-1, 11.3.5.3).
    return _round(0.3 * red + 0.59 * green + 0.11 * blue)


def convert_content(content: Content, converter: CmykConverter) -> None:
    tracker = ColourTracker(content.resources)
    rewritten: list[Instruction] = []
    changed = False
    kept = MASK_FAMILIES if content.soft_mask else KEPT_FAMILIES
    for instruction in content.instructions():
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            _check_inline_image(instruction.iimage, content)
            rewritten.append(instruction)
            continue
        operator = str(instruction.operator)
        paint = tracker.step(instruction.operands, operator)
        replacement = None
        if paint is not None and paint.family not in kept:
            if content.soft_mask:
                replacement = _in_grey(paint, operator, content)
            else:
                replacement = _in_cmyk(paint, operator, converter, content)
        rewritten.append(replacement or instruction)
        changed = changed or replacement is not None
    if changed:
        content.replace(pikepdf.unparse_content_stream(rewritten))


def _in_cmyk(
    paint: Paint, operator: str, converter: CmykConverter, content: Content
) -> pikepdf.ContentStreamInstruction:
    if paint.family not in (RGB, GRAY):
        raise PressRefused(
            f"page {content.page} ({content.where}): a {paint.family} colour cannot go to "
            "press: define the colour in layout.toml [colours] (with its CMYK value) and use "
            "it through its var(--name)"
        )
    if operator in ("cs", "CS"):
        return pikepdf.ContentStreamInstruction([Name.DeviceCMYK], Operator(operator))
    expected = 3 if paint.family == RGB else 1
    if len(paint.values) != expected:
        raise PressRefused(
            f"page {content.page} ({content.where}): an indexed {paint.family} colour cannot "
            "be converted to CMYK"
        )
    cmyk = converter.rgb(*paint.values) if paint.family == RGB else converter.grey(*paint.values)
    return pikepdf.ContentStreamInstruction(
        [_number(v) for v in cmyk], Operator("K" if paint.stroke else "k")
    )


def _in_grey(paint: Paint, operator: str, content: Content) -> pikepdf.ContentStreamInstruction:
    """An RGB colour in a soft mask → the grey of the same luminosity (what the mask uses)."""
    if paint.family != RGB:
        raise PressRefused(
            f"page {content.page} ({content.where}): a {paint.family} colour in a soft "
            "mask cannot go to press: use greys or CMYK for masks"
        )
    if operator in ("cs", "CS"):
        return pikepdf.ContentStreamInstruction([Name.DeviceGray], Operator(operator))
    if len(paint.values) != 3:
        raise PressRefused(
            f"page {content.page} ({content.where}): an indexed RGB colour in a soft mask "
            "cannot be converted"
        )
    grey = _luminosity(*paint.values)
    return pikepdf.ContentStreamInstruction([_number(grey)], Operator("G" if paint.stroke else "g"))


def convert_image(image: Item, converter: CmykConverter) -> None:
    obj = image.obj
    if obj.get("/ImageMask", False):
        return  # a stencil: painted with the current fill colour, already converted
    family = colour_family(obj.get("/ColorSpace"), image.resources)
    if family in KEPT_FAMILIES:
        return
    if family not in (RGB, GRAY) or int(obj.get("/BitsPerComponent", 8)) != 8:
        raise PressRefused(
            f"page {image.page}: image {image.name} is {family} with "
            f"{obj.get('/BitsPerComponent')} bits per component; convert it to 8-bit RGB or "
            "CMYK before placing it"
        )
    from PIL import Image

    pixels = image_pixels(obj)
    if family == GRAY:
        # Neutral stays neutral: grey pixels print on the black plate only, each at the K
        # the output profile prints that grey with.
        blank = Image.new("L", pixels.size, 0)
        cmyk = Image.merge("CMYK", (blank, blank, blank, converter.grey_plate(pixels)))
    else:
        cmyk = converter.rgb_image(pixels, _icc_profile_of(obj.get("/ColorSpace")))
    obj.write(cmyk.tobytes())  # unencoded: saving compresses it (Flate, lossless)
    obj.ColorSpace = Name.DeviceCMYK
    obj.BitsPerComponent = 8
    if "/Decode" in obj:
        del obj.Decode


def _icc_profile_of(space: pikepdf.Object | None) -> bytes | None:
    if isinstance(space, pikepdf.Array) and len(space) > 1 and space[0] == Name.ICCBased:
        return space[1].read_bytes()
    return None


def _check_inline_image(image: pikepdf.PdfInlineImage, content: Content) -> None:
    if image.image_mask:
        return
    # an inline image that is not a mask names its colour space
    family = colour_family(Name(cast(str, image.colorspace)), content.resources)
    if family not in KEPT_FAMILIES:
        raise PressRefused(
            f"page {content.page} ({content.where}): an inline {family} image cannot be "
            "converted; use a CMYK image"
        )


def _drop_unprintable_colour_spaces(resources: pikepdf.Object) -> None:
    """Remove colour spaces nothing uses any more (WeasyPrint declares Lab ones on every page)."""
    spaces = resources.get("/ColorSpace")
    if not isinstance(spaces, pikepdf.Dictionary):
        return
    for name in list(spaces.keys()):
        if colour_family(spaces[name], resources) not in KEPT_FAMILIES:
            del spaces[name]


def _distinct(objects: Iterable[pikepdf.Object]) -> list[pikepdf.Object]:
    seen, distinct = set(), []
    for obj in objects:
        key = obj.objgen if obj.is_indirect else id(obj)
        if key not in seen:
            seen.add(key)
            distinct.append(obj)
    return distinct


def _round(value: float) -> float:
    return round(min(max(value, 0.0), 1.0), DECIMALS)


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value
