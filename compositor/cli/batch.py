"""``compositor build A B C …``: several issues at once, in parallel processes.

Layout is CPU-bound Python, so threads would take turns on one core; each issue
is built in its own worker process instead. A failing issue is reported in the
summary and does not stop the others.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from compositor.errors import CompositorError
from compositor.i18n import _, ngettext, pgettext
from compositor.targets import check_distinct_outputs


@dataclass(frozen=True)
class Job:
    """One issue to build. ``options`` are passed on to ``BuildSession.build`` as keywords,
    so build options (such as the press ones) apply to every issue of a batch."""

    folder: Path
    output_dir: Path
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    folder: Path
    seconds: float
    path: Path | None = None
    pages: int | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def build_job(job: Job) -> Outcome:
    """Build one issue into ``output_dir/<publication>-<year>-<number>.pdf``; never raises,
    so that one issue's failure is only that issue's."""
    from compositor.build import BuildSession

    start = time.perf_counter()
    try:
        with BuildSession() as session:
            result = session.build(job.folder, output_dir=job.output_dir, **job.options)
    except CompositorError as error:
        return Outcome(job.folder, time.perf_counter() - start, error=str(error))
    except Exception as error:  # a bug: report it with this issue, keep building the others
        message = _("{folder}: internal error: {detail}").format(
            folder=job.folder, detail=f"{type(error).__name__}: {error}"
        )
        return Outcome(job.folder, time.perf_counter() - start, error=message)
    return Outcome(job.folder, time.perf_counter() - start, result.path, result.pages)


def output_name(folder: Path) -> str:
    """The file an issue folder builds to, ``<publication>-<year>-<number>.pdf``; for a
    folder that cannot be read, its own path (its build fails and says why)."""
    from compositor.content import read_issue

    try:
        return f"{read_issue(folder).slug}.pdf"
    except CompositorError:
        return str(Path(folder).resolve())


def build_all(
    jobs: Sequence[Job],
    workers: int | None = None,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
) -> list[Outcome]:
    """Build every job with ``workers`` processes (default: one per core); outcomes are
    returned in the order of ``jobs``, and ``on_done`` is called as each one finishes."""
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    outcomes: dict[int, Outcome] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(build_job, job): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                outcome = future.result()
            except Exception as error:  # the worker process itself died (e.g. out of memory)
                outcome = Outcome(jobs[index].folder, 0.0, error=f"worker failed: {error!r}")
            outcomes[index] = outcome
            on_done(outcome)
    return [outcomes[index] for index in range(len(jobs))]


def run_batch(
    folders: Sequence[Path], output_dir: Path, workers: int | None, options: dict
) -> list[Outcome]:
    """The CLI's batch build: a progress bar while building, then the summary table."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    # A shell glob such as content/torch/* also matches publication.toml.
    for path in folders:
        if Path(path).is_file():
            skipped = _("skipped {path}: a file, not an issue folder").format(path=path)
            errors.print(skipped, markup=False)
    jobs = [
        Job(Path(path), Path(output_dir), options) for path in folders if not Path(path).is_file()
    ]
    if not jobs:
        raise CompositorError(_("none of the paths given is an issue folder"))
    if Path(output_dir).is_file() or Path(output_dir).suffix.lower() == ".pdf":
        message = _("with several issues, -o names a folder, not a file")
        raise CompositorError(message, output_dir)
    check_distinct_outputs((job.folder, output_name(job.folder)) for job in jobs)
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task(_("building"), total=len(jobs))
        outcomes = build_all(jobs, workers, lambda _outcome: progress.advance(task))
    Console().print(summary_table(outcomes))
    for outcome in outcomes:
        if not outcome.ok:
            errors.print(_("error: {error}").format(error=outcome.error), markup=False)
    return outcomes


def summary_table(outcomes: Sequence[Outcome]):
    from rich.table import Table

    failed = sum(not outcome.ok for outcome in outcomes)
    table = Table(
        title=ngettext(
            "{count} issue, {failed} failed", "{count} issues, {failed} failed", len(outcomes)
        ).format(count=len(outcomes), failed=failed),
        caption=_("Output: {folder}").format(folder=_common_dir(outcomes) or _("none")),
    )
    table.add_column(
        pgettext("batch table", "issue"), overflow="fold"
    )  # a path must never lose characters
    table.add_column(_("pages"), justify="right")
    table.add_column(_("time"), justify="right")
    table.add_column(_("status"))
    for outcome in outcomes:
        table.add_row(
            str(outcome.folder),
            "" if outcome.pages is None else str(outcome.pages),
            f"{outcome.seconds:.1f} s",
            _("ok") if outcome.ok else "[red]" + _("FAILED") + "[/red]",
        )
    return table


def _common_dir(outcomes: Sequence[Outcome]) -> str:
    paths = [outcome.path for outcome in outcomes if outcome.path is not None]
    return str(paths[0].parent) if paths else ""
