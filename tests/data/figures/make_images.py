"""Generates the pictures of the figures test issue (tests/data/figures) into a folder.

No binary is committed: every picture is drawn here, deterministically, with Pillow and
numpy (our own work, no licence question). ``python3 tests/data/figures/make_images.py
FOLDER`` writes them for a manual build; the tests call ``make_images`` on a copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SEED = 14


def photo(width: int, height: int, seed: int = SEED) -> Image.Image:
    """A photo-like RGB picture: sky-to-ground gradient, soft shapes and grain."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    sky = np.stack([90 + 80 * y / height, 140 + 60 * y / height, 220 - 90 * y / height], -1)
    image = sky
    for _ in range(12):  # blurred blobs, like out-of-focus people and trees
        cx, cy = rng.uniform(0, width), rng.uniform(height * 0.4, height)
        radius = rng.uniform(0.05, 0.2) * width
        colour = rng.uniform(20, 230, 3)
        weight = np.exp(-(((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2)))[..., None]
        image = image * (1 - weight) + colour * weight
    image = image + rng.normal(0, 6, image.shape)  # sensor grain
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8), "RGB")


def chart(width: int = 1600, height: int = 900) -> Image.Image:
    """A bar chart on a transparent background (an RGBA PNG)."""
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    values = [0.35, 0.5, 0.62, 0.71, 0.9]
    bar = width // (2 * len(values) + 1)
    for n, value in enumerate(values):
        left = bar * (2 * n + 1)
        draw.rectangle(
            [left, height * (1 - value), left + bar, height - 2], fill=(200, 30, 40, 230)
        )
    draw.line([0, height - 2, width, height - 2], fill=(0, 0, 0, 255), width=4)
    return image


SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="160mm" height="60mm" viewBox="0 0 160 60">
  <rect x="0" y="0" width="160" height="60" fill="#f2f2f2"/>
  <polyline points="10,50 40,38 70,40 100,22 130,15 150,8" fill="none"
            stroke="#0050a0" stroke-width="1.5"/>
  <circle cx="100" cy="22" r="3" fill="#e50012"/>
</svg>
"""


def make_images(folder: Path) -> None:
    """Writes every picture the articles of tests/data/figures/2023-02 name."""
    photos = folder / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    full = photo(2000, 1300)
    full.save(photos / "meeting.jpg", quality=90)  # 2000 px over 155.6 mm: about 326 ppi
    photo(600, 800, SEED + 1).convert("L").save(photos / "portrait.jpg", quality=90)
    photo(1800, 1200, SEED + 2).convert("CMYK").save(photos / "park-cmyk.jpg", quality=90)
    photo(400, 260, SEED + 3).save(photos / "small.jpg", quality=90)  # about 65 ppi full width
    chart().save(folder / "chart.png")
    (folder / "trend.svg").write_text(SVG, encoding="utf-8")


if __name__ == "__main__":
    make_images(Path(sys.argv[1]))
