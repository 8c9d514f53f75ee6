"""What page make-up (issue 13) costs and what it gives.

    python3 benchmarks/makeup.py [ISSUE] [--before OLD.pdf]

Builds ISSUE (default: the sample) in this process, warm, three times with the layout's
line grid and make-up and three times without (``[grid]`` emptied: no whole-line blocks,
no 齐底 pass, the same CSS), interleaved, and prints the median of each; then the last
text line's baseline on every page of the build (and of OLD.pdf, e.g. a build from
before the change), as ``compositor preflight`` measures it.
"""

from __future__ import annotations

import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path

from compositor.build import layout_for, render_issue
from compositor.content import read_issue
from compositor.fonts.fontset import load_fontset
from compositor.layout import Grid
from compositor.paths import FONTS_DIR, SAMPLE_ISSUE
from compositor.preflight.typography import body_lines, page_bottoms, read_makeup, read_pages

RUNS = 3


def timings(folder: Path) -> tuple[list[float], list[float], bytes]:
    issue = read_issue(folder)
    layout = layout_for(issue)
    bare = dataclasses.replace(layout, grid=Grid())
    fontset = load_fontset(FONTS_DIR)
    render_issue(issue, layout, fontset)  # warm-up: imports, fonts
    with_makeup, without = [], []
    pdf = b""
    for _ in range(RUNS):
        for chosen, times in ((layout, with_makeup), (bare, without)):
            start = time.perf_counter()
            result, _ = render_issue(issue, chosen, fontset)
            times.append(time.perf_counter() - start)
            if chosen is layout:
                pdf = result
    return with_makeup, without, pdf


def bottoms(path: Path) -> list[str]:
    pages = read_pages(path)
    found = page_bottoms(pages, body_lines(pages))
    if not found:
        return [f"{path.name}: no full pages"]
    foot = max(found.values())
    reasons = read_makeup(path).reasons
    rows = [f"{path.name}: {len(pages)} pages; last text line's baseline on each full page"]
    for number, bottom in found.items():
        short = foot - bottom
        note = f"  {short:5.1f} pt short" if short > 0.5 else ""
        reason = f"  ({reasons[number]})" if number in reasons else ""
        rows.append(f"  page {number:3d}  {bottom:7.2f} pt{note}{reason}")
    rows.append(f"  spread {foot - min(found.values()):.1f} pt over {len(found)} full pages")
    return rows


def main(argv: list[str]) -> None:
    folder = Path(argv[0]) if argv and not argv[0].startswith("--") else SAMPLE_ISSUE
    with_makeup, without, pdf = timings(folder)
    print(f"{folder}: render, warm, median of {RUNS}")
    print(f"  with make-up     {statistics.median(with_makeup):.3f} s  {with_makeup}")
    print(f"  without make-up  {statistics.median(without):.3f} s  {without}")
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "after.pdf"
        built.write_bytes(pdf)
        print("\n".join(bottoms(built)))
    if "--before" in argv:
        print("\n".join(bottoms(Path(argv[argv.index("--before") + 1]))))


if __name__ == "__main__":
    main(sys.argv[1:])
