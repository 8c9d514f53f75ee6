"""What each feature costs in a cold build: issue 17 asks for the cost of the make-up
pass, image handling and the font changes to be named.

    python3 benchmarks/features.py [TIMES]     # prints a Markdown table (default 3 runs)

Cold CLI builds of the sample and of the figures test issue (tests/data/figures, its
pictures drawn into a temporary copy), each stage timed without a profiler as
stages.py times them: the CPU time spent in the function that does the feature's work,
median of the runs. Parts run inside one another (a make-up relayout breaks lines
too), so the rows do not add up to the whole.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from stages import TIMED_COLD, _child, compile_bytecode

ROOT = Path(__file__).resolve().parent.parent
# this checkout's compositor, and the figures test issue's picture maker
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "data" / "figures")]

# (feature, owner module, attribute path, what the function does). The first entry must
# be import_weasyprint, wrapped before anything imports WeasyPrint (see stages.py).
FEATURES = (
    ("", "compositor.weasy.importing", "import_weasyprint", "import WeasyPrint"),
    (
        "clreq line breaking",
        "compositor.weasy.linebreak",
        "_split_first_line",
        "break and plan lines",
    ),
    ("make-up pass", "compositor.weasy.makeup", "_snap_to_lines", "pad blocks to whole lines"),
    ("make-up pass", "compositor.weasy.makeup", "page_makeup", "齐底 and colophon, relayouts"),
    ("contents", "compositor.weasy.contents", "_settle_page_total", "page numbers read early"),
    ("font changes", "compositor.build", "check_issue_coverage", "sha256 and coverage"),
    (
        "font changes",
        "compositor.weasy.fonts",
        "shipped_font_configuration",
        "fontconfig with shipped fonts only",
    ),
    (
        "font changes",
        "weasyprint.text.fonts",
        "FontConfiguration.add_font_face",
        "@font-face loading (WeasyPrint's, raw pays it too)",
    ),
    ("image handling", "compositor.build", "low_resolution", "resolution check"),
    (
        "image handling",
        "compositor.build",
        "settle_layout",
        "layouts until figures and 续表 settle, the last one drawn",
    ),
    (
        "image handling",
        "weasyprint.document",
        "original_get_image_from_uri",
        "read and decode pictures (WeasyPrint's)",
    ),
    (
        "image handling",
        "weasyprint.images",
        "RasterImage.get_x_object",
        "pictures into the PDF (WeasyPrint's)",
    ),
)
WHOLE = "whole (after Python's start)"


def measure(issue: Path, work: Path, times: int) -> list[dict]:
    stages = json.dumps([(module, path, path) for _feature, module, path, _what in FEATURES])
    return [_child(TIMED_COLD, stages, issue, work / "out.pdf") for _ in range(times)]


def figures_issue(work: Path) -> Path:
    from make_images import make_images

    copy = work / "figures"
    shutil.copytree(ROOT / "tests" / "data" / "figures", copy)
    make_images(copy / "2023-02")
    return copy / "2023-02"


def cell(runs: list[dict], key: str) -> str:
    values = [run.get(key) for run in runs]
    if any(value is None for value in values):
        return "not called"
    calls = runs[0].get(f"{key} (calls)", 1)
    text = f"{statistics.median(values):.3f}"
    return f"{text} ({calls} calls)" if calls > 1 else text


def table(columns: dict[str, list[dict]], times: int) -> str:
    names = list(columns)
    lines = [
        f"| feature | work (function) | {' | '.join(names)} |",
        "|---|---|" + "---|" * len(names),
    ]
    for feature, _module, path, what in FEATURES[1:]:
        cells = " | ".join(cell(columns[name], path) for name in names)
        lines.append(f"| {feature} | {what} (`{path}`) | {cells} |")
    cells = " | ".join(cell(columns[name], WHOLE) for name in names)
    lines.append(f"| whole build | after Python's start | {cells} |")
    return f"CPU seconds, median of {times} cold CLI builds (no profiler):\n\n" + "\n".join(lines)


def main() -> None:
    times = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    compile_bytecode()
    from compositor.paths import SAMPLE_ISSUE

    with tempfile.TemporaryDirectory(prefix="compositor-features-") as folder:
        work = Path(folder)
        columns = {
            "sample (12 pages)": measure(SAMPLE_ISSUE, work, times),
            "figures test issue": measure(figures_issue(work), work, times),
        }
    print(table(columns, times))


if __name__ == "__main__":
    main()
