"""Importing WeasyPrint without paying for its shared-library guesses.

WeasyPrint 70 opens GObject, Pango, HarfBuzz, fontconfig … by trying several names
per library, Windows and macOS spellings first. cffi hands each name that is not a
file it can open to ``ctypes.util.find_library``, which on Linux runs ``ldconfig -p``
and then ``gcc`` and ``ld`` in subprocesses: about 8 ms per guess that misses, 0.13 s
per process, a tenth of a cold build.

``import_weasyprint`` answers those look-ups from one reading of the dynamic loader's
cache instead, for the duration of the import only. That is the answer
``find_library`` itself gives on a machine without a compiler (where ``gcc`` and
``ld`` are absent); where libraries may live outside that cache (``LD_LIBRARY_PATH``
set, or no glibc ``ldconfig``) the standard look-up is left alone.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

LDCONFIG = "/sbin/ldconfig"
# The C library ABI that ldconfig -p prints for this interpreter's libraries (the
# same table as ctypes.util uses).
LDCONFIG_ABIS = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def import_weasyprint() -> None:
    """Import WeasyPrint (once per process) with the quick library look-up."""
    if "weasyprint" in sys.modules:
        return
    with quick_library_lookup():
        import weasyprint  # noqa: F401


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    """Within the block, ``ctypes.util.find_library`` reads ldconfig's cache once."""
    listing = None if os.environ.get("LD_LIBRARY_PATH") else _ldconfig_listing()
    if listing is None:
        yield
        return
    standard = ctypes.util.find_library
    ctypes.util.find_library = _finder(listing)
    try:
        yield
    finally:
        ctypes.util.find_library = standard


def _finder(listing: str) -> Callable[[str], str | None]:
    bits = struct.calcsize("P") * 8
    abi = LDCONFIG_ABIS.get(f"{os.uname().machine}-{bits}", "libc6")

    def find_library(name: str) -> str | None:
        """The library's file name (lib<name>.so.N) as ldconfig lists it, or None."""
        found = re.search(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({re.escape(abi)}", listing)
        return found[1] if found else None

    return find_library


def _ldconfig_listing() -> str | None:
    """``ldconfig -p``'s list of libraries, or None where there is no such program."""
    if sys.platform != "linux":
        return None
    try:
        done = subprocess.run(
            [LDCONFIG, "-p"],
            capture_output=True,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode(errors="replace")
