"""What the tagged screen edition (issue 28: PDF/UA-1 + PDF/A-2a) costs a cold build.

    python3 benchmarks/tagging.py [--times N]

Cold CLI builds of the sample in fresh processes, in turns as benchmarks/run.py runs
them: tagged (the default), untagged (``--pdf-standard none``, what a build was before),
raw WeasyPrint on the equivalent plain HTML (run.py's floor), and raw WeasyPrint with
its own ``pdf/ua-1`` variant on that HTML (what tagging costs WeasyPrint itself).
Prints median wall and CPU times and the ratios to raw WeasyPrint.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import run  # first: it puts this checkout's compositor first on sys.path
from references import plain_html

from compositor.build import SAMPLE_ISSUE

RAW_WEASYPRINT_UA = """
import sys, weasyprint
weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], pdf_variant="pdf/ua-1")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=5)
    times = parser.parse_args().times
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        html = plain_html(SAMPLE_ISSUE, work / "html")
        measured = run.in_turns(
            times,
            {
                "tagged": run.compositor("build", SAMPLE_ISSUE, "-o", work / "tagged.pdf"),
                "untagged": run.compositor(
                    "build", SAMPLE_ISSUE, "--pdf-standard", "none", "-o", work / "plain.pdf"
                ),
                "weasy": run.python_code(run.RAW_WEASYPRINT, html, work / "w.pdf"),
                "weasy-ua": run.python_code(RAW_WEASYPRINT_UA, html, work / "wua.pdf"),
            },
        )
    weasy = measured["weasy"]
    for name, measure in measured.items():
        ratio = f"{measure.seconds / weasy.seconds:.2f}× ({measure.cpu / weasy.cpu:.2f}×)"
        times = f"{run.seconds(measure.seconds)} (CPU {run.seconds(measure.cpu)})"
        print(f"{name:9} {times}  {ratio} raw WeasyPrint")


if __name__ == "__main__":
    main()
