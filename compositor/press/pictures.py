"""What a press job refuses in an issue's pictures before anything is rendered.

PDF/X-1a has no transparency. A picture with an alpha channel would be found only in
the finished PDF, as an image object on a page; refused here, the editor is told which
file and which line of which article, and what to do.
"""

from __future__ import annotations

from PIL import Image

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.model import Figure, Issue

ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})


def refuse_transparency(issue: Issue) -> None:
    """Stop a PDF/X-1a build at the first picture with an alpha channel."""
    for article in issue.articles:
        for block in article.blocks:
            if isinstance(block, Figure) and has_alpha(block):
                raise ContentError(
                    _(
                        "picture {name} has an alpha channel (transparency), which PDF/X-1a "
                        "does not allow: flatten it onto white in an image editor, or build "
                        "with --pdf-x 4"
                    ).format(name=block.path.name),
                    block.source.path,
                    block.source.line,
                )


def has_alpha(figure: Figure) -> bool:
    """Whether a raster picture carries transparency (SVG is drawn as vectors)."""
    if figure.pixels == (0, 0):
        return False
    with Image.open(figure.path) as image:
        return image.mode in ALPHA_MODES or "transparency" in image.info
