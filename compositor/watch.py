"""``compositor watch``: rebuild an issue's PDF on every save, in one warm process.

A cold ``compositor build`` pays for starting Python, importing WeasyPrint and
reading the fonts' character maps before it lays out a single line. ``watch``
pays that once: the ``Rebuilder`` keeps the imported modules and a build session
(``build.BuildSession``: the font set and parsed styles) and only re-reads the content
and the layout, which an editor or a designer may have just changed.
"""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from compositor.build import LAYOUTS_DIR, BuildResult, BuildSession
from compositor.content import PUBLICATION_FILE, require_directory
from compositor.errors import CompositorError
from compositor.i18n import N_, _
from compositor.targets import check_pdf_target

# What a save can change: articles, issue and publication facts, templates and CSS.
SOURCE_SUFFIXES = frozenset({".md", ".toml", ".css", ".j2", ".html"})
# Pictures (issue 14) live in the issue folder or a folder under it.
PICTURE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".svg"})
ARM_MS = 200  # how long the file watcher waits for changes before checking back in


class StopFlag(Protocol):
    """What stops a watch: a ``threading.Event``, or the CLI's flag set by SIGTERM and
    Ctrl+C (watchfiles asks ``is_set()`` at every step)."""

    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Outcome:
    """One build: its result or the error that stopped it, and how long it took."""

    seconds: float
    result: BuildResult | None = None
    error: str = ""


class Rebuilder:
    """Builds one issue folder again and again, keeping what does not change between saves."""

    def __init__(self, folder: Path, output: Path | None = None) -> None:
        import weasyprint  # noqa: F401  -- the slowest import, paid before the first save

        self.folder = Path(folder)
        self.output = output
        self.session = BuildSession()  # the font set and the parsed styles, kept warm
        if not gc.get_freeze_count():
            # What is loaded so far (WeasyPrint, fontTools, the font set) lives as long as
            # the process, and every full collection walked it again: one rebuild in
            # three paid 0.07-0.09 s for that. Collected once, it is frozen out of the
            # collector's sight (rebuilds: 0.04 -> 0.02 s of collection on average).
            # Once per process: `compositor watch` froze its imports already.
            gc.collect()
            gc.freeze()

    def build(self) -> BuildResult:
        return self.session.build(self.folder, self.output)

    def timed_build(self, debug: bool = False) -> Outcome:
        """Build and never raise: an editor's mistake must not end the watch."""
        start = time.perf_counter()
        try:
            result = self.build()
        except CompositorError as error:
            return Outcome(
                time.perf_counter() - start, error=_("error: {error}").format(error=error)
            )
        except Exception as error:  # a bug; keep watching, the next save may avoid it
            detail = traceback.format_exc() if debug else f"{type(error).__name__}: {error}"
            said = _("internal error: {detail}").format(detail=detail)
            return Outcome(time.perf_counter() - start, error=said)
        return Outcome(time.perf_counter() - start, result=result)

    def sources(self) -> tuple[Path, ...]:
        """The folders to watch: the issue, its publication (for publication.toml), layouts."""
        folder = self.folder.resolve()
        return (folder, folder.parent, LAYOUTS_DIR.resolve())

    def is_source(self, path: Path) -> bool:
        """Whether a changed file is one the PDF is made from (not the PDF, not editor
        swap or backup files, not another issue)."""
        folder = self.folder.resolve()
        if path.suffix.lower() in PICTURE_SUFFIXES:
            return path.is_relative_to(folder)
        if path.suffix not in SOURCE_SUFFIXES:
            return False
        return (
            path.parent == folder
            or path == folder.parent / PUBLICATION_FILE
            or path.is_relative_to(LAYOUTS_DIR.resolve())
        )


# What describe says of a build: the first one, then each after a save.
BUILT = (
    N_("built {path} ({count} page) in {seconds} s"),
    N_("built {path} ({count} pages) in {seconds} s"),
)
REBUILT = (
    N_("rebuilt {path} ({count} page) in {seconds} s"),
    N_("rebuilt {path} ({count} pages) in {seconds} s"),
)


def describe(outcome: Outcome, said: tuple[str, str]) -> str:
    seconds = f"{outcome.seconds:.2f}"
    if outcome.result is None:
        waiting = _("(failed after {seconds} s; waiting for the next save)")
        return f"{outcome.error}\n{waiting.format(seconds=seconds)}"
    result = outcome.result
    lines = [str(warning) for warning in result.warnings]  # what `check` would say
    done = _(said[0] if result.pages == 1 else said[1])
    lines.append(done.format(path=result.path, count=result.pages, seconds=seconds))
    return "\n".join(lines)


def watch(
    folder: Path,
    output: Path | None = None,
    *,
    echo: Callable[[str], None] = print,
    debug: bool = False,
    stop: StopFlag | None = None,
) -> None:
    """Build once, then again after every save, until interrupted (or ``stop`` is set)."""
    import watchfiles

    require_directory(Path(folder))  # watchfiles cannot watch what is not there
    if output is not None:
        check_pdf_target(Path(output))
    rebuilder = Rebuilder(folder, output)
    changes = watchfiles.watch(
        *rebuilder.sources(),
        watch_filter=lambda _change, path: rebuilder.is_source(Path(path)),
        stop_event=stop,
        raise_interrupt=False,
        # The generator starts watching on its first step and yields an empty set on each
        # timeout: one step arms it before the first build, so no save is ever missed.
        rust_timeout=ARM_MS,
        yield_on_timeout=True,
    )
    with rebuilder.session:  # its font copies are removed however the watch ends
        next(changes, None)
        echo(describe(rebuilder.timed_build(debug), BUILT))
        echo(_("watching {folder} for changes (Ctrl+C to stop)").format(folder=folder))
        for batch in changes:
            if batch:
                changed = _names(path for _change, path in batch)
                echo(_("changed: {files}").format(files=changed))
                echo(describe(rebuilder.timed_build(debug), REBUILT))


def _names(paths: Iterable[str]) -> str:
    return ", ".join(sorted({Path(path).name for path in paths}))
