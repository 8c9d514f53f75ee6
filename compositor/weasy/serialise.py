"""PDF serialisation: each pydyf stream compressed once, font subsets kept across builds."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager

from weasyprint.text import ffi as weasy_ffi

from compositor.weasy.internals import _source_of, _verified
from compositor.weasy.memo import _LastBuild

# ============================================================== PDF serialisation (pydyf)
#
# WeasyPrint writes the PDF with pydyf. Given a file identifier (``pdf_identifier``,
# which every build passes so that the PDF is reproducible), ``pydyf.PDF.write`` reads
# every object's ``data`` a second time to hash the document into the /ID's second
# half, and a ``Stream``'s ``data`` compresses its content again (zlib level 9) at each
# read: the fonts and page contents of a build were compressed twice, about 0.04 s.
# ``streams_serialised_once`` remembers each stream's bytes during one ``write_pdf``;
# the second read gets the very bytes of the first, so the PDF is the same.
#
# Given a ``Written`` memo kept by a build session, it also remembers, from one build to
# the next, each font's subset (``Font.subset``: the same glyphs of the same face give
# the same bytes) and the compressed bytes of each single-part stream (a font program,
# a picture) for the same content: a rebuild after an edit subsets and compresses only
# the faces whose glyphs changed, about 0.07 s of a 0.45 s rebuild.
#
# Internals used (checked by ``check_serialisation_internals``): ``pydyf.Stream.data``
# (a property computing the stream's bytes from ``stream``, ``extra`` and
# ``compress``) and ``pydyf.PDF.write`` reading ``obj.data for obj in self.objects``
# for the identifier, after writing them; ``weasyprint.pdf.fonts.Font.subset(self,
# to_unicode, hinting)`` replacing ``file_content`` from the glyph ids in
# ``to_unicode``, the face (``hb_face``, ``index``) and whether glyphs are ``missing``.


class Written(_LastBuild):
    """What writing a PDF made (font subsets, compressed streams), kept for the next
    build of a session.

    A pure memo: a key holds everything its bytes depend on. A face is known by its
    HarfBuzz face, which lives as long as the session's font configuration: the
    session (``pdf.StyleCache``) drops this memo with it.
    """


@contextmanager
def streams_serialised_once(written: Written | None = None) -> Iterator[None]:
    """Inside this block, each pydyf stream is serialised (and compressed) once; with
    ``written``, font subsets and single-part streams are also reused across builds."""
    import pydyf
    from weasyprint.pdf import fonts as weasy_pdf_fonts

    _verified(
        check_serialisation_internals,
        pydyf.__version__,
        pydyf.Stream,
        pydyf.PDF.write,
        weasy_pdf_fonts.Font.subset,
    )
    original = inspect.getattr_static(pydyf.Stream, "data")
    original_subset = weasy_pdf_fonts.Font.subset
    if getattr(original.fget, "serialised_once", False):
        raise RuntimeError("streams_serialised_once is already active")
    written = written or Written()
    written.next_build()
    # The stream itself is kept beside its bytes, so that its id is not reused by
    # another stream while the block lasts.
    done: dict[int, tuple[object, bytes]] = {}

    def data(stream) -> bytes:
        found = done.get(id(stream))
        if found is None:
            key = _stream_key(stream)
            made = written.get(key, lambda: original.fget(stream)) if key else None
            found = done[id(stream)] = (stream, made or original.fget(stream))
        return found[1]

    def subset(font, to_unicode, hinting) -> None:
        def make() -> bytes:
            original_subset(font, to_unicode, hinting)
            return font.file_content

        face = int(weasy_ffi.ffi.cast("uintptr_t", font.hb_face))
        key = ("subset", face, font.index, len(font.file_content), bool(font.missing), hinting)
        font.file_content = written.get((*key, *sorted(to_unicode)), make)

    data.serialised_once = True  # type: ignore[attr-defined]  # a mark on our own function
    # A property replaced on the class while the block lasts: no stub can declare that.
    pydyf.Stream.data = property(data, doc=original.__doc__)  # type: ignore[method-assign,assignment]
    weasy_pdf_fonts.Font.subset = subset
    try:
        yield
    finally:
        pydyf.Stream.data = original  # type: ignore[method-assign]
        weasy_pdf_fonts.Font.subset = original_subset


# Smaller streams (the cross-reference table, small pictures) cost next to nothing to
# compress, and the cross-reference table changes with every build.
STREAM_MEMO_MIN_BYTES = 4096


def _stream_key(stream) -> tuple | None:
    """What a single-part stream's bytes depend on (``None`` for other streams: page
    contents are many small parts, and change with every edit anyway)."""
    import pydyf

    parts = stream.stream
    if len(parts) != 1 or not isinstance(parts[0], bytes):
        return None
    if len(parts[0]) < STREAM_MEMO_MIN_BYTES:
        return None
    return ("stream", bool(stream.compress), pydyf.Dictionary(stream.extra).data, parts[0])


def check_serialisation_internals() -> list[str]:
    """What ``streams_serialised_once`` relies on that a pydyf or WeasyPrint upgrade
    could change."""
    import pydyf
    from weasyprint.pdf import fonts as weasy_pdf_fonts

    problems = []
    data = inspect.getattr_static(pydyf.Stream, "data", None)
    if not isinstance(data, property) or data.fset is not None:
        problems.append("pydyf.Stream.data is no longer a read-only property")
    else:
        source = _source_of(data.fget)
        for used in ("self.stream", "self.extra", "self.compress"):
            if used not in source:
                problems.append(f"pydyf.Stream.data no longer serialises {used}")
    write = _source_of(pydyf.PDF.write)
    if "obj.data for obj in self.objects" not in write:
        problems.append("pydyf.PDF.write no longer reads every object's data for the /ID")
    subset = getattr(weasy_pdf_fonts.Font, "subset", None)
    if subset is None or list(inspect.signature(subset).parameters) != [
        "self",
        "to_unicode",
        "hinting",
    ]:
        problems.append("weasyprint.pdf.fonts.Font.subset(self, to_unicode, hinting) changed")
    else:
        # what a subset depends on: the glyph ids, the face, the hinting, missing glyphs
        harfbuzz = _source_of(weasy_pdf_fonts.Font._harfbuzz_subset)
        for used in ("sorted(to_unicode)", "self.hb_face", "self.missing", "hinting"):
            if used not in harfbuzz:
                problems.append(f"Font._harfbuzz_subset no longer depends on {used} alone")
        if "self.file_content = " not in harfbuzz:
            problems.append("Font._harfbuzz_subset no longer replaces file_content")
    if "self.subset(to_unicode, hinting)" not in _source_of(weasy_pdf_fonts.Font.clean):
        problems.append("Font.clean no longer subsets through Font.subset")
    return problems
