"""Benchmark: `compositor diff` of two builds of the sample issue (target: under 5 s).

The old PDF is the sample as it is. Two new ones: one character changed in one article (one
page differs, as in a typical review), and a paragraph added to the first article (the rest of
the issue moves: every page differs and gets its image, the worst case). The PDFs are built
first and not timed. Timed: diff_pdfs at the default resolution, with and without the output
folder, and the whole command (`python -m compositor diff ... --out DIR`, interpreter start-up
included).

    python3 benchmarks/diff.py            # prints the results
    python3 benchmarks/diff.py --write    # also writes benchmarks/results/diff.txt
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2

from compositor.build import SAMPLE_ISSUE, build_issue
from compositor.diff.report import DEFAULT_DPI, diff_pdfs

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "diff.txt"
RUNS = 5
TARGET_SECONDS = 5.0


def edited_copy(workdir: Path, name: str, article_index: int, edit) -> Path:
    """A copy of the sample's publication with ``edit(body) -> body`` applied to one article."""
    publication = workdir / name
    shutil.copytree(SAMPLE_ISSUE.parent, publication)
    issue = publication / SAMPLE_ISSUE.name
    article = sorted(issue.glob("*.md"))[article_index]
    text = article.read_text(encoding="utf-8")
    body = text.index("+++", 3) + 3
    article.write_text(text[:body] + edit(text[body:]), encoding="utf-8")
    return issue


def one_character_changed(body: str) -> str:
    first_han = next(i for i, char in enumerate(body) if "\u4e00" <= char <= "\u9fff")
    replacement = "国" if body[first_han] != "国" else "家"
    return body[:first_han] + replacement + body[first_han + 1 :]


def paragraph_added(body: str) -> str:
    return "\n\n" + "新增段落用于检验全部页面变化时的差异速度。" * 8 + "\n" + body


def timed(action) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def line(label: str, times: list[float]) -> str:
    return (
        f"{label:<44} median {statistics.median(times):6.3f} s   "
        f"min {min(times):6.3f} s   max {max(times):6.3f} s"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        workdir = Path(tmp)
        old = build_issue(SAMPLE_ISSUE, workdir / "old.pdf")
        new = build_issue(edited_copy(workdir, "a", 4, one_character_changed), workdir / "a.pdf")
        moved = build_issue(edited_copy(workdir, "b", 0, paragraph_added), workdir / "b.pdf")
        out = workdir / "diff"
        report = diff_pdfs(old.path, new.path, out_dir=out)
        worst = diff_pdfs(old.path, moved.path, out_dir=out)
        command = [sys.executable, "-m", "compositor", "diff", str(old.path), str(new.path)]
        check = subprocess.run(command, capture_output=True, text=True)
        if check.returncode != 1:  # 1: different, as it must be; anything else is a failure
            sys.exit(f"compositor diff failed (exit {check.returncode}):\n{check.stderr}")
        results = [
            f"compositor diff benchmark: builds of {SAMPLE_ISSUE.relative_to(ROOT)} "
            f"({old.pages} pages) at {DEFAULT_DPI} dpi (the default), {RUNS} runs each",
            f"one character changed: {report.summary()}",
            f"paragraph added:       {worst.summary()}",
            f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"pypdfium2 {pypdfium2.PYPDFIUM_INFO} (pdfium {pypdfium2.PDFIUM_INFO})",
            "",
            line("diff_pdfs, report only", timed(lambda: diff_pdfs(old.path, new.path))),
            line(
                "diff_pdfs, images and index.html",
                timed(lambda: diff_pdfs(old.path, new.path, out_dir=out)),
            ),
            line(
                "diff_pdfs, every page changed, with images",
                timed(lambda: diff_pdfs(old.path, moved.path, out_dir=out)),
            ),
            line(
                "compositor diff --out DIR (whole command)",
                timed(lambda: subprocess.run([*command, "--out", str(out)], capture_output=True)),
            ),
            f"target: under {TARGET_SECONDS:g} s",
        ]
    text = "\n".join(results) + "\n"
    print(text, end="")
    if "--write" in sys.argv:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
