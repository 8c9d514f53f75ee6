"""PDF writing: rendered HTML → PDF bytes with WeasyPrint, and atomic file output.

All resource loading goes through ``SandboxFetcher``: only files under the allowed
folders (issue, layout, fonts) and small ``data:`` URLs are read; the network is
never reached.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from compositor.errors import CompositorError
from compositor.i18n import _
from compositor.render.html import Rendered
from compositor.scratch import scratch_folder

if TYPE_CHECKING:
    from compositor.weasy.serialise import Written

DATA_URL_LIMIT = 64 * 1024
# Pictures are named issue:photos/a.jpg, relative to the issue folder (the first allowed
# root): WeasyPrint names an image after its URL, so the PDF must not depend on where the
# issue folder is (html.picture_url writes these URLs).
ISSUE_SCHEME = "issue"


class FetchRefused(CompositorError):
    """A document referenced something outside the folders a build may read."""


class OutputError(CompositorError):
    """The PDF could not be written (missing folder, no permission, disk full)."""


@dataclass(frozen=True)
class Rendition:
    pdf: bytes
    pages: int


def make_fetcher(allowed_roots: tuple[Path, ...]):
    """A WeasyPrint URL fetcher confined to ``allowed_roots``; ``issue:`` URLs name files
    relative to the first of them (the issue folder).

    Built lazily so that importing this module does not import WeasyPrint.
    """
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class Refused(FatalURLFetchingError):
        pass

    roots = tuple(root.resolve() for root in allowed_roots)

    class SandboxFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            scheme = parts.scheme.lower()
            if scheme == ISSUE_SCHEME and roots and not parts.netloc:
                url = (roots[0] / unquote(parts.path)).as_uri()  # then checked as any file
                parts, scheme = urlsplit(url), "file"
            if scheme == "data":
                if len(url) > DATA_URL_LIMIT:
                    raise Refused(
                        f"refused a data: URL of {len(url)} bytes (limit {DATA_URL_LIMIT}): "
                        f"save it as a file in the layout folder"
                    )
                return super().fetch(url, headers)
            if scheme != "file" or parts.netloc not in ("", "localhost"):
                raise Refused(f"refused to fetch {url!r}: a build never reaches the network")
            path = Path(unquote(parts.path)).resolve()  # resolves symlinks too
            if not any(path.is_relative_to(root) for root in roots):
                raise Refused(
                    f"refused to read {url!r}: it is outside the issue, layout and fonts folders "
                    f"(a ../ path or a symlink?); copy the file into the layout folder"
                )
            return super().fetch(url, headers)

    return SandboxFetcher(allowed_protocols=("file", "data"))


class StyleCache:
    """The last build's parsed stylesheets and the font configuration their @font-face
    rules filled, kept for the next build in the same process (``compositor watch``).

    Parsing them and loading the fonts into fontconfig costs about 0.05 s a build.
    They are reused only for exactly the same CSS text and allowed folders, so an
    edited stylesheet is parsed afresh, and the PDF is byte-identical either way.
    (A font file changed under the same name is not noticed: watch does not watch
    fonts/ either.) One entry only: a designer's edits never pile up.

    WeasyPrint keeps a copy of every @font-face file while the fonts are in use; the
    copies live in a temporary folder of this cache's, removed by ``close`` (or at the
    end of a ``with`` block), so no build leaves anything in the temp directory; one
    left by a killed process is removed by a later build (``compositor.scratch``).
    """

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._styles: tuple | None = None
        self._folder: tempfile.TemporaryDirectory | None = None
        # Text shaped with these fonts (weasy.linebreak.Shaping), kept by the build for the
        # next layout; it forgets what it holds when the font configuration changes.
        self.shaping = None
        # The layout's compiled template (html.Templates), kept by the build likewise.
        self.templates = None
        # Font subsets and compressed streams of the last PDF written with these fonts
        # (weasy.serialise.Written): dropped with them, as it knows faces by their address.
        self.written: Written | None = None

    def styles(self, key: tuple, parse: Callable[[Path], tuple]) -> tuple:
        """The styles for ``key``; ``parse(font_folder)`` makes them when the key is new."""
        if key != self._key:
            self._drop_styles()  # a parse that fails leaves nothing behind
            self._folder = scratch_folder("fonts")
            self._styles = parse(Path(self._folder.name))
            self._key = key
        assert self._styles is not None  # parsed for this key above, or before
        return self._styles

    def close(self) -> None:
        self.shaping = self.templates = None
        self._drop_styles()

    def _drop_styles(self) -> None:
        self._key = self._styles = self.written = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> StyleCache:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


def write_pdf(
    rendered: Rendered,
    *,
    allowed_roots: tuple[Path, ...],
    identifier: bytes,
    variant: str | None = None,
    options: dict | None = None,
    styles: StyleCache | None = None,
    makeup: Callable | None = None,
    image_dpi: int | None = None,
    laid_out=None,
    tagged: bool = False,
    ua_part: int | None = None,
) -> Rendition:
    """Lay out and write the PDF. ``identifier`` makes the PDF /ID reproducible;
    ``styles`` keeps parsed stylesheets for the next call (default: none kept);
    ``makeup(document, relayout)`` is given the laid-out document before it is drawn and
    returns the one to draw (page make-up, see ``weasy.makeup.page_makeup``; ``relayout``
    lays the document out again with some CSS added); its metadata.custom is written.
    ``image_dpi`` downsamples pictures above that resolution (WeasyPrint reads it when
    laying out, not when writing). ``laid_out``: what ``lay_out`` gave for ``rendered``
    with these same arguments and ``styles``, drawn as it is instead of laid out again.
    ``tagged`` writes the structure tree (``weasy.tags.tagged_structure``, which adds
    ``pdfuaid:part`` ``ua_part`` to a PDF/A variant's XMP)."""

    from compositor.weasy.gradients import cmyk_gradients
    from compositor.weasy.serialise import Written, streams_serialised_once

    with (
        nullcontext(laid_out)
        if laid_out is not None
        else _laid_out(rendered, allowed_roots, styles, makeup, image_dpi)
    ) as document:
        written = None
        if styles is not None:  # a session: what this write makes may serve the next one
            # (taken after the layout: new fonts there drop the old memo)
            written = styles.written = styles.written or Written()
        # once per write, not twice: the /ID's hash would compress every stream again
        with (
            streams_serialised_once(written),
            cmyk_gradients(),
            _tagging(document, tagged, ua_part),
        ):
            pdf = document.write_pdf(
                pdf_identifier=identifier,
                pdf_variant=variant,
                custom_metadata=makeup is not None,
                **({"pdf_tags": True} if tagged else {}),
                **(options or {}),
            )
    return Rendition(pdf=pdf, pages=len(document.pages))


def _tagging(document, tagged: bool, ua_part: int | None):
    if not tagged:
        return nullcontext()
    from compositor.weasy.tags import tagged_structure

    return tagged_structure(document, ua_part)


def lay_out(
    rendered: Rendered,
    *,
    allowed_roots: tuple[Path, ...],
    styles: StyleCache,
    makeup: Callable | None = None,
    image_dpi: int | None = None,
):
    """Lay ``rendered`` out as ``write_pdf`` would, without writing a PDF: WeasyPrint's
    document, whose pages' public ``anchors`` say where each element with an id landed
    (typeset/continued.py and typeset/floats.py read them). It can be drawn later by
    ``write_pdf(..., laid_out=...)`` while ``styles`` (which holds its fonts) is open."""
    with _laid_out(rendered, allowed_roots, styles, makeup, image_dpi) as document:
        return document


@contextmanager
def _laid_out(rendered, allowed_roots, styles, makeup, image_dpi) -> Iterator:
    """The laid-out (and made-up) document, while its fonts are still there to draw
    with; a refused fetch becomes a FetchRefused naming the layout."""
    import weasyprint

    fetcher = make_fetcher(allowed_roots)
    sheets = tuple((path, path.read_bytes()) for path in rendered.stylesheets)
    with nullcontext(styles) if styles else StyleCache() as cache:
        try:
            font_config, stylesheets = cache.styles(
                (allowed_roots, rendered.css, sheets),
                lambda folder: parse_styles(rendered.css, sheets, fetcher, folder),
            )
            html = weasyprint.HTML(
                string=rendered.html, base_url=rendered.base_url, url_fetcher=fetcher
            )
            document = html.render(stylesheets=stylesheets, font_config=font_config, dpi=image_dpi)
            if makeup is not None:

                def relayout(extra_css: str):
                    extra = weasyprint.CSS(string=extra_css, font_config=font_config)
                    return html.render(
                        stylesheets=[*stylesheets, extra], font_config=font_config, dpi=image_dpi
                    )

                document = makeup(document, relayout)
            yield document
        except weasyprint.urls.FatalURLFetchingError as error:
            # Content cannot put URLs into the HTML, so the reference is in the layout.
            layout = Path(unquote(urlsplit(rendered.base_url).path))
            raise FetchRefused(f"{error} (check the layout's CSS and template)", layout) from None


def parse_styles(
    css: str, sheets: tuple[tuple[Path, bytes], ...], fetcher, font_folder: Path
) -> tuple:
    """A new font configuration that sees only the @font-face fonts (kept in
    ``font_folder``), and the generated CSS then the layout's stylesheets (given as
    path and content) parsed into it."""
    import weasyprint

    from compositor.paths import FONTS_DIR
    from compositor.weasy.fonts import shipped_font_configuration

    font_config = shipped_font_configuration(font_folder, shipped_faces(FONTS_DIR))
    stylesheets = [weasyprint.CSS(string=css, url_fetcher=fetcher, font_config=font_config)]
    stylesheets += [
        weasyprint.CSS(
            file_obj=io.BytesIO(data),
            base_url=path.absolute().as_uri(),
            url_fetcher=fetcher,
            font_config=font_config,
        )
        for path, data in sheets
    ]
    return font_config, stylesheets


def shipped_faces(folder: Path) -> list[Path]:
    """The font files in ``folder``, in a fixed order (fontconfig's choice among equals
    follows the order fonts were added)."""
    return sorted(path.resolve() for path in folder.iterdir() if path.suffix in (".otf", ".ttf"))


def content_identifier(*parts: bytes | str, roots: tuple[Path, ...] = ()) -> bytes:
    """A 16-byte PDF identifier derived from the content, never random.

    Text parts name the shipped fonts by absolute URL: each of ``roots`` (the fonts, the
    layout, the issue) is hashed as its number in ``roots``, not as where it is, so the
    same content in a checkout somewhere else gets the same identifier."""
    located = sorted(
        ((token, f"<root {number}>") for number, root in enumerate(roots)
         for token in (Path(root).resolve().as_uri(), str(Path(root).resolve()))),
        key=lambda pair: -len(pair[0]),  # a root inside another is replaced first
    )  # fmt: skip
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            for token, name in located:
                part = part.replace(token, name)
            part = part.encode("utf-8")
        digest.update(part)
        digest.update(b"\0")
    return digest.digest()[:16]


def write_atomically(data: bytes, target: Path) -> None:
    """Write ``data`` to ``target`` via a temporary file beside it, then rename.

    A crash or a failed build never leaves a half-written PDF, and the previous
    file stays untouched until the new one is complete.
    """
    if target.is_dir():  # os.replace would say "Is a directory" and blame a previous file
        raise OutputError(
            _("cannot write the PDF: this is a folder; give a file name, e.g. {example}").format(
                example=target / "issue.pdf"
            ),
            target,
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise OutputError(
            _("cannot write the PDF here ({reason}): choose a folder you may write to").format(
                reason=error.strerror
            ),
            target,
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o644)  # mkstemp's 0600 would hide the PDF from others
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        raise OutputError(
            _("cannot write the PDF ({reason}); a previous file there is unchanged").format(
                reason=error.strerror
            ),
            target,
        ) from None
    finally:
        Path(temporary).unlink(missing_ok=True)  # already gone after a successful rename
