"""``compositor preview``: serve an issue's pages to the browser and rebuild on every save."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from typing import TYPE_CHECKING

from compositor.content import require_directory
from compositor.watch import ARM_MS, StopFlag

if TYPE_CHECKING:  # imported when a preview starts, not with every command
    from compositor.preview.live import Preview
    from compositor.preview.server import PreviewServer

# A save is one write: 10 ms with no other change and it is whole (watchfiles' default
# waits 50 ms, a tenth of the save-to-pixels budget).
SAVE_STEP_MS = 10

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Running:
    """A started preview, for the caller that started it (the CLI, a test)."""

    url: str  # with ?token=…
    server: PreviewServer
    preview: Preview


def loopback(host: str) -> bool:
    return host in ("127.0.0.1", "localhost", "::1")


def start(
    folder: Path,
    *,
    host: str = LOOPBACK,
    port: int = 0,
    against: Path | None = None,
    editor: str | None = None,
) -> Running:
    """Build the issue once, then serve it from a thread; the caller runs ``watch``."""
    from compositor.preview.live import Preview
    from compositor.preview.server import PreviewServer

    require_directory(Path(folder))
    preview = Preview(folder, against=against)
    preview.rebuild()
    token = secrets.token_urlsafe(24)
    editor = os.environ.get("COMPOSITOR_EDITOR", "") if editor is None else editor
    server = PreviewServer((host, port), preview, token, editor)
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    shown = "127.0.0.1" if host in ("", "0.0.0.0") else host  # noqa: S104 -- only printed
    shown = f"[{shown}]" if ":" in shown else shown
    return Running(f"http://{shown}:{server.server_address[1]}/?token={token}", server, preview)


def watch(
    running: Running,
    *,
    echo: Callable[[str], None] = print,
    stop: StopFlag | None = None,
    armed: Event | None = None,
) -> None:
    """Rebuild after every save of the issue's sources until interrupted or ``stop``;
    ``armed`` is set once the watcher sees saves."""
    import watchfiles

    preview = running.preview
    rebuilder = preview.rebuilder
    changes = watchfiles.watch(
        *rebuilder.sources(),
        watch_filter=lambda _change, path: rebuilder.is_source(Path(path)),
        stop_event=stop,
        raise_interrupt=False,
        rust_timeout=ARM_MS,
        yield_on_timeout=True,
        step=SAVE_STEP_MS,
    )
    next(changes, None)  # the first step arms the watcher (see compositor/watch.py)
    if armed is not None:
        armed.set()
    for batch in changes:
        if batch:
            event = preview.rebuild()
            if event.kind == "error":
                echo(f"{preview.error}\n(keeping the last good pages; waiting for the next save)")
            else:
                echo(f"rebuilt in {preview.seconds:.2f} s ({len(preview.images.keys)} pages)")


def stop_running(running: Running) -> None:
    running.server.shutdown()
    running.server.server_close()
    running.preview.close()


@contextmanager
def serving(folder: Path, **options) -> Iterator[Running]:
    """A preview served and watching in threads of this process, for the ``with`` block
    (tests, benchmarks/preview.py); ``options`` are ``start``'s."""
    running = start(folder, **options)
    stop, armed = Event(), Event()
    watcher = threading.Thread(
        target=watch,
        args=(running,),
        kwargs={"echo": lambda _line: None, "stop": stop, "armed": armed},
        name="preview-watch",
        daemon=True,
    )
    watcher.start()
    armed.wait(30)
    try:
        yield running
    finally:
        stop.set()
        watcher.join(10)
        stop_running(running)
