"""What a reviewer looks at: one PNG per changed page and an index.html of all pages.

The PNG puts the old page and the new page side by side with the changed regions outlined
in red on both; the index shows every page as a thumbnail (embedded, so an identical issue
produces no image files) and links the changed ones to their PNG.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from compositor.diff.pixels import Box

if TYPE_CHECKING:
    from compositor.diff.report import DiffReport

RED = (229, 0, 18)
MISSING_PAGE = (200, 200, 200)
BACKGROUND = (64, 64, 64)
GAP = 16
HEADER = 32
THUMBNAIL_WIDTH = 160
# Marks an index.html as ours, so that a second run may clear what the first one wrote.
GENERATOR = "compositor diff"


def image_name(number: int) -> str:
    return f"page-{number:02d}.png"


def write_page_image(
    path: Path,
    old: np.ndarray | None,
    new: np.ndarray | None,
    boxes: Sequence[Box],
    label: str,
) -> Path:
    """Old | new side by side, changed regions outlined; a missing page is drawn grey."""
    sides = [side for side in (old, new) if side is not None]
    height = max(side.shape[0] for side in sides)
    width = max(side.shape[1] for side in sides)
    canvas = Image.new("RGB", (2 * width + 3 * GAP, height + HEADER + GAP), BACKGROUND)
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=18)
    outline = max(2, width // 300)
    for column, (side, name) in enumerate(((old, "old"), (new, "new"))):
        left = GAP + column * (width + GAP)
        draw.text((left, 8), f"{label} ({name})", fill=(255, 255, 255), font=font)
        if side is None:
            draw.rectangle([left, HEADER, left + width - 1, HEADER + height - 1], MISSING_PAGE)
            draw.text((left + GAP, HEADER + GAP), "no such page", fill=(0, 0, 0), font=font)
            continue
        canvas.paste(Image.fromarray(side, "L").convert("RGB"), (left, HEADER))
        for box in boxes:
            margin = 2 * outline
            draw.rectangle(
                [
                    left + box.left - margin,
                    HEADER + box.top - margin,
                    left + box.right + margin,
                    HEADER + box.bottom + margin,
                ],
                outline=RED,
                width=outline,
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Level 3: as small as optimize=True on these pages, and seven times faster.
    canvas.save(path, compress_level=3)
    return path


def thumbnail_png(page: np.ndarray, boxes: Sequence[Box] = ()) -> bytes:
    """A small PNG of the page, its changed regions outlined."""
    image = Image.fromarray(page, "L").convert("RGB")
    scale = THUMBNAIL_WIDTH / image.width
    image = image.resize((THUMBNAIL_WIDTH, round(image.height * scale)), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    for box in boxes:
        corners = [box.left * scale - 2, box.top * scale - 2, box.right * scale + 2]
        draw.rectangle([*corners, box.bottom * scale + 2], outline=RED, width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def clear_previous_run(out_dir: Path) -> None:
    """Remove the images and index of an earlier diff into the same folder, and only those."""
    index = out_dir / "index.html"
    if index.is_file() and GENERATOR in index.read_text(encoding="utf-8", errors="replace"):
        for image in out_dir.glob("page-*.png"):
            image.unlink()
        index.unlink()


def write_index(out_dir: Path, report: DiffReport, thumbnails: Sequence[bytes]) -> Path:
    """index.html: summary, a thumbnail per page, then the details of each changed page."""
    cards = [card(page, thumb) for page, thumb in zip(report.pages, thumbnails, strict=True)]
    details = [detail(page) for page in report.pages if page.image is not None]
    document = PAGE.format(
        generator=GENERATOR,
        title=html.escape(f"{report.old.name} → {report.new.name}"),
        summary=html.escape(report.summary()),
        old=html.escape(str(report.old)),
        new=html.escape(str(report.new)),
        dpi=report.dpi,
        cards="\n".join(cards),
        details="\n".join(details) or "<p>No page changed.</p>",
    )
    path = out_dir / "index.html"
    path.write_text(document, encoding="utf-8")
    return path


def card(page, thumbnail: bytes) -> str:
    image = f'<img src="data:image/png;base64,{base64.b64encode(thumbnail).decode()}" alt="">'
    caption = f"{html.escape(page.name)} · {page.status}"
    if page.image is not None:
        image = f'<a href="{html.escape(page.image.name)}">{image}</a>'
        caption = f'<a href="#{page.anchor}">{caption}</a>'
    return f'<figure class="{page.status}">{image}<figcaption>{caption}</figcaption></figure>'


def detail(page) -> str:
    regions = ", ".join(region.describe() for region in page.regions) or "none (text only)"
    articles = "".join(f"<li>{html.escape(title)}</li>" for title in page.articles)
    return (
        f'<section id="{page.anchor}"><h2>{html.escape(page.name)}: {page.status}</h2>'
        f"<p>Changed regions (mm from the top-left corner): {html.escape(regions)}</p>"
        + (f"<p>Articles whose text changed:</p><ul>{articles}</ul>" if articles else "")
        + (f"<pre>{html.escape(page.text_diff)}</pre>" if page.text_diff else "")
        + f'<a href="{html.escape(page.image.name)}">'
        f'<img class="full" src="{html.escape(page.image.name)}" alt="{page.name}"></a>'
        "</section>"
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="{generator}">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #1a1a1a; }}
.pages {{ display: flex; flex-wrap: wrap; gap: 1em; }}
figure {{ margin: 0; padding: 4px; border: 3px solid transparent; text-align: center; }}
figure img {{ display: block; border: 1px solid #999; }}
figure.changed, figure.added, figure.removed {{ border-color: #e50012; }}
figcaption {{ font-size: 0.9em; margin-top: 4px; }}
pre {{ background: #f4f4f4; padding: 0.5em; overflow-x: auto; }}
img.full {{ max-width: 100%; }}
section {{ margin-top: 2em; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{summary}</p>
<p>old: <code>{old}</code><br>new: <code>{new}</code><br>rendered at {dpi} dpi</p>
<div class="pages">
{cards}
</div>
{details}
</body>
</html>
"""
