"""The engine-by-engine comparison of PDFs, as a Markdown table (issue 12).

    python3 benchmarks/engines.py                      # the sample, built in its three outputs
    python3 benchmarks/engines.py screen.pdf x4.pdf    # PDFs made elsewhere (e.g. an old build)

For each PDF and engine (poppler, MuPDF, Ghostscript): the pages drawn differently
from pdfium, the warnings the engine printed, and whether the text it extracts is
pdfium's with lines as lines (see compositor/preflight/engines.py for the measures).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compositor.preflight.engines import compare_engines  # noqa: E402

OUTPUTS = {"screen": [], "PDF/X-4": ["--press"], "PDF/X-1a": ["--press", "--pdf-x", "1a"]}


def build_sample(folder: Path) -> dict[str, Path]:
    pdfs = {}
    for name, options in OUTPUTS.items():
        target = folder / (name.replace("/", "") + ".pdf")
        command = [sys.executable, "-m", "compositor", "build", str(ROOT / "content/torch/2022-17")]
        subprocess.run([*command, "-o", str(target), *options], check=True, cwd=ROOT)
        pdfs[name] = target
    return pdfs


def table(pdfs: dict[str, Path]) -> list[str]:
    lines = [
        "| output | engine | pages drawn differently | worst page | warnings | text as pdfium's |",
        "|---|---|---|---|---|---|",
    ]
    for name, pdf in pdfs.items():
        for result in compare_engines(pdf):
            if not result.available:
                lines.append(f"| {name} | {result.engine} | not installed | | | |")
                continue
            text = "—" if not result.text_checked else ("yes" if not result.text_problems else "no")
            lines.append(
                f"| {name} | {result.engine} | {len(result.different_pages)} of "
                f"{result.pages_drawn} | {result.worst:.2%} | "
                f"{sum(_count(w) for w in result.warnings)} | {text} |"
            )
    return lines


def _count(warning: str) -> int:
    """A warning printed n times is kept once as 'text (×n)'."""
    if warning.endswith(")") and "(×" in warning:
        return int(warning.rsplit("(×", 1)[1][:-1])
    return 1


def main(arguments: list[str]) -> None:
    if arguments:
        print("\n".join(table({Path(p).name: Path(p) for p in arguments})))
        return
    with tempfile.TemporaryDirectory() as folder:
        print("\n".join(table(build_sample(Path(folder)))))


if __name__ == "__main__":
    main(sys.argv[1:])
