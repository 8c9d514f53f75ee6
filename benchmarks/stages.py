"""Where a build's time goes: cProfile's cumulative time of each pipeline stage.

Used by run.py for the results file (issue 8 asks for the profile with the numbers):

    python3 benchmarks/stages.py          # prints the cold and warm tables

A cold CLI build and warm rebuilds (watch's Rebuilder) are profiled in child
processes; each stage is a function whose cumulative time is looked up by file and
name. cProfile slows Python code down by up to half, so the shares matter more than
the seconds. A stage whose function was renamed shows as "not found".
"""

from __future__ import annotations

import pstats
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_BUILDS = 3

# (label, file the function is in, function name); indented labels are parts of the
# stage above them.
STAGES = (
    ("import WeasyPrint (its package's module code)", "weasyprint/__init__.py", "<module>"),
    ("read the content", "compositor/content/validate.py", "read_findings"),
    ("check the fonts cover the text", "compositor/fonts/fontset.py", "check_issue_coverage"),
    ("normalise the text (typeset_issue)", "compositor/text/__init__.py", "typeset_issue"),
    ("render the HTML (Jinja2)", "compositor/html.py", "render_html"),
    ("parse CSS, load @font-face fonts (pdf.parse_styles)", "compositor/pdf.py", "parse_styles"),
    (
        "seam self-check (check_internals)",
        "compositor/weasy_seam.py",
        "check_internals",
    ),
    (
        "make-up self-check (check_makeup_internals)",
        "compositor/weasy_seam.py",
        "check_makeup_internals",
    ),
    ("lay out, every layout (WeasyPrint HTML.render)", "weasyprint/__init__.py", "render"),
    ("  of which CJK line breaking and spacing", "compositor/weasy_seam.py", "_split_first_line"),
    ("  of which whole-line blocks (line_grid)", "compositor/weasy_seam.py", "_snap_to_lines"),
    ("page make-up: 齐底, colophon (page_makeup)", "compositor/weasy_seam.py", "page_makeup"),
    ("  of which the second layout, when needed", "compositor/pdf.py", "relayout"),
    ("write the PDF (Document.write_pdf)", "weasyprint/document.py", "write_pdf"),
    ("  of which drawing pages", "weasyprint/document.py", "paint"),
    ("  of which font subsetting", "weasyprint/pdf/fonts.py", "subset"),
    ("  of which stream compression", "~", "<method 'compress' of 'zlib.Compress' objects>"),
)

COLD = """
import cProfile, sys
output = sys.argv[1]
sys.argv = ["compositor", "build", sys.argv[2], "-o", sys.argv[3]]
profiler = cProfile.Profile()
try:
    profiler.runctx("from compositor.cli import main; main()", {}, {})
except SystemExit:
    pass
profiler.dump_stats(output)
"""
WARM = """
import cProfile, sys
from pathlib import Path
from compositor.cli.watch import Rebuilder
rebuilder = Rebuilder(Path(sys.argv[2]), Path(sys.argv[3]))
rebuilder.build()
profiler = cProfile.Profile()
profiler.runctx("for _ in range(int(sys.argv[4])): rebuilder.build()", globals(), {})
profiler.dump_stats(sys.argv[1])
"""


@dataclass(frozen=True)
class Stage:
    label: str
    seconds: float | None  # None: the function was not called or not found


def profile_cold(issue: Path, work: Path) -> tuple[float, list[Stage]]:
    """One cold CLI build: its total time under cProfile and its stages."""
    stats = _profile(COLD, work / "cold.prof", issue, work / "cold.pdf")
    return stats.total_tt, stages(stats, divide=1)


def profile_warm(issue: Path, work: Path) -> tuple[float, list[Stage]]:
    """Warm rebuilds: the time of one under cProfile (mean of WARM_BUILDS) and its stages."""
    stats = _profile(WARM, work / "warm.prof", issue, work / "warm.pdf", WARM_BUILDS)
    return stats.total_tt / WARM_BUILDS, stages(stats, divide=WARM_BUILDS)


def stages(stats: pstats.Stats, divide: int) -> list[Stage]:
    cumulative: dict[tuple[str, str], float] = {}
    for (filename, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        key = (filename.replace("\\", "/"), name)
        cumulative[key] = max(cumulative.get(key, 0.0), ct)
    found = []
    for label, file, name in STAGES:
        times = [ct for (f, n), ct in cumulative.items() if n == name and f.endswith(file)]
        found.append(Stage(label, max(times) / divide if times else None))
    return found


def markdown(total: float, found: list[Stage], title: str) -> str:
    lines = [f"| {title} | s | share |", "|---|---|---|", f"| whole | {total:.3f} | 100 % |"]
    for stage in found:
        if stage.seconds is None:
            lines.append(f"| {stage.label} | not found | |")
        else:
            lines.append(
                f"| {stage.label} | {stage.seconds:.3f} | {100 * stage.seconds / total:.0f} % |"
            )
    return "\n".join(lines)


def _profile(code: str, output: Path, *args: object) -> pstats.Stats:
    done = subprocess.run(
        [sys.executable, "-c", code, str(output), *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"profiling failed:\n{done.stderr}")
    return pstats.Stats(str(output))


def main() -> None:
    from compositor.build import SAMPLE_ISSUE

    with tempfile.TemporaryDirectory(prefix="compositor-stages-") as work:
        print(markdown(*profile_cold(SAMPLE_ISSUE, Path(work)), "cold CLI build, cProfile"))
        print()
        print(markdown(*profile_warm(SAMPLE_ISSUE, Path(work)), "warm rebuild, cProfile"))


if __name__ == "__main__":
    main()
