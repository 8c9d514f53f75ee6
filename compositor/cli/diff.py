"""``compositor diff``: build issue folders if given, diff the PDFs, report to the terminal.

The command itself is declared in cli/__init__.py; this module holds what it does, so that the heavy
imports (pdfium, numpy, the build pipeline) happen only when a diff is asked for.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from compositor.diff.report import DEFAULT_DPI, DiffReport, diff_pdfs
from compositor.scratch import scratch_folder

IDENTICAL, DIFFERENT = 0, 1


def run_diff(old: Path, new: Path, *, out_dir: Path | None, dpi: int | None, as_json: bool) -> int:
    """Diff two PDFs or issue folders and print the report; returns the exit status.

    Raises CompositorError (missing or unreadable file, content error in a folder).
    """
    console = Console(stderr=True)
    with pdfs_for(old, new, console) as (old_pdf, new_pdf):
        report = diff_with_progress(old_pdf, new_pdf, out_dir, dpi or DEFAULT_DPI, console)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(report_text(report))
    return IDENTICAL if report.identical else DIFFERENT


@contextmanager
def pdfs_for(old: Path, new: Path, console: Console) -> Iterator[tuple[Path, Path]]:
    """The two PDFs to compare: PDFs as given, issue folders built into a temporary folder."""
    with scratch_folder("diff") as workdir:
        yield (
            built_if_folder(old, Path(workdir) / f"old-{old.name}.pdf", console),
            built_if_folder(new, Path(workdir) / f"new-{new.name}.pdf", console),
        )


def built_if_folder(path: Path, target: Path, console: Console) -> Path:
    if not path.is_dir():
        return path
    from compositor.build import build_issue

    with console.status(f"building {path}"):
        return build_issue(path, target).path


def diff_with_progress(
    old: Path, new: Path, out_dir: Path | None, dpi: int, console: Console
) -> DiffReport:
    """diff_pdfs with a progress bar on stderr (only on a terminal: logs stay clean)."""
    columns = (TextColumn("comparing pages"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, console=console, transient=True, disable=not console.is_terminal
    ) as bar:
        task = bar.add_task("diff", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return diff_pdfs(old, new, dpi=dpi, out_dir=out_dir, progress=advance)


def report_text(report: DiffReport) -> str:
    """The pages that differ, each with its regions, articles and text diff; then a summary."""
    lines = []
    for page in report.differences:
        regions = "; ".join(region.describe() for region in page.regions)
        lines.append(
            f"{page.name}: {page.status}" + (f" — regions (mm): {regions}" if regions else "")
        )
        if page.articles:
            lines.append("  articles: " + "; ".join(page.articles))
        lines.extend("  " + line for line in page.text_diff.splitlines())
    lines.append(report.summary())
    if report.index is not None:
        lines.append(f"images: {report.index}")
    elif not report.identical:
        lines.append("add --out DIR for side-by-side images and an index.html")
    return "\n".join(lines)
