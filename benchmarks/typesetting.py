"""What Chinese typesetting costs: the sample build with and without the WeasyPrint seam.

Run by hand, never by the test suite (timings on a shared machine are noise to a test):

    python3 benchmarks/typesetting.py [--runs 7] [--copies 4]

Both variants run the same in-memory pipeline (``build.render_issue``: typesetting
stage, HTML, WeasyPrint layout and drawing); "without" replaces the seam's context
manager (linebreak.cjk_typesetting) with one that does nothing, so WeasyPrint lays
the text out alone. Runs alternate between the two variants in one warm process,
and CPU time is reported next to wall time because this machine is shared. The
target is ≤ 1.25× (issue 3). The preflight summary of both PDFs is written too:
that is what the cost buys.

The result is printed and written to benchmarks/results/typesetting-YYYY-MM-DD.md;
commit that file so that regressions show in history.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import synthetic_issue  # noqa: E402

from compositor import build  # noqa: E402
from compositor.content import read_issue  # noqa: E402
from compositor.fonts.fontset import load_fontset  # noqa: E402
from compositor.preflight.typography import preflight  # noqa: E402
from compositor.weasy import linebreak  # noqa: E402

TARGET = 1.25
RESULTS = ROOT / "benchmarks" / "results"


@contextlib.contextmanager
def without_seam(settings):
    yield


def render(folder: Path, typeset: bool) -> tuple[bytes, float, float]:
    """One in-memory build; returns the PDF, wall seconds and CPU seconds."""
    issue = read_issue(folder)
    layout = build.layout_for(issue)
    fontset = load_fontset(build.FONTS_DIR)
    original = linebreak.cjk_typesetting  # render_issue imports it when it renders
    linebreak.cjk_typesetting = original if typeset else without_seam
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        pdf, _ = build.render_issue(issue, layout, fontset)
        return pdf, time.perf_counter() - wall, time.process_time() - cpu
    finally:
        linebreak.cjk_typesetting = original


def measure(folder: Path, runs: int) -> dict[bool, dict]:
    results: dict[bool, dict] = {True: {"wall": [], "cpu": []}, False: {"wall": [], "cpu": []}}
    for typeset in (True, False):  # warm-up: fonts loaded, caches filled
        results[typeset]["pdf"] = render(folder, typeset)[0]
    for _ in range(runs):
        for typeset in (False, True):
            _, wall, cpu = render(folder, typeset)
            results[typeset]["wall"].append(wall)
            results[typeset]["cpu"].append(cpu)
    return results


def row(name: str, results: dict[bool, dict]) -> str:
    with_, without = results[True], results[False]
    cpu_with, cpu_without = statistics.median(with_["cpu"]), statistics.median(without["cpu"])
    wall_with, wall_without = statistics.median(with_["wall"]), statistics.median(without["wall"])
    ratio = cpu_with / cpu_without
    met = "yes" if ratio <= TARGET else "**no**"
    return (
        f"| {name} | {wall_without:.3f} s (CPU {cpu_without:.3f} s) "
        f"| {wall_with:.3f} s (CPU {cpu_with:.3f} s) | {ratio:.2f}× "
        f"(wall {wall_with / wall_without:.2f}×) | ≤ {TARGET}× | {met} |"
    )


def preflight_lines(name: str, pdf: bytes, folder: Path) -> list[str]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    report = preflight(path)
    counts = report.counts
    rules: dict[str, int] = {}
    for finding in report.findings:
        rules[finding.rule] = rules.get(finding.rule, 0) + 1
    return [
        f"| {name} | {counts['body lines']} | {counts['short lines']} "
        f"| {counts['uncompressed pairs']} of {counts['punctuation pairs']} "
        f"| {counts['Han-Latin spaced']} of {counts['Han-Latin boundaries']} "
        f"| {', '.join(f'{rule} {count}' for rule, count in sorted(rules.items())) or 'none'} |"
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per variant")
    parser.add_argument("--copies", type=int, default=4, help="copies of each article, big issue")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        scratch = Path(temporary)
        sample = measure(build.SAMPLE_ISSUE, options.runs)
        big_folder = synthetic_issue(scratch / "big", options.copies)
        big = measure(big_folder, max(3, options.runs // 2))
        quality = [
            *preflight_lines("without", sample[False]["pdf"], scratch),
            *preflight_lines("with", sample[True]["pdf"], scratch),
        ]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    lines = [
        f"# Typesetting benchmark {dt.date.today()}",
        "",
        f"- git commit: {commit}; Python {sys.version.split()[0]}; "
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}",
        f"- median of {options.runs} alternating runs (big issue: {max(3, options.runs // 2)}),"
        " one warm process, in-memory build (build.render_issue)",
        "",
        "| build | without the seam | with it | CPU ratio | target | met |",
        "|---|---|---|---|---|---|",
        row("sample (13 pages)", sample),
        row(f"sample articles × {options.copies}", big),
        "",
        "Preflight of the sample (`compositor preflight`):",
        "",
        "| build | body lines | short lines | uncompressed pairs | Han-Latin spaced | findings |",
        "|---|---|---|---|---|---|",
        *quality,
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"typesetting-{dt.date.today()}.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
