"""weasy_import finds WeasyPrint's libraries as ctypes does, and leaves ctypes as it was."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys

import pytest
from conftest import ROOT

from compositor.weasy_import import quick_library_lookup

# Names WeasyPrint 70 tries (text/ffi.py): the Linux ones are found, the others not.
FOUND = ["gobject-2.0", "pango-1.0", "harfbuzz", "harfbuzz-subset", "fontconfig", "pangoft2-1.0"]
MISSED = ["libgobject-2.0-0", "gobject-2.0-0", "libpango-1.0-0", "libharfbuzz-subset-0.dll"]


def test_quick_lookup_answers_as_find_library_does():
    standard = {name: ctypes.util.find_library(name) for name in FOUND + MISSED}
    with quick_library_lookup():
        quick = {name: ctypes.util.find_library(name) for name in FOUND + MISSED}
    assert quick == standard
    assert all(quick[name] for name in FOUND)
    assert not any(quick[name] for name in MISSED)


def test_find_library_is_restored_after_the_block():
    standard = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library is not standard
    assert ctypes.util.find_library is standard


def test_library_path_set_leaves_the_standard_lookup(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("LD_LIBRARY_PATH", "/opt/elsewhere/lib")
    standard = ctypes.util.find_library
    with quick_library_lookup():
        assert ctypes.util.find_library is standard


def test_weasyprint_imported_quickly_loads_the_same_libraries():
    report = (
        "from weasyprint.text import ffi; "
        "print([name for name in ('harfbuzz_subset', 'harfbuzz_vector') "
        "if getattr(ffi, name) is not None])"
    )
    quick = "from compositor.weasy_import import import_weasyprint; import_weasyprint(); "

    def libraries(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert libraries(quick + report) == libraries(report)
