"""What a press job refuses in an issue's pictures before anything is rendered.

PDF/X-1a has no transparency. A picture with an alpha channel would be found only in
the finished PDF, as an image object on a page; refused here, the editor is told which
file and which line of which article, and what to do.
"""

from __future__ import annotations

import hashlib
import json

from PIL import Image

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.model import Figure, Issue
from compositor.render.html import picture_url

# The PDF Info key under which a press file records, for preflight, which picture file
# and article each image object is: {image id: "photo.jpg (article title)"}.
PICTURES_KEY = "/CompositorPictures"

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


def picture_names(issue: Issue) -> dict[str, str]:
    """{WeasyPrint's image id: "file (article title)"} for every picture of the issue.

    WeasyPrint names an image object ``/i`` + the MD5 of its URL + 0 or 1 (interpolated
    or not); preflight reports the file and article instead of that id.
    """
    names = {}
    for article in issue.articles:
        for block in article.blocks:
            if isinstance(block, Figure):
                url = picture_url(block.path, issue.folder)
                digest = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
                names[f"i{digest}"] = f"{block.path.name} ({article.title})"
    return names


def record_picture_names(info, names: dict[str, str]) -> None:
    """Write ``names`` into a PDF's Info dictionary (see PICTURES_KEY)."""
    if names:
        info[PICTURES_KEY] = json.dumps(names, ensure_ascii=False, sort_keys=True)


def picture_labels(info) -> dict[str, str]:
    """The names a press file recorded (``record_picture_names``); {} for another PDF."""
    try:
        names = json.loads(str(info.get(PICTURES_KEY, "{}")))
    except ValueError:
        return {}
    return names if isinstance(names, dict) else {}


def image_label(name: str, labels: dict[str, str]) -> str:
    """``picture photo.jpg (article)`` for an image a press build recorded, else
    ``image /Name``. The id's last digit says whether the image is interpolated."""
    label = labels.get(str(name).lstrip("/")[:-1])
    return f"picture {label}" if label else f"image {name}"
