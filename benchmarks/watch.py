"""How long an editor waits after saving: ``compositor watch`` on the sample issue.

Run by hand from the repository root (not part of the test suite):

    python benchmarks/watch.py [--runs 5] [--save benchmarks/results]

It copies the sample issue to a temporary folder, starts ``compositor watch`` there
in a subprocess, and edits one paragraph ``--runs`` times. For each edit it measures
the time from the save to the ``rebuilt`` line (what the editor feels: file-change
notification + rebuild) and records the rebuild time that ``watch`` itself prints.
A cold ``compositor build`` of the same issue is measured for comparison.
The target (issue 7) is a median save-to-PDF time under 1.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "torch"
TARGET_SECONDS = 1.5
REBUILT = re.compile(r"^rebuilt .* in ([0-9.]+) s$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--save", type=Path, help="write a Markdown report into this folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        publication = Path(temporary) / "torch"
        shutil.copytree(SAMPLE, publication)
        issue = publication / "2022-17"
        cold = cold_build(issue, Path(temporary) / "cold.pdf")
        waits, rebuilds = watch_edits(issue, Path(temporary) / "watch.pdf", args.runs)
    report = format_report(cold, waits, rebuilds)
    print(report)
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        path = args.save / f"watch-{dt.date.today().isoformat()}.md"
        path.write_text(report, encoding="utf-8")
        print(f"saved {path}")


def cold_build(issue: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run(compositor("build", str(issue), "-o", str(output)), check=True, cwd=ROOT)
    return time.perf_counter() - start


def watch_edits(issue: Path, output: Path, runs: int) -> tuple[list[float], list[float]]:
    """Save-to-``rebuilt`` times and the rebuild times ``watch`` printed, one per edit."""
    process = subprocess.Popen(
        compositor("watch", str(issue), "-o", str(output)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    ).start()
    try:
        wait_for(lines, lambda line: line.startswith("watching"), timeout=60)
        article = sorted(issue.glob("*.md"))[len(list(issue.glob("*.md"))) // 2]
        waits, rebuilds = [], []
        for run in range(runs):
            time.sleep(0.5)  # let the previous build's file events settle
            saved = time.perf_counter()
            edit_one_paragraph(article, run)
            line = wait_for(lines, REBUILT.match, timeout=30)
            waits.append(time.perf_counter() - saved)
            rebuilds.append(float(REBUILT.match(line)[1]))
        return waits, rebuilds
    finally:
        # Ctrl+C, as an editor stops it: watch then removes its session's font copies
        # (SIGTERM would leave a compositor-fonts-* folder in the temp directory).
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _pump(stream, lines: queue.Queue[str]) -> None:
    """Read the subprocess's output in a thread, so waiting for a line can time out."""
    for line in stream:
        lines.put(line)


def edit_one_paragraph(article: Path, run: int) -> None:
    """Append a sentence to the last paragraph, as an editor's save would."""
    text = article.read_text(encoding="utf-8").rstrip("\n")
    article.write_text(f"{text}第{run + 1}次修改。\n", encoding="utf-8")


def wait_for(lines: queue.Queue[str], matches, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.01, deadline - time.monotonic())).rstrip("\n")
        if line.startswith(("error", "internal error")):
            raise SystemExit(f"watch reported: {line}")
        if matches(line):
            return line


def compositor(*args: str) -> list[str]:
    return [sys.executable, "-m", "compositor", *args]


def format_report(cold: float, waits: list[float], rebuilds: list[float]) -> str:
    from compositor.weasy.fonts import has_fast_subsetting

    median = statistics.median(waits)
    verdict = "PASS" if median < TARGET_SECONDS else "FAIL"
    rows = [
        ("cold `compositor build` (process start to PDF)", f"{cold:.2f} s"),
        (f"save → `rebuilt`, median of {len(waits)}", f"{median:.2f} s"),
        ("save → `rebuilt`, min / max", f"{min(waits):.2f} / {max(waits):.2f} s"),
        ("rebuild time printed by watch, median", f"{statistics.median(rebuilds):.2f} s"),
        (f"target: median under {TARGET_SECONDS} s", verdict),
    ]
    machine = [
        ("date", dt.datetime.now().isoformat(timespec="minutes")),
        ("machine", f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"),
        ("python", platform.python_version()),
        ("libharfbuzz-subset (fast subsetting)", "yes" if has_fast_subsetting() else "no"),
        ("commit", _commit()),
    ]
    lines = ["# compositor watch: one-paragraph edit of the sample issue", ""]
    lines += ["| measure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    lines += ["", "| machine | |", "|---|---|"] + [f"| {a} | {b} |" for a, b in machine]
    return "\n".join(lines) + "\n"


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    commit = result.stdout.strip() or "unknown"
    return f"{commit} + uncommitted changes" if dirty else commit


if __name__ == "__main__":
    main()
