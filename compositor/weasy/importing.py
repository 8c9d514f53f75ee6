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

It also defers two fontTools imports of ``weasyprint.pdf.fonts`` that most builds never
use, 0.08 s of the import: ``from fontTools import subset`` (WeasyPrint subsets with
fontTools only where libharfbuzz-subset is missing) and ``from fontTools.varLib.instancer
import instantiateVariableFont`` (only for variable fonts; none is shipped). The first
is bound to a module that the standard library's ``LazyLoader`` executes on its first
use; the second to a function that imports the instancer on its first call. Everything
else imports them as usual. tests/test_weasy_import.py fails if WeasyPrint imports them
differently.
"""

from __future__ import annotations

import ctypes.util
import importlib
import importlib.util
import os
import re
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Protocol

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


# What weasyprint.pdf.fonts imports from fontTools and calls only in rare cases.
DEFERRED_MODULE = "fontTools.subset"  # `from fontTools import subset`
DEFERRED_FUNCTION = ("fontTools.varLib.instancer", "instantiateVariableFont")


def import_weasyprint() -> None:
    """Import WeasyPrint (once per process) with the quick library look-up and the
    rarely used fontTools modules deferred."""
    if "weasyprint" in sys.modules:
        return
    with quick_library_lookup(), deferred_fonttools():
        import weasyprint  # noqa: F401
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        # WeasyPrint will subset with fontTools in every build: load it now, not on
        # first use, which Python 3.11's LazyLoader does not make safe across threads.
        _ = importlib.import_module(DEFERRED_MODULE).Subsetter  # executes the module


@contextmanager
def deferred_fonttools() -> Iterator[None]:
    """Within the block, importing ``DEFERRED_MODULE`` gives a module executed on first
    use, and importing ``DEFERRED_FUNCTION``'s module gives one holding only a stand-in
    for the function. Modules imported before are left as they are."""
    module_name, function_name = DEFERRED_FUNCTION
    if DEFERRED_MODULE not in sys.modules:
        _lazy_module(DEFERRED_MODULE)
    if module_name in sys.modules:
        yield
        return
    stand_in = ModuleType(module_name)
    setattr(stand_in, function_name, _on_first_call(module_name, function_name))
    sys.modules[module_name] = stand_in
    try:
        yield
    finally:  # whoever imports the module later gets the real one
        if sys.modules.get(module_name) is stand_in:
            del sys.modules[module_name]


def _lazy_module(name: str) -> None:
    """Put ``name`` in sys.modules (and on its package), to be executed on first use."""
    parent, _, child = name.rpartition(".")
    package = importlib.import_module(parent)
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    loader = spec.loader
    spec.loader = importlib.util.LazyLoader(loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    setattr(package, child, module)


def _on_first_call(module_name: str, function_name: str) -> Callable:
    def call(*args, **kwargs):
        function = getattr(importlib.import_module(module_name), function_name)
        return function(*args, **kwargs)

    call.__name__ = call.__qualname__ = function_name
    call.__doc__ = f"{module_name}.{function_name}, imported on its first call."
    return call


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


class _FindLibrary(Protocol):
    """``ctypes.util.find_library``'s signature, for the stand-in that replaces it."""

    def __call__(self, name: str) -> str | None: ...


def _finder(listing: str) -> _FindLibrary:
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
