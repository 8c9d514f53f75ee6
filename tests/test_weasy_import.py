"""weasy_import finds WeasyPrint's libraries as ctypes does, and leaves ctypes as it was."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from compositor.weasy.importing import quick_library_lookup

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
    quick = "from compositor.weasy.importing import import_weasyprint; import_weasyprint(); "

    def libraries(code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        return done.stdout

    assert libraries(quick + report) == libraries(report)


def run_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_weasyprint_still_imports_the_fonttools_parts_that_are_deferred():
    """If an upgrade imports them differently, the deferral must be revisited."""
    import weasyprint.pdf.fonts

    source = Path(weasyprint.pdf.fonts.__file__).read_text(encoding="utf-8")
    assert "from fontTools import subset\n" in source
    assert "from fontTools.varLib.instancer import instantiateVariableFont\n" in source


def test_the_deferred_fonttools_parts_run_only_when_used():
    code = """
import sys
from pathlib import Path
from compositor.weasy.importing import import_weasyprint
import_weasyprint()
import weasyprint.pdf.fonts as fonts
print("fontTools.varLib" in sys.modules, "fontTools.subset.cff" in sys.modules)
fonts.subset.Options  # first use: WeasyPrint's fallback subsetting
print("fontTools.subset.cff" in sys.modules, type(fonts.subset.Subsetter).__name__)
try:
    fonts.instantiateVariableFont(None, {})  # first call: the real function runs
except Exception:
    pass
print("fontTools.varLib.instancer" in sys.modules)
from fontTools.varLib.instancer import instantiateVariableFont
print(instantiateVariableFont.__module__, fonts.instantiateVariableFont.__module__)
"""
    lines = run_python(code).splitlines()
    assert lines[0] == "False False"  # WeasyPrint imported, neither part executed
    assert lines[1] == "True type"  # the subsetter module executed on first use
    assert lines[2] == "True"  # the stand-in imported the instancer on its first call
    real, stand_in = lines[3].split()
    assert real == "fontTools.varLib.instancer"  # imported later: the real module
    assert stand_in == "compositor.weasy.importing"


def test_weasyprint_subsets_with_fonttools_as_before_without_harfbuzz_subset(tmp_path):
    """Where libharfbuzz-subset is missing WeasyPrint uses the deferred subsetter."""
    code = f"""
import sys
from pathlib import Path
from compositor.weasy.importing import import_weasyprint
import_weasyprint()
import weasyprint.pdf.fonts, weasyprint.text.ffi
weasyprint.text.ffi.harfbuzz_subset = None
weasyprint.pdf.fonts.harfbuzz_subset = None
from compositor.cli import main
sys.argv = ["compositor", "build", "tests/data/mini/2023-01", "-o", {str(tmp_path / "mini.pdf")!r}]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print("fontTools.subset.cff" in sys.modules)
"""
    assert run_python(code).splitlines()[-1] == "True"
    import pikepdf

    with pikepdf.open(tmp_path / "mini.pdf") as pdf:
        sizes = [
            len(descriptor[key].read_raw_bytes())
            for font in pdf.pages[0].Resources.Font.values()
            for descriptor in [font.get("/DescendantFonts", [font])[0].FontDescriptor]
            for key in ("/FontFile2", "/FontFile3")
            if key in descriptor
        ]
    assert sizes and max(sizes) < 500_000  # subsets: the shipped faces are 2–4.5 MB


def test_without_harfbuzz_subset_the_subsetter_is_loaded_with_weasyprint():
    """WeasyPrint then subsets with fontTools in every build: it is loaded at once,
    not lazily (Python 3.11's LazyLoader is not safe across threads)."""
    code = """
import sys, cffi
dlopen = cffi.FFI.dlopen
def without_subset(self, name, *args, **kwargs):
    if "subset" in str(name):
        raise OSError(f"no {name} here")
    return dlopen(self, name, *args, **kwargs)
cffi.FFI.dlopen = without_subset
from compositor.weasy.importing import import_weasyprint
import_weasyprint()
from weasyprint.text import ffi
print(ffi.harfbuzz_subset is None, "fontTools.subset.cff" in sys.modules)
"""
    assert run_python(code).splitlines()[-1] == "True True"


def test_a_build_runs_neither_deferred_part(tmp_path):
    """The saving holds for a whole press build, not only for WeasyPrint's import."""
    output = str(tmp_path / "mini.pdf")
    code = f"""
import sys
from compositor.cli import main
sys.argv = ["compositor", "build", "tests/data/mini/2023-01", "--press", "-o", {output!r}]
try:
    main()
except SystemExit as exit:
    assert not exit.code, exit.code
print(sorted(name for name in ("fontTools.subset.cff", "fontTools.varLib") if name in sys.modules))
"""
    assert run_python(code).splitlines()[-1] == "[]"
