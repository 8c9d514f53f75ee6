"""Speed benchmark: compositor against raw WeasyPrint (its floor) and Typst, one table.

Run by hand, never by the test suite (timings on a shared machine are noise to a test):

    python3 -m pip install -e '.[bench]'          # the typst package
    python3 benchmarks/run.py --label issue17

Every measured build runs in a fresh process started with the same Python, so
"cold" means process start to PDF written, and peak RSS is that process's own
(os.wait4 reports it per child, children of the child included). The sample's cold
build, Typst and raw WeasyPrint run in turns, round after round, so that a burst of
load from other processes falls on all of them alike; CPU times (user + system) are
shown beside wall times, as they are much less disturbed by such load.

The table, the machine facts and a profile of where a build's time goes (stages.py)
are printed and written to benchmarks/results/YYYY-MM-DD-<label>.md: commit that
file, so that regressions show in history.

Targets (issue 17) are ratios to raw WeasyPrint on equivalent plain HTML, measured in
the same run: cold build ≤ 1.15×; warm rebuild in watch's Rebuilder (one article
edited) ≤ 0.45× and save-to-PDF in `compositor watch` ≤ 0.55× its cold time; peak RSS
≤ 1.3×; a 100-page issue ≤ 9× the sample's cold time, a 300-page one under 1 GB.
Typst stays in the table as the outside reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's compositor

import stages  # noqa: E402
import watch as watch_benchmark  # noqa: E402
from references import plain_html, typst_document  # noqa: E402
from synthetic import issue_batch, synthetic_issue  # noqa: E402

from compositor.build import FONTS_DIR, SAMPLE_ISSUE  # noqa: E402

PYTHON = sys.executable
RESULTS = ROOT / "benchmarks" / "results"
BIG_COPIES = 9  # the sample's articles 9 times over: about 100 pages
HUGE_COPIES = 27  # about 300 pages
HUGE_LIMIT_MB = 1024
BATCH_SIZE = 20

# Code run in child processes. Each is a whole program: what an editor would run.
TYPST = """
import sys, typst
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]],
              ignore_system_fonts=sys.argv[4] == "shipped")
"""
RAW_WEASYPRINT = """
import sys, weasyprint
weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])
"""
# `watch` keeps one Rebuilder; its first build is the one before the first save.
# Before each timed rebuild one article (of a copy of the issue) is edited, as a save is.
WARM = """
import json, sys, time
from pathlib import Path
from compositor.watch import Rebuilder
folder = Path(sys.argv[1])
articles = sorted(folder.glob("*.md"))
article = articles[len(articles) // 2]
rebuilder = Rebuilder(folder, Path(sys.argv[2]))
rebuilder.build()
times = []
for run in range(int(sys.argv[3])):
    text = article.read_text(encoding="utf-8").rstrip("\\n")
    article.write_text(f"{text}第{run + 1}次修改。\\n", encoding="utf-8")
    start, cpu = time.perf_counter(), time.process_time()
    rebuilder.build()
    times.append((time.perf_counter() - start, time.process_time() - cpu))
print(json.dumps(times))
"""
# The state of a machine without libharfbuzz-subset0, simulated without uninstalling
# it (others build on this machine): WeasyPrint's handle to the library is set to None,
# so it falls back to fontTools exactly as when the library is missing.
WITHOUT_HB_SUBSET = """
import sys
import weasyprint.pdf.fonts, weasyprint.text.ffi
weasyprint.text.ffi.harfbuzz_subset = None
weasyprint.pdf.fonts.harfbuzz_subset = None
from compositor.cli import main
sys.argv = ["compositor", *sys.argv[1:]]
main()
"""
HAS_HB_SUBSET = """
from compositor.weasy.fonts import has_fast_subsetting
print(has_fast_subsetting())
"""
# Pure Python arithmetic: how much of the machine's cores other processes leave us.
SPIN = "sum(range(15_000_000))"


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu: float  # user + system time
    peak_mb: float


@dataclass(frozen=True)
class Measure:
    """Repeated runs of one program: the median times and the highest peak RSS."""

    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    def describe(self, rss: bool = True) -> str:
        text = f"{seconds(self.seconds)} (CPU {seconds(self.cpu)})"
        return f"{text}, {megabytes(self.peak_mb)}" if rss else text


def run_process(argv: Sequence[str]) -> Run:
    """Run a program to the end; its wall time, CPU time and peak resident memory."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=child_env()
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read().decode(errors="replace")
    process.stderr.close()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} failed:\n{errors}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def child_env() -> dict[str, str]:
    # A fixed date keeps builds reproducible; no bytecode writing keeps runs alike (the
    # bytecode is compiled once before any run: stages.compile_bytecode).
    return {**os.environ, "SOURCE_DATE_EPOCH": "1666051200", "PYTHONDONTWRITEBYTECODE": "1"}


def in_turns(times: int, programs: dict[str, list[str]]) -> dict[str, Measure]:
    """Each program once untimed (file caches warm, as in an editor's day), then
    ``times`` rounds of each program once."""
    for argv in programs.values():
        run_process(argv)
    runs: dict[str, list[Run]] = {name: [] for name in programs}
    for _ in range(times):
        for name, argv in programs.items():
            runs[name].append(run_process(argv))
    return {name: Measure(tuple(found)) for name, found in runs.items()}


def repeat(times: int, argv: list[str]) -> Measure:
    return in_turns(times, {"only": argv})["only"]


def compositor(*args: object) -> list[str]:
    return [PYTHON, "-m", "compositor", *map(str, args)]


def python_code(code: str, *args: object) -> list[str]:
    return [PYTHON, "-c", code, *map(str, args)]


def warm_rebuilds(folder: Path, output: Path, times: int) -> Measure:
    """Rebuilds in one process; its peak RSS is not measured (the cold build's is)."""
    result = subprocess.run(
        python_code(WARM, folder, output, times),
        cwd=ROOT,
        env=child_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    return Measure(tuple(Run(wall, cpu, 0.0) for wall, cpu in json.loads(result.stdout)))


def free_cores() -> float:
    """How many cores' worth of work two CPU-bound processes got done at once (2 on an
    idle 2-core machine): what the -j 2 batch can hope for at that moment."""
    alone = run_process(python_code(SPIN)).seconds
    start = time.perf_counter()
    pair = [subprocess.Popen(python_code(SPIN)) for _ in range(2)]
    for process in pair:
        process.wait()
    return 2 * alone / (time.perf_counter() - start)


def page_count(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


# --- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    ratio: str = ""
    target: str = ""
    met: bool | None = None  # by wall time, as the targets are set
    met_cpu: bool | None = None  # by CPU time: what a busy machine disturbs least

    def cells(self) -> list[str]:
        words = {True: "yes", False: "**no**", None: ""}
        verdict = words[self.met]
        if self.met_cpu is not None:
            verdict += f" (CPU: {words[self.met_cpu]})"
        return [self.label, self.value, self.ratio, self.target, verdict]


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def megabytes(value: float) -> str:
    return f"{value:.0f} MB"


def markdown_table(rows: Sequence[Row]) -> str:
    header = ["measurement", "value", "ratio (CPU-time ratio)", "target", "met (CPU: by CPU time)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


# --- the benchmark -----------------------------------------------------------------


def benchmark(work: Path, times: int, progress: Callable[[str], None], extras: bool) -> list[Row]:
    typst_file = typst_document(SAMPLE_ISSUE, work / "typst")
    html_file = plain_html(SAMPLE_ISSUE, work / "html")
    sample_pdf = work / "sample.pdf"
    few = max(1, times // 2)  # for the slow ones

    progress("(1) cold CLI build, (3) its peak RSS, raw WeasyPrint and Typst, in turns")
    measured = in_turns(
        times,
        {
            "cold": compositor("build", SAMPLE_ISSUE, "-o", sample_pdf),
            "weasy": python_code(RAW_WEASYPRINT, html_file, work / "w.pdf"),
            "typst": python_code(TYPST, typst_file, work / "t.pdf", FONTS_DIR, "shipped"),
        },
    )
    cold, weasy, typst = (measured[name] for name in ("cold", "weasy", "typst"))
    progress("(2) warm rebuilds, one article edited before each")
    warm = warm_rebuilds(copy_of_sample(work / "warm"), work / "warm.pdf", times)
    progress("(2) save to PDF in `compositor watch`")
    waits, _printed = watch_benchmark.watch_edits(
        copy_of_sample(work / "watch"), work / "watch.pdf", times
    )
    save = Measure(tuple(Run(wait, wait, 0.0) for wait in waits))  # wall time only
    progress("(4) 100-page issue")
    big_folder = synthetic_issue(work / "big", BIG_COPIES)
    big = repeat(few, compositor("build", big_folder, "-o", work / "big.pdf"))
    progress("(4) 300-page issue")
    huge_folder = synthetic_issue(work / "huge", HUGE_COPIES)
    huge = Measure((run_process(compositor("build", huge_folder, "-o", work / "huge.pdf")),))

    pages = page_count(sample_pdf)
    big_pages = page_count(work / "big.pdf")
    huge_pages = page_count(work / "huge.pdf")

    def ratio(ours: Measure, reference: Measure, digits: int = 2) -> tuple[float, str]:
        wall = ours.seconds / reference.seconds
        return wall, f"{wall:.{digits}f}× ({ours.cpu / reference.cpu:.{digits}f}×)"

    def versus_weasy(ours: Measure, limit: float, wall_only: bool = False):
        wall, text = ratio(ours, weasy)
        met_cpu = None if wall_only else ours.cpu / weasy.cpu <= limit
        if wall_only:
            text = f"{wall:.2f}×"
        text = f"{text} raw WeasyPrint; {ours.seconds / typst.seconds:.1f}× Typst"
        return text, wall <= limit, met_cpu

    cold_text, cold_met, cold_cpu = versus_weasy(cold, 1.15)
    warm_text, warm_met, warm_cpu = versus_weasy(warm, 0.45)
    save_text, save_met, _ = versus_weasy(save, 0.55, wall_only=True)
    rss = cold.peak_mb / weasy.peak_mb
    big_ratio, big_text = ratio(big, cold)
    rows = [
        Row(f"1. sample ({pages} pages), cold CLI build, median of {times}",
            cold.describe(), cold_text, "≤ 1.15× raw WeasyPrint", cold_met, cold_cpu),
        Row(f"2. sample, warm rebuild (watch's Rebuilder, one article edited), median of {times}",
            warm.describe(rss=False), warm_text, "≤ 0.45× raw WeasyPrint", warm_met, warm_cpu),
        Row(f"2. sample, save to PDF in `compositor watch`, median of {times}",
            seconds(save.seconds), save_text, "≤ 0.55× raw WeasyPrint", save_met),
        Row("3. sample, peak RSS of the cold build", megabytes(cold.peak_mb),
            f"{rss:.2f}× raw WeasyPrint ({megabytes(weasy.peak_mb)})", "≤ 1.3× raw WeasyPrint",
            rss <= 1.3),
        Row(f"4. synthetic issue ({big_pages} pages), cold CLI build, median of {few}",
            big.describe(), f"{big_text} the sample, for {big_pages / pages:.1f}× the pages",
            "≤ 9× sample", big_ratio <= 9, big.cpu / cold.cpu <= 9),
        Row(f"4. synthetic issue ({huge_pages} pages), cold CLI build, once",
            huge.describe(), f"{ratio(huge, cold)[1]} the sample",
            f"peak RSS < {HUGE_LIMIT_MB} MB", huge.peak_mb < HUGE_LIMIT_MB),
        Row(f"raw WeasyPrint, equivalent plain HTML, cold, median of {times}",
            weasy.describe()),
        Row(f"Typst, same text, shipped fonts only, cold, median of {times}",
            typst.describe()),
    ]  # fmt: skip
    if extras:
        rows += extra_rows(work, few, cold)
    return rows


def copy_of_sample(parent: Path) -> Path:
    """A copy of the sample's publication, so that edits never touch the repository."""
    shutil.copytree(SAMPLE_ISSUE.parent, parent / SAMPLE_ISSUE.parent.name)
    return parent / SAMPLE_ISSUE.parent.name / SAMPLE_ISSUE.name


def extra_rows(work: Path, few: int, cold: Measure) -> list[Row]:
    """Issue 8's batch and hb-subset measurements (``--extras``)."""
    no_subset = repeat(
        few, python_code(WITHOUT_HB_SUBSET, "build", SAMPLE_ISSUE, "-o", work / "n.pdf")
    )
    batch = [str(folder) for folder in issue_batch(work / "batch", BATCH_SIZE)]
    cores = free_cores()
    serial = Measure((run_process(compositor("build", *batch, "-j", 1, "-o", work / "j1")),))
    parallel = Measure((run_process(compositor("build", *batch, "-j", 2, "-o", work / "j2")),))
    cores = min(cores, free_cores())
    batch_ratio = parallel.seconds / serial.seconds
    return [
        Row(f"batch of {BATCH_SIZE} samples, `build … -j 2`", parallel.describe(),
            f"{batch_ratio:.2f}× `-j 1` ({serial.describe(rss=False)}); "
            f"{cores:.1f} cores were free"),
        Row(f"sample, cold CLI build without hb-subset (simulated), median of {few}",
            no_subset.describe(), f"{no_subset.seconds / cold.seconds:.1f}× with hb-subset"),
    ]  # fmt: skip


# --- machine facts and the results file --------------------------------------------


def machine_facts() -> dict[str, str]:
    import typst
    import weasyprint

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git commit": git_commit(),
        "CPU": cpu_model(),
        "cores": str(os.cpu_count()),
        "load average at start": load_average(),
        "Python": platform.python_version(),
        "WeasyPrint": weasyprint.__version__,
        "Typst (PyPI typst)": getattr(typst, "__version__", "?"),
        "libharfbuzz-subset0 used by WeasyPrint": subprocess.run(
            python_code(HAS_HB_SUBSET), capture_output=True, text=True, cwd=ROOT
        ).stdout.strip(),
    }


def load_average() -> str:
    """Other processes' demand for the cores: the noise on every wall time here."""
    return " ".join(f"{load:.2f}" for load in os.getloadavg()) + " (1, 5, 15 min)"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()

    changed = git("status", "--porcelain", "--", "compositor", "layouts", "fonts")
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if changed else "")


def profile_section(work: Path, times: int) -> str:
    sample_html = plain_html(SAMPLE_ISSUE, work / "timed-html")
    timed = stages.timed_cold(SAMPLE_ISSUE, sample_html, work, times)
    big_folder = synthetic_issue(work / "timed-big", BIG_COPIES)
    big_html = plain_html(big_folder, work / "timed-big-html")
    timed_big = stages.timed_cold(big_folder, big_html, work, 1)
    cold = stages.markdown(*stages.profile_cold(SAMPLE_ISSUE, work), "cold CLI build")
    warm = stages.markdown(*stages.profile_warm(SAMPLE_ISSUE, work), "warm rebuild")
    return "\n".join(
        [
            "## Where the time goes, stage by stage (stages.py)",
            "",
            "CPU time of each stage in unprofiled cold builds (Python's own start, about",
            "0.07 s, is outside these tables), raw WeasyPrint's beside it. The sample:",
            "",
            timed,
            "",
            f"The synthetic issue ({BIG_COPIES} copies of the sample's articles), one run:",
            "",
            timed_big,
            "",
            "cProfile of the sample (it slows Python code down: compare shares, not seconds):",
            "",
            cold,
            "",
            warm,
        ]
    )


def report(label: str, facts: dict[str, str], rows: Sequence[Row], profile: str, notes: str):
    lines = [f"# Benchmark {facts['date'][:10]} — {label}", ""]
    lines += [f"- {key}: {value}" for key, value in facts.items()]
    lines += ["", markdown_table(rows), ""]
    if notes:
        lines += [notes.strip(), ""]
    if profile:
        lines += [profile, ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="run", help="names the results file")
    parser.add_argument("--times", type=int, default=5, help="runs per median (default 5)")
    parser.add_argument("--notes", default="", help="text added to the results file")
    parser.add_argument("--no-profile", action="store_true", help="skip the stage profile")
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--extras", action="store_true", help="also issue 8's batch and hb rows")
    options = parser.parse_args()

    facts = machine_facts()
    stages.compile_bytecode()  # as pip install does: see there
    with tempfile.TemporaryDirectory(prefix="compositor-bench-") as work:
        rows = benchmark(
            Path(work), options.times, lambda text: print(text, file=sys.stderr), options.extras
        )
        facts["load average at end"] = load_average()
        profile = "" if options.no_profile else profile_section(Path(work), options.times)
    text = report(options.label, facts, rows, profile, options.notes)
    print(text)
    if not options.no_write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{facts['date'][:10]}-{options.label}.md"
        path.write_text(text, encoding="utf-8")
        print(f"written to {path.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
