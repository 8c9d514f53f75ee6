"""Benchmark: peak memory of building a big issue (issue 9: 300 pages under 1 GB RSS).

The issue is synthetic: the sample's articles (the seed's paragraphs) repeated until it
has at least ``--pages`` pages (see synthetic.py). Each build runs the CLI in a fresh
process, and ``os.wait4`` reports that process's own peak resident set size. The
sample is built first, for comparison.

    python3 benchmarks/big_issue.py               # 300 pages; prints the result
    python3 benchmarks/big_issue.py --write       # also writes results/big_issue.txt
    python3 benchmarks/big_issue.py --pages 30 --json out.json   # tests/test_big_issue.py
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pypdfium2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import SAMPLE, synthetic_issue  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "big_issue.txt"
LIMIT_MB = 1024


@dataclass(frozen=True)
class Build:
    pages: int
    seconds: float
    peak_mb: float


def build(issue: Path, out: Path) -> Build:
    """Build ``issue`` with the CLI in a child process; its wall time and peak RSS."""
    command = [sys.executable, "-m", "compositor", "build", str(issue), "-o", str(out)]
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    errors = child.stderr.read().decode("utf-8", "replace")
    child.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {issue} failed:\n{errors}")
    document = pypdfium2.PdfDocument(str(out))
    pages = len(document)
    document.close()
    return Build(pages, round(seconds, 1), round(usage.ru_maxrss / 1024, 1))  # KiB on Linux


def measure(target_pages: int, work: Path) -> dict:
    sample = build(SAMPLE, work / "sample.pdf")
    copies = math.ceil(target_pages / sample.pages)
    while True:  # a copy adds fewer pages than the sample has (one masthead): rarely twice
        big = build(synthetic_issue(work / f"big-{copies}", copies), work / f"big-{copies}.pdf")
        if big.pages >= target_pages:
            break
        copies = math.ceil(copies * target_pages / big.pages)
    return {
        "target_pages": target_pages,
        "copies_of_the_sample": copies,
        "sample": asdict(sample),
        "big": asdict(big),
        "limit_mb": LIMIT_MB,
        "met": big.peak_mb < LIMIT_MB,
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
    }


def report(result: dict) -> str:
    sample, big = result["sample"], result["big"]
    verdict = "met" if result["met"] else "NOT MET"
    return "\n".join(
        [
            "compositor build of a synthetic big issue (the sample's articles repeated "
            f"{result['copies_of_the_sample']}×), one cold CLI process each",
            f"machine: {result['machine']}",
            "",
            f"sample     {sample['pages']:4d} pages  {sample['seconds']:7.1f} s  "
            f"peak RSS {sample['peak_mb']:7.1f} MB",
            f"big issue  {big['pages']:4d} pages  {big['seconds']:7.1f} s  "
            f"peak RSS {big['peak_mb']:7.1f} MB",
            f"target: at least {result['target_pages']} pages under {result['limit_mb']} MB "
            f"peak RSS: {verdict}",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="least number of pages")
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--write", action="store_true", help=f"also write {RESULTS}")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="big-issue-") as work:
        result = measure(options.pages, Path(work))
    text = report(result)
    print(text)
    if options.json:
        options.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if options.write:
        RESULTS.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
