"""Every page of each layout's sample looks the way a reviewer last approved it.

tests/golden/page-NN.png are the approved pages of the torch sample (content/torch/2022-17),
tests/golden/jianbao/page-NN.png those of the brief (content/jianbao/2022-17): greyscale,
50 dpi, compared through the same code as `compositor diff`. When the rendering changes on
purpose, approve it by rewriting them (`pytest --update-golden`, or COMPOSITOR_UPDATE_GOLDEN=1)
and commit them with the change.
"""

from __future__ import annotations

import os
import re
import shutil
import warnings
from pathlib import Path

import numpy as np
from conftest import ROOT
from PIL import Image

from compositor.diff.pixels import compare_page_images
from compositor.diff.report import render_pages
from compositor.diff.view import write_page_image

GOLDEN = ROOT / "tests" / "golden"
ARTIFACTS = ROOT / "tests" / "_artifacts" / "golden-diff"
# Low enough to keep the images small (the repository carries them), high enough that a
# changed character is several pixels.
GOLDEN_DPI = 50
GOLDEN_NAME = re.compile(r"page-(\d+)\.png")


# Each layout's approved pages: torch's where they always were.
GOLDEN_OF = {"torch": GOLDEN, "jianbao": GOLDEN / "jianbao"}


def golden_path(number: int, golden: Path = GOLDEN) -> Path:
    return golden / f"page-{number:02d}.png"


def load_golden(golden: Path = GOLDEN) -> list[np.ndarray]:
    numbered = sorted(
        (int(match[1]), path)
        for path in golden.glob("page-*.png")
        if (match := GOLDEN_NAME.fullmatch(path.name))
    )
    assert [n for n, _ in numbered] == list(range(1, len(numbered) + 1)), (
        f"{golden} must hold page-01.png … page-NN.png without gaps; run pytest --update-golden"
    )
    return [np.asarray(Image.open(path).convert("L")) for _, path in numbered]


def update_requested(config) -> bool:
    return bool(config.getoption("--update-golden")) or (
        os.environ.get("COMPOSITOR_UPDATE_GOLDEN") == "1"
    )


def update_golden(pages: list[np.ndarray], golden_dir: Path = GOLDEN) -> list[int]:
    """Rewrite the golden pages that differ (only those: the repository keeps every version)."""
    golden_dir.mkdir(parents=True, exist_ok=True)
    rewritten = []
    for number, page in enumerate(pages, start=1):
        path = golden_path(number, golden_dir)
        if path.is_file():
            golden = np.asarray(Image.open(path).convert("L"))
            if golden.shape == page.shape and not compare_page_images(golden, page).changed:
                continue
        Image.fromarray(page, "L").save(path, optimize=True)
        rewritten.append(number)
    for path in golden_dir.glob("page-*.png"):
        match = GOLDEN_NAME.fullmatch(path.name)
        if match and int(match[1]) > len(pages):
            path.unlink()
            rewritten.append(int(match[1]))
    return rewritten


def differing_pages(
    golden: list[np.ndarray], pages: list[np.ndarray], artifacts: Path = ARTIFACTS
) -> list[str]:
    """Describe each page that differs and write its golden | rendered image to ``artifacts``."""
    shutil.rmtree(artifacts, ignore_errors=True)
    found = []
    for index in range(max(len(golden), len(pages))):
        number = index + 1
        old = golden[index] if index < len(golden) else None
        new = pages[index] if index < len(pages) else None
        boxes = []
        if old is None:
            found.append(f"page {number} is new")
        elif new is None:
            found.append(f"page {number} is gone")
        else:
            comparison = compare_page_images(old, new)
            if not comparison.changed and old.shape == new.shape:
                continue
            boxes = comparison.boxes
            found.append(f"page {number} changed in {len(boxes) or 'its size'} region(s)")
        write_page_image(artifacts / f"page-{number:02d}.png", old, new, boxes, f"page {number}")
    return found


def test_sample_pages_match_golden_images(layout_builds, pytestconfig):
    name = layout_builds.sample.name
    golden_dir = GOLDEN_OF[name]
    artifacts = ARTIFACTS if name == "torch" else ARTIFACTS.with_name(f"golden-diff-{name}")
    pages = render_pages(layout_builds["screen"], GOLDEN_DPI)
    if update_requested(pytestconfig):
        rewritten = update_golden(pages, golden_dir)
        warnings.warn(
            f"{name}: golden pages rewritten: {rewritten or 'none'}; review and commit "
            f"{golden_dir.relative_to(ROOT)}/",
            stacklevel=1,
        )
    golden = load_golden(golden_dir)
    assert golden, "no golden images: run pytest --update-golden"

    differences = differing_pages(golden, pages, artifacts)

    assert not differences, (
        f"the {name} sample's pages differ from {golden_dir.relative_to(ROOT)}: "
        + "; ".join(differences)
        + f". Golden (old) | rendered (new) images: {artifacts}. If the change is intended, "
        "approve it with `pytest --update-golden` and commit the golden pages with the change."
    )
