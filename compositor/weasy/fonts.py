"""WeasyPrint with the shipped fonts only, and whether it subsets fonts fast.

Internals used (checked by ``internals.check_internals``, which verifies them with the
line-breaking ones before each build):
- ``weasyprint.text.fonts.FontConfiguration``: subclassed without calling its
  ``__init__``; we set what it sets (``_config``, ``font_map``, ``_folder``,
  ``strut_layouts``, ``font_features``), and ``add_font_face`` still copies each
  @font-face file into ``self._folder`` and adds it to ``self._config``.
- ``weasyprint.text.ffi``: ``ffi``, ``fontconfig`` (``FcConfigAppFontAddFile``,
  ``FcConfigDestroy``), ``pangoft2`` (``pango_ft2_font_map_new``,
  ``pango_fc_font_map_set_config``), ``gobject.g_object_unref``, and
  ``harfbuzz_subset`` (``None`` without libharfbuzz-subset).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from weasyprint.text import ffi as weasy_ffi
from weasyprint.text import fonts as weasy_fonts


def has_fast_subsetting() -> bool:
    """True when WeasyPrint can subset fonts with libharfbuzz-subset (40–50× faster on CJK)."""
    return getattr(weasy_ffi, "harfbuzz_subset", None) is not None


# -------------------------------------------------------------------- shipped fonts only


def shipped_font_configuration(
    folder: Path, faces: Iterable[Path] = ()
) -> weasy_fonts.FontConfiguration:
    """A WeasyPrint font configuration that knows no font of the machine.

    WeasyPrint's ``FontConfiguration`` starts from the machine's fontconfig setup, so
    Pango draws a character the @font-face fonts lack in whatever installed font has
    it (Noto Sans CJK on one machine, a box on another): builds differ by machine.
    This one starts from an empty fontconfig configuration holding only ``faces`` (the
    shipped fonts) and then whatever the @font-face rules add, so generic names
    (``serif``) and fallbacks resolve to shipped faces too. A character none of them
    has is drawn as .notdef, and the coverage check stops the build before that. (With
    no face at all, Pango would find no font and WeasyPrint would crash drawing text.)

    WeasyPrint copies each @font-face file into a folder it makes itself and removes
    only when the object is garbage-collected, which a batch worker or an interrupted
    run never reaches (an 18 MB /tmp/weasyprint-* folder per build). Here the copies go
    into ``folder``, which the caller owns and removes.
    """
    return _ShippedFontConfiguration(folder, tuple(faces))


class _ShippedFontConfiguration(weasy_fonts.FontConfiguration):
    def __init__(self, folder: Path, faces: tuple[Path, ...]) -> None:
        # Not super().__init__(): it loads the machine's configuration and fonts.
        ffi, fontconfig = weasy_ffi.ffi, weasy_ffi.fontconfig
        self._config = _empty_fontconfig()
        for face in faces:
            if not fontconfig.FcConfigAppFontAddFile(self._config, str(face).encode()):
                raise RuntimeError(f"fontconfig cannot read the shipped font {face}")
        self.font_map = ffi.gc(weasy_ffi.pangoft2.pango_ft2_font_map_new(), _unref)
        set_config = weasy_ffi.pangoft2.pango_fc_font_map_set_config
        # The pointer type is the function's own parameter type: naming it as a string
        # would run cffi's C parser over all of WeasyPrint's declarations (2.5 ms).
        font_map = ffi.typeof(set_config).args[0]
        set_config(ffi.cast(font_map, self.font_map), self._config)
        fontconfig.FcConfigDestroy(self._config)  # the font map holds a reference
        self._folder = Path(folder)
        # WeasyPrint's caches on its FontConfiguration, empty as its own __init__ leaves them
        self.strut_layouts: dict[object, object] = {}
        self.font_features: dict[object, object] = {}

    def __del__(self) -> None:
        pass  # the folder is the caller's to remove, not the garbage collector's


def _unref(pointer) -> None:
    weasy_ffi.gobject.g_object_unref(pointer)


def _empty_fontconfig():
    """A new fontconfig configuration with no font folders, rules or fonts.

    ``FcConfigCreate`` is not among the functions WeasyPrint declares, so it is
    declared here in an FFI of its own, and the pointer it returns is cast to
    WeasyPrint's ``FcConfig *`` (the type of ``FcConfigDestroy``'s parameter). An FFI
    that included WeasyPrint's would share the type without a cast, but then declaring
    one function makes cffi parse all of WeasyPrint's type names again (3.8 ms against
    0.4 ms, in every cold build).
    """
    import cffi

    own = cffi.FFI()
    own.cdef("typedef struct _FcConfig FcConfig; FcConfig * FcConfigCreate (void);")
    for name in FONTCONFIG_LIBRARIES:
        try:
            library = own.dlopen(name)
            break
        except OSError:
            continue
    else:
        raise RuntimeError(f"cannot open fontconfig (tried {', '.join(FONTCONFIG_LIBRARIES)})")
    config = library.FcConfigCreate()
    if config == own.NULL:
        raise MemoryError("FcConfigCreate failed")
    ffi = weasy_ffi.ffi
    weasy_config = ffi.typeof(weasy_ffi.fontconfig.FcConfigDestroy).args[0]
    return ffi.cast(weasy_config, int(own.cast("uintptr_t", config)))


FONTCONFIG_LIBRARIES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "fontconfig")
