"""Temporary folders that a killed process does not leave behind for good.

A build keeps WeasyPrint's copies of the fonts (18 MB) in a temporary folder, and
``diff``, the engine checks and the importers draw or convert into one. They are
removed when the work ends, even on an error or Ctrl-C; a process killed outright
(``kill -9``, the out-of-memory killer, a closed container) cannot remove anything.
So each folder is named after its kind and its process, and making a folder of a kind
first removes this user's folders of that kind whose process is gone.

A folder is only taken for abandoned when its process no longer exists *and* it has
not changed for ``STALE_AFTER`` seconds: process numbers of another PID namespace
sharing the temp directory (containers) mean nothing here, but no build, check or
import keeps a folder untouched that long before it is done with it.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

PREFIX = "compositor-"
STALE_AFTER = 3600  # seconds


def scratch_folder(kind: str) -> tempfile.TemporaryDirectory:
    """A new ``TemporaryDirectory`` named ``compositor-<kind>-<pid>-…``, made after
    removing the abandoned folders of that kind."""
    remove_abandoned(kind)
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{kind}-{os.getpid()}-")


def remove_abandoned(kind: str, now: float | None = None) -> list[Path]:
    """Remove this user's ``kind`` folders whose process is gone and which have not
    changed for ``STALE_AFTER`` seconds; the folders removed."""
    now = time.time() if now is None else now
    named = re.compile(rf"{re.escape(PREFIX + kind)}-(\d+)-")
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}{kind}-*-*"):
        found = named.match(folder.name)
        if found is None or not _abandoned(folder, int(found[1]), now):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _abandoned(folder: Path, pid: int, now: float) -> bool:
    try:
        status = folder.lstat()  # a symlink is not a folder of ours: never followed
    except OSError:
        return False  # removed meanwhile
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
        return False
    return now - status.st_mtime > STALE_AFTER and not _running(pid)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
