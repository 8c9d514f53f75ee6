"""CMYK gradients in press builds (issue 27): a CSS gradient whose stops are all the
layout's colours (``device-cmyk``) is drawn as a DeviceCMYK shading of those very values.

WeasyPrint internals touched: ``weasyprint.images.Gradient.draw`` (replaced inside
``cmyk_gradients``), ``Gradient.layout``, and the stream's ``create_interpolation_function``,
``create_stitching_function``, ``add_shading``, ``transform`` and ``paint_shading``;
``check_gradient_internals`` checks them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cmyk_gradients() -> Iterator[None]:
    """Inside this block, a CSS gradient whose stops are all ``device-cmyk`` (the
    layout's colours in a press build) is drawn as a DeviceCMYK shading of those very
    values. WeasyPrint 70 interpolates every gradient in sRGB, and tinycss2 cannot
    convert device-cmyk to sRGB (NotImplementedError). Other gradients draw as before.
    Internals: ``weasyprint.images.Gradient.draw`` (replaced), its ``layout`` and the
    stream's ``create_interpolation_function``, ``create_stitching_function``,
    ``add_shading``, ``transform`` and ``paint_shading``."""
    from weasyprint import images as weasy_images

    original = weasy_images.Gradient.draw
    if not callable(getattr(weasy_images.Gradient, "layout", None)):
        raise RuntimeError("WeasyPrint internals changed: Gradient.layout is gone")

    def draw(self, stream, concrete_width, concrete_height, style):
        spaces = {color.space for color in self.colors}
        if "device-cmyk" not in spaces:
            return original(self, stream, concrete_width, concrete_height, style)
        return _draw_cmyk_gradient(self, stream, concrete_width, concrete_height, style)

    weasy_images.Gradient.draw = draw
    try:
        yield
    finally:
        weasy_images.Gradient.draw = original


def _draw_cmyk_gradient(gradient, stream, width, height, style) -> None:
    from compositor.errors import LayoutError

    scale_y, kind, points, positions, colors, hints = gradient.layout(width, height, style)
    if kind == "solid":
        stream.rectangle(0, 0, width, height)
        stream.set_color(colors[0])
        stream.fill()
        return
    if any(color.space != "device-cmyk" or color.alpha != 1 for color in colors):
        raise LayoutError(
            "a gradient mixes CMYK colours with other colours or with transparency: in "
            "press output give every stop a colour of layout.toml [colours], opaque"
        )
    domain = (positions[0], positions[-1])
    functions = (
        stream.create_interpolation_function(
            (0, 1), tuple(a.coordinates), tuple(b.coordinates), hint
        )
        for a, b, hint in zip(colors, colors[1:], hints, strict=False)
    )
    function = stream.create_stitching_function(
        domain, (len(colors) - 1) * (0, 1), positions[1:-1], functions
    )
    shading_type = 2 if kind == "linear" else 3
    shading = stream.add_shading(
        shading_type, domain, points, not gradient.repeating, function, "DeviceCMYK"
    )
    stream.transform(d=scale_y)
    stream.paint_shading(shading.id)


def check_gradient_internals() -> list[str]:
    """What ``cmyk_gradients`` needs of WeasyPrint that is missing (empty: all there)."""
    from weasyprint import images as weasy_images
    from weasyprint.pdf.stream import Stream

    problems = []
    if not callable(getattr(weasy_images.Gradient, "layout", None)):
        problems.append("weasyprint.images.Gradient.layout")
    if not callable(getattr(weasy_images.Gradient, "draw", None)):
        problems.append("weasyprint.images.Gradient.draw")
    for name in (
        "create_interpolation_function",
        "create_stitching_function",
        "add_shading",
        "transform",
        "paint_shading",
    ):
        if not callable(getattr(Stream, name, None)):
            problems.append(f"weasyprint.pdf.stream.Stream.{name}")
    return problems


__all__ = ["check_gradient_internals", "cmyk_gradients"]
