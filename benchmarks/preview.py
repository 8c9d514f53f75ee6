"""``compositor preview``: from saving a one-character edit to the new pixels in Chromium,
and the preview's memory over 100 edits (issue 29).

Run by hand, never by the test suite (timings on a shared machine are noise to a test):

    python3 benchmarks/preview.py [--edits 100] [--device-scale-factor 2]

A copy of the sample issue is previewed in this process (the server and the watcher in
threads, as ``compositor preview`` runs them) and opened in Debian's Chromium through
Playwright. Each round replaces one character of an article's first paragraph with
another character of the issue (never one seen before, so no page image comes from the
browser's cache), writes the file, and waits until the page has swapped in the new,
decoded image (``window.previewSwaps``, counted by preview.js after ``img.decode()``).

The browser's devicePixelRatio is 1 by default (a plain office screen: the page asks
for images of one pixel per CSS pixel); ``--device-scale-factor 2`` measures a HiDPI
screen, which gets four times the pixels.

Targets: save-to-pixels median ≤ 0.5 s on the 2-core machine (a warm rebuild of the
sample is 0.3 s of it when the machine is quiet: the table shows the rebuild's own
median beside the total, and the load average, as other work on the machine slows
both); the process's resident memory after the last edit no more than 10 % above what
it was after the first 10.
Results are printed and written to benchmarks/results/preview-YYYY-MM-DD[-dprN].md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compositor.cli.preview import serving  # noqa: E402
from compositor.paths import SAMPLE_ISSUE  # noqa: E402

ARTICLE = "03.md"
TARGET = "热血沸腾"  # the character after it is the one replaced each round
WARM_EDITS = 10


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def replacements(folder: Path, count: int) -> list[str]:
    """``count`` different Han characters the issue already prints (so the fonts have
    them), none of them the one in the article at the start."""
    seen: list[str] = []
    for path in sorted(folder.glob("*.md")):
        for char in path.read_text(encoding="utf-8"):
            if "\u4e00" <= char <= "\u9fff" and char not in seen:
                seen.append(char)
    if len(seen) < count + 1:
        raise SystemExit(f"the sample prints only {len(seen)} Han characters")
    return seen[1 : count + 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--device-scale-factor", type=int, default=1, choices=(1, 2, 3))
    arguments = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    shutil.copy(SAMPLE_ISSUE.parent / "publication.toml", work / "publication.toml")
    folder = work / SAMPLE_ISSUE.name
    shutil.copytree(SAMPLE_ISSUE, folder)
    article = folder / ARTICLE
    text = article.read_text(encoding="utf-8")
    at = text.index(TARGET) + len(TARGET)
    seconds: list[float] = []
    builds: list[float] = []  # the warm rebuild's own part (the Rebuilder's, as in watch)
    memory: list[float] = []
    try:
        with serving(folder, editor="") as running, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(
                viewport={"width": 1280, "height": 900},
                device_scale_factor=arguments.device_scale_factor,
                bypass_csp=True,
            )
            page.goto(running.url)
            page.wait_for_function("document.querySelectorAll('.page img[src]').length > 1")
            for round_, char in enumerate(replacements(folder, arguments.edits)):
                swaps = page.evaluate("window.previewSwaps")
                text = text[:at] + char + text[at + 1 :]
                start = time.perf_counter()
                article.write_text(text, encoding="utf-8")
                page.wait_for_function(f"window.previewSwaps > {swaps}", timeout=60_000)
                seconds.append(time.perf_counter() - start)
                builds.append(running.preview.seconds)
                if round_ + 1 == WARM_EDITS or round_ + 1 == arguments.edits:
                    memory.append(resident_mb())
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(seconds, builds, memory, arguments.edits, arguments.device_scale_factor)


def report(
    seconds: list[float], builds: list[float], memory: list[float], edits: int, dpr: int
) -> None:
    median = statistics.median(seconds)
    quartiles = statistics.quantiles(seconds, n=4)
    growth = memory[-1] / memory[0] - 1
    lines = [
        f"# compositor preview: save to pixels in Chromium ({dt.date.today()})",
        "",
        f"Machine: {os.cpu_count()} cores, shared; Python {sys.version.split()[0]}.",
        f"{edits} one-character edits of {ARTICLE} of the sample issue; Chromium's "
        f"devicePixelRatio {dpr} (page images of {dpr} pixel(s) per CSS pixel).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| save → new pixels, median | {median:.3f} s | ≤ 0.5 s |",
        f"| save → new pixels, quartiles | {quartiles[0]:.3f} / {quartiles[2]:.3f} s | |",
        f"| save → new pixels, min / max | {min(seconds):.3f} / {max(seconds):.3f} s | |",
        f"| of which the warm rebuild, median | {statistics.median(builds):.3f} s | |",
        f"| the rest (watcher, source map, page image, browser), median | "
        f"{statistics.median(p - b for p, b in zip(seconds, builds, strict=True)):.3f} s | |",
        f"| load average at the end | {os.getloadavg()[0]:.1f} | |",
        f"| RSS after {WARM_EDITS} edits | {memory[0]:.0f} MB | |",
        f"| RSS after {edits} edits | {memory[-1]:.0f} MB | ≤ +10 % |",
        f"| growth | {growth * 100:+.1f} % | |",
    ]
    output = "\n".join(lines) + "\n"
    print(output)
    suffix = "" if dpr == 1 else f"-dpr{dpr}"
    target = ROOT / "benchmarks" / "results" / f"preview-{dt.date.today()}{suffix}.md"
    target.write_text(output, encoding="utf-8")
    print(f"written to {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
