"""The one place where compositor touches WeasyPrint internals.

WeasyPrint is pinned exactly (pyproject.toml). Everything here names the private
WeasyPrint objects it relies on, and tests/test_weasy_seam.py fails loudly if an
upgrade moves or changes them.

Internals used:
- ``weasyprint.text.ffi.harfbuzz_subset``: the libharfbuzz-subset handle, ``None``
  when the library is missing and WeasyPrint falls back to fontTools subsetting.
"""

from __future__ import annotations


def has_fast_subsetting() -> bool:
    """True when WeasyPrint can subset fonts with libharfbuzz-subset (40–50× faster on CJK)."""
    from weasyprint.text import ffi

    return getattr(ffi, "harfbuzz_subset", None) is not None
