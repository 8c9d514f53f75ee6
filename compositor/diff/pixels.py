"""Compare two rendered pages pixel by pixel and box the regions that changed.

Used by ``compositor diff`` and by the golden-page test, so that both judge a page the same way.
Pages are greyscale arrays (0 = black, 255 = white) of the same resolution.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Grey levels two pixels may differ by and still count as the same: absorbs anti-aliasing
# and the 4-bit quantisation of the golden images, while any glyph change differs by far more.
TOLERANCE = 64
# Changed regions closer than this fraction of the page width are reported as one box.
CLUSTER_FRACTION = 1 / 64
# A reviewer wants a few boxes per page, not one per glyph.
MAX_REGIONS = 8


@dataclass(frozen=True)
class Box:
    """A rectangle in pixels: left/top inclusive, right/bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    def union(self, other: Box) -> Box:
        return Box(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )

    def gap(self, other: Box) -> int:
        """Pixels between the two boxes (0 when they touch or overlap)."""
        dx = max(0, max(self.left, other.left) - min(self.right, other.right))
        dy = max(0, max(self.top, other.top) - min(self.bottom, other.bottom))
        return max(dx, dy)


@dataclass(frozen=True)
class ImageComparison:
    changed_pixels: int
    boxes: list[Box]

    @property
    def changed(self) -> bool:
        return self.changed_pixels > 0


def compare_page_images(a: np.ndarray, b: np.ndarray) -> ImageComparison:
    """Which pixels of two greyscale page images differ, clustered into a few boxes.

    Images of different sizes (a page whose size changed) are compared on white padding.
    """
    a, b = pad_to_same_size(a, b)
    mask = significant_changes(a, b)
    changed = int(mask.sum())
    if not changed:
        return ImageComparison(0, [])
    cell = max(2, round(mask.shape[1] * CLUSTER_FRACTION))
    return ImageComparison(changed, merge_to_few(cluster(mask, cell), cell))


def pad_to_same_size(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if a.shape == b.shape:
        return a, b
    height, width = max(a.shape[0], b.shape[0]), max(a.shape[1], b.shape[1])
    return pad_white(a, height, width), pad_white(b, height, width)


def pad_white(image: np.ndarray, height: int, width: int) -> np.ndarray:
    padded = np.full((height, width), 255, dtype=np.uint8)
    padded[: image.shape[0], : image.shape[1]] = image
    return padded


def significant_changes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pixels that differ beyond the tolerance and have a changed neighbour.

    A lone differing pixel is rasterisation noise; a real change (a glyph, a rule) is never
    one pixel on its own. Glyphs that moved are changes, however little they moved: a
    character of another width re-justifies its whole line, and the reviewer sees that line.
    """
    differs = np.abs(a.astype(np.int16) - b.astype(np.int16)) > TOLERANCE
    if not differs.any():
        return differs
    padded = np.pad(differs, 1)
    height, width = differs.shape
    neighbours = np.zeros(differs.shape, dtype=np.uint8)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if (dy, dx) != (1, 1):
                neighbours += padded[dy : dy + height, dx : dx + width]
    return differs & (neighbours > 0)


def cluster(mask: np.ndarray, cell: int) -> list[Box]:
    """Group changed pixels into boxes: a coarse grid of ``cell``-sized squares, then
    connected components of the grid (8-neighbourhood), each shrunk to its changed pixels.

    The grid is what joins the glyphs of a changed line into one region, and it keeps the
    component search small whatever the resolution.
    """
    grid = coarse_grid(mask, cell)
    boxes = []
    for cells in connected_components(grid):
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        top, left = min(rows) * cell, min(cols) * cell
        bottom, right = (max(rows) + 1) * cell, (max(cols) + 1) * cell
        boxes.append(tight_box(mask, Box(left, top, right, bottom)))
    return boxes


def coarse_grid(mask: np.ndarray, cell: int) -> np.ndarray:
    height, width = mask.shape
    rows, cols = -(-height // cell), -(-width // cell)
    padded = np.zeros((rows * cell, cols * cell), dtype=bool)
    padded[:height, :width] = mask
    # asarray: numpy types .any(axis=…) as maybe a scalar; of a 4-D array it is 2-D
    return np.asarray(padded.reshape(rows, cell, cols, cell).any(axis=(1, 3)))


def connected_components(grid: np.ndarray) -> list[list[tuple[int, int]]]:
    """The 8-connected groups of True cells (a flood fill over the few changed cells)."""
    unvisited = {(int(r), int(c)) for r, c in zip(*np.nonzero(grid), strict=True)}
    components = []
    while unvisited:
        stack = [unvisited.pop()]
        component = []
        while stack:
            r, c = stack.pop()
            component.append((r, c))
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    neighbour = (r + dr, c + dc)
                    if neighbour in unvisited:
                        unvisited.remove(neighbour)
                        stack.append(neighbour)
        components.append(component)
    return components


def tight_box(mask: np.ndarray, box: Box) -> Box:
    region = mask[box.top : box.bottom, box.left : box.right]
    rows = np.flatnonzero(region.any(axis=1))
    cols = np.flatnonzero(region.any(axis=0))
    return Box(
        box.left + int(cols[0]),
        box.top + int(rows[0]),
        box.left + int(cols[-1]) + 1,
        box.top + int(rows[-1]) + 1,
    )


def merge_to_few(boxes: list[Box], cell: int) -> list[Box]:
    """Merge boxes that touch, then the closest pairs, until at most MAX_REGIONS remain.

    Returned in reading order (top to bottom, then left to right).
    """
    boxes = list(boxes)
    while len(boxes) > 1:
        gap, i, j = min(
            (boxes[i].gap(boxes[j]), i, j)
            for i in range(len(boxes))
            for j in range(i + 1, len(boxes))
        )
        if gap > cell and len(boxes) <= MAX_REGIONS:
            break
        merged = boxes[i].union(boxes[j])
        boxes = [box for k, box in enumerate(boxes) if k not in (i, j)] + [merged]
    return sorted(boxes, key=lambda box: (box.top, box.left))
