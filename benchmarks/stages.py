"""Where a build's time goes: cProfile's cumulative time of each pipeline stage.

Used by run.py for the results file (issue 8 asks for the profile with the numbers):

    python3 benchmarks/stages.py          # prints the cold and warm tables

A cold CLI build and warm rebuilds (watch's Rebuilder) are profiled in child
processes; each stage is a function whose cumulative time is looked up by file and
name. cProfile slows Python code down by up to half, so the shares matter more than
the seconds. A stage whose function was renamed shows as "not found".
"""

from __future__ import annotations

import json
import os
import pstats
import shutil
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
    ("render the HTML (Jinja2)", "compositor/render/html.py", "render_html"),
    (
        "parse CSS, load @font-face fonts (pdf.parse_styles)",
        "compositor/render/pdf.py",
        "parse_styles",
    ),
    (
        "seam self-check (check_internals)",
        "compositor/weasy/internals.py",
        "check_internals",
    ),
    (
        "make-up self-check (check_makeup_internals)",
        "compositor/weasy/makeup.py",
        "check_makeup_internals",
    ),
    ("lay out, every layout (WeasyPrint HTML.render)", "weasyprint/__init__.py", "render"),
    (
        "  of which CJK line breaking and spacing",
        "compositor/weasy/linebreak.py",
        "_split_first_line",
    ),
    ("  of which whole-line blocks (line_grid)", "compositor/weasy/makeup.py", "_snap_to_lines"),
    ("page make-up: 齐底, colophon (page_makeup)", "compositor/weasy/makeup.py", "page_makeup"),
    ("  of which the second layout, when needed", "compositor/render/pdf.py", "relayout"),
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
from compositor.watch import Rebuilder
folder = Path(sys.argv[2])
articles = sorted(folder.glob("*.md"))
article = articles[len(articles) // 2]
rebuilder = Rebuilder(folder, Path(sys.argv[3]))
rebuilder.build()
profiler = cProfile.Profile()
for run in range(int(sys.argv[4])):  # one article edited before each rebuild, as a save
    text = article.read_text(encoding="utf-8").rstrip("\\n")
    article.write_text(f"{text}第{run + 1}次修改。\\n", encoding="utf-8")
    profiler.enable()
    rebuilder.build()
    profiler.disable()
profiler.dump_stats(sys.argv[1])
"""


# Timed without a profiler: each stage's CPU time (time.process_time) in a plain cold
# run, by wrapping the stage's function. (owner module, attribute path, label); indented
# labels are parts of a stage above them, and a stage called twice is summed.
TIMED = (
    ("compositor.weasy.importing", "import_weasyprint", "import WeasyPrint"),
    ("compositor.build", "BuildSession.__init__", "font set (manifest)"),
    ("compositor.build", "read_findings", "read and validate the content"),
    ("compositor.build", "check_issue_coverage", "check the fonts cover the text"),
    ("compositor.build", "typeset_issue", "normalise the text"),
    ("compositor.build", "render_html", "render the HTML (Jinja2)"),
    ("compositor.weasy.internals", "_verify_internals", "seam self-check"),
    ("compositor.weasy.makeup", "_verify_makeup_internals", "make-up self-check"),
    ("compositor.render.pdf", "parse_styles", "parse CSS, load the fonts into fontconfig"),
    ("compositor.weasy.fonts", "shipped_font_configuration", "  of which shipped fonts only"),
    ("weasyprint", "HTML.render", "lay out (every layout)"),
    ("compositor.weasy.linebreak", "_split_first_line", "  of which CJK line breaking"),
    ("compositor.weasy.makeup", "page_makeup", "page make-up (齐底, colophon)"),
    ("weasyprint.document", "Document.write_pdf", "write the PDF"),
    ("weasyprint.document", "Page.paint", "  of which drawing pages"),
    ("weasyprint.pdf.fonts", "Font.subset", "  of which font subsetting"),
    ("pydyf", "PDF.write", "  of which serialising, compressing streams"),
    ("compositor.build", "write_atomically", "write the file"),
)
TIMED_COLD = """
import functools, importlib, json, sys, time
start = time.process_time()
totals = {}
def wrap(module, path, label):
    owner = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    original = getattr(owner, name, None)
    if original is None:
        return
    @functools.wraps(original)  # the seam's self-checks read some of these functions' source
    def timed(*args, **kwargs):
        begin = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.process_time() - begin
            totals[label + " (calls)"] = totals.get(label + " (calls)", 0) + 1
    setattr(owner, name, timed)
stages = json.loads(sys.argv[1])
wrap(*stages[0])  # import_weasyprint: before anything imports WeasyPrint
import compositor.cli as cli
totals["import typer and the CLI"] = time.process_time() - start
with cli.imports_for_the_process():  # as the build command imports (collector paused)
    import compositor.weasy.importing
    compositor.weasy.importing.import_weasyprint()
    before = time.process_time()
    import compositor.build, compositor.render.pdf, compositor.weasy.linebreak
    totals["import compositor's pipeline"] = time.process_time() - before
for stage in stages[1:]:
    wrap(*stage)
command = cli.build
sys.argv = ["compositor", "build", sys.argv[2], "-o", sys.argv[3]]
began = time.process_time()
try:
    cli.main()
except SystemExit:
    pass
totals["whole (after Python's start)"] = time.process_time() - start
print(json.dumps(totals))
"""
TIMED_RAW = """
import json, sys, time
start = time.process_time()
totals = {}
import weasyprint
totals["import WeasyPrint"] = time.process_time() - start
begin = time.process_time()
html = weasyprint.HTML(filename=sys.argv[1])
totals["parse the HTML"] = time.process_time() - begin
begin = time.process_time()
document = html.render()
totals["lay out (every layout)"] = time.process_time() - begin
begin = time.process_time()
document.write_pdf(sys.argv[2])
totals["write the PDF"] = time.process_time() - begin
totals["whole (after Python's start)"] = time.process_time() - start
print(json.dumps(totals))
"""


def timed_cold(issue: Path, html_file: Path, work: Path, times: int) -> str:
    """A Markdown table: each stage's CPU time in plain cold runs (no profiler), median of
    ``times``, compositor beside raw WeasyPrint on the equivalent plain HTML, in turns."""
    import statistics

    ours: list[dict] = []
    raw: list[dict] = []
    stages_json = json.dumps(TIMED)
    for _ in range(times):
        ours.append(_child(TIMED_COLD, stages_json, issue, work / "timed.pdf"))
        raw.append(_child(TIMED_RAW, html_file, work / "raw.pdf"))

    def median(runs: list[dict], label: str) -> str:
        values = [run.get(label) for run in runs]
        if any(value is None for value in values):
            return "not called"
        return f"{statistics.median(values):.3f}"

    labels = ["import typer and the CLI"] + [label for *_, label in TIMED[:1]]
    labels += ["import compositor's pipeline"] + [label for *_, label in TIMED[1:]]
    labels += ["whole (after Python's start)"]
    lines = [
        f"| cold build, CPU s, median of {times} (no profiler) | compositor | raw WeasyPrint |",
        "|---|---|---|",
    ]
    for label in labels:
        calls = ours[0].get(label + " (calls)", 1)
        named = f"{label} ({calls} calls)" if calls > 1 and "page" not in label else label
        theirs = median(raw, label) if label in raw[0] else ""
        lines.append(f"| {named} | {median(ours, label)} | {theirs} |")
    lines.append(f"| parse the HTML (raw: its own stage) | | {median(raw, 'parse the HTML')} |")
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Compile this checkout's compositor to bytecode (__pycache__, ignored by git) before
    anything is timed.

    The timed processes run with PYTHONDONTWRITEBYTECODE=1, so that no run leaves files
    behind for the next; but without bytecode on disk every one of them compiled about
    40 compositor modules from source (0.06 s of CPU), while WeasyPrint's modules load
    from the bytecode pip wrote when it installed them. ``pip install`` compiles an
    installed compositor the same way, so this is what an editor's build costs."""
    import compileall

    if not compileall.compile_dir(ROOT / "compositor", quiet=1):
        raise RuntimeError("compositor does not compile")


def _child(code: str, *args: object) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1666051200", "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"timing failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass(frozen=True)
class Stage:
    label: str
    seconds: float | None  # None: the function was not called or not found


def profile_cold(issue: Path, work: Path) -> tuple[float, list[Stage]]:
    """One cold CLI build: its total time under cProfile and its stages."""
    stats = _profile(COLD, work / "cold.prof", issue, work / "cold.pdf")
    return stats.total_tt, stages(stats, divide=1)


def profile_warm(issue: Path, work: Path) -> tuple[float, list[Stage]]:
    """Warm rebuilds, each after an edit of one article (of a copy of the issue): the time
    of one under cProfile (mean of WARM_BUILDS) and its stages."""
    copy = work / "warm-content" / issue.parent.name
    shutil.copytree(issue.parent, copy, dirs_exist_ok=True)  # edited, never the original
    stats = _profile(WARM, work / "warm.prof", copy / issue.name, work / "warm.pdf", WARM_BUILDS)
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
    sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]  # this checkout's compositor
    from references import plain_html

    from compositor.build import SAMPLE_ISSUE

    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="compositor-stages-") as work:
        html_file = plain_html(SAMPLE_ISSUE, Path(work) / "html")
        print(timed_cold(SAMPLE_ISSUE, html_file, Path(work), 3))
        print()
        print(markdown(*profile_cold(SAMPLE_ISSUE, Path(work)), "cold CLI build, cProfile"))
        print()
        print(markdown(*profile_warm(SAMPLE_ISSUE, Path(work)), "warm rebuild, cProfile"))


if __name__ == "__main__":
    main()
