"""The pipeline: issue folder → PDF file. ``BuildSession.build`` is the one entry point
(``build_issue`` for a single build; ``compositor watch`` and batches keep a session).

content → model → fonts check → typesetting → HTML → PDF → (press) → atomic write.
Each stage lives in its own module; this one only connects them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from compositor.content.marks import SourceMarks
from compositor.content.validate import (
    Finding,
    Level,
    placeholders,
    read_findings,
    refuse_placeholders,
)
from compositor.errors import CompositorError
from compositor.fonts.fontset import FontSet, check_issue_coverage, load_fontset
from compositor.i18n import _
from compositor.layout import Layout, layout_for
from compositor.layout.resolution import SCREEN_PPI, low_resolution, refuse_for_press
from compositor.model import Issue
from compositor.paths import FONTS_DIR, LAYOUTS_DIR, PROJECT_ROOT, SAMPLE_ISSUE
from compositor.press.pictures import refuse_transparency
from compositor.render.html import Rendered, Templates, render_html
from compositor.render.pdf import (
    Rendition,
    StyleCache,
    content_identifier,
    lay_out,
    write_atomically,
    write_pdf,
)
from compositor.render.standards import PdfStandard, screen_standard
from compositor.targets import check_pdf_target
from compositor.text import typeset_issue
from compositor.typeset.continued import has_tables, settle_layout
from compositor.typeset.floats import has_figures, text_geometry
from compositor.typeset.tables import size_tables, table_metrics

if TYPE_CHECKING:  # types only: press output imports pikepdf (25 ms), for press builds
    from weasyprint import Document

    from compositor.press.booklet import Booklet
    from compositor.press.output import PressSettings

__all__ = [
    "FONTS_DIR",
    "LAYOUTS_DIR",
    "PROJECT_ROOT",
    "SAMPLE_ISSUE",
    "BuildSession",
    "build_issue",
]

BUILD_DIR = Path("build")


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    # What ``compositor check`` would warn about (the build applied the normaliser's fixes).
    warnings: tuple[Finding, ...] = ()
    # Pictures under 300 ppi at their printed size (layout/resolution.py), printed by `build`.
    picture_warnings: tuple[Finding, ...] = ()
    placeholders: tuple[Finding, ...] = ()  # 待填写 still in the issue: a screen build warns


def build_issue(
    folder: Path | str = SAMPLE_ISSUE,
    output: Path | str | None = None,
    press: PressSettings | None = None,
    pad_to: int | None = None,
    booklet: Booklet | None = None,
    layout: str | None = None,
    standard: str | None = None,
) -> BuildResult:
    """Build one issue folder into a PDF and return its path and page count.

    ``output`` defaults to ``build/<publication>-<year>-<number>.pdf``. ``press`` makes
    it the PDF/X file for the printer (see press/output.py); ``pad_to`` adds blank pages
    before the back page up to a multiple of that many pages (see press/padding.py);
    ``booklet`` imposes the pages 2-up on saddle-stitch sheets (see press/booklet.py),
    and the page count is then the number of sheet sides. ``layout`` sets the issue in
    another layout than its publication's (a name under layouts/, or a layout folder).
    ``standard`` names the screen edition's standards (standards.py; default PDF/UA-1 +
    PDF/A-2a).
    """
    with BuildSession() as session:
        return session.build(
            folder,
            output,
            press=press,
            pad_to=pad_to,
            booklet=booklet,
            layout=layout,
            standard=standard,
        )


# ``BuildSession.build(..., on_layout=…)``: given the laid-out document before it is
# drawn, returns None to draw every page, or the indices of the only pages to draw (the
# preview, which keeps the image of every page that did not change): the PDF written
# then holds those pages alone, and the result still counts the issue's pages.
OnLayout = Callable[[object], Sequence[int] | None]


class BuildSession:
    """The one way to build: what a process keeps from one build to the next.

    The font set (with its character maps) and the parsed stylesheets outlive a build,
    so ``compositor watch`` rebuilds warm; ``build`` and ``batch`` use a fresh one.
    Close it (or use it in a ``with`` block): the styles hold the font copies WeasyPrint
    needs while it draws, in a temporary folder that closing removes.
    """

    def __init__(self, fontset: FontSet | None = None) -> None:
        self.fontset = fontset or load_fontset(FONTS_DIR)
        self.styles = StyleCache()  # parsed CSS and loaded @font-face fonts

    def close(self) -> None:
        self.styles.close()

    def __enter__(self) -> BuildSession:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def build(
        self,
        folder: Path | str,
        output: Path | str | None = None,
        *,
        output_dir: Path | None = None,
        press: PressSettings | None = None,
        pad_to: int | None = None,
        booklet: Booklet | None = None,
        on_layout: OnLayout | None = None,
        layout: str | None = None,
        standard: str | None = None,
    ) -> BuildResult:
        """Read, check and render one issue, then write it atomically to ``output`` (or
        ``output_dir/<publication>-<year>-<number>.pdf``, by default under build/).

        ``on_layout`` (``compositor preview``): the HTML carries where each piece was
        typed (content/marks.py) and the laid-out document is given to it before it is
        drawn; what it returns says which pages to draw (see ``OnLayout``)."""
        reading = read_findings(Path(folder), layout)  # its marks are that layout's
        if reading.errors:
            raise reading.errors[0].error()
        issue = reading.issue
        assert issue is not None  # the validator builds the model whenever it found no error
        if layout is not None:  # build --layout: this issue in another layout
            issue = with_layout(issue, layout)
        chosen = layout_for(issue)
        check_issue_coverage(issue, self.fontset, chosen.fonts)
        low = low_resolution(issue, chosen)  # issue 14: pictures under 300 ppi
        if press:
            refuse_placeholders(placeholders(reading.findings))  # issue 24: 待填写
        if press and not press.allow_low_res:
            refuse_for_press(low)
        if press and press.pdf_x == "1a":
            refuse_transparency(issue)
        if output is not None:
            check_pdf_target(Path(output))  # before the slow part, and never over a source file
        screen = screen_standard(standard)  # an unknown name stops before the slow part
        pdf, pages = render_issue(
            issue,
            chosen,
            self.fontset,
            press=press,
            pad_to=pad_to,
            styles=self.styles,
            booklet=booklet,
            on_layout=on_layout,
            standard=screen,
        )
        target = Path(output) if output else (output_dir or BUILD_DIR) / f"{issue.slug}.pdf"
        write_atomically(pdf, target)
        warnings = tuple(f for f in reading.findings if f.level is Level.WARNING)
        pictures = tuple(
            Finding.at(p.figure.source.path, p.figure.source.line, 1, Level.WARNING, p.message)
            for p in low
        )
        return BuildResult(
            path=target,
            pages=pages,
            warnings=warnings + pictures,
            picture_warnings=pictures,
            placeholders=placeholders(reading.findings),
        )


def render_issue(
    issue: Issue,
    layout: Layout,
    fontset,
    press: PressSettings | None = None,
    pad_to: int | None = None,
    styles: StyleCache | None = None,
    booklet: Booklet | None = None,
    on_layout: OnLayout | None = None,
    standard: PdfStandard | None = None,
) -> tuple[bytes, int]:
    """The in-memory part of a build: no file is written. ``styles`` keeps the parsed
    stylesheets for the next build in this process (``compositor watch``); ``on_layout``
    marks the HTML with sources and is given the drawn layout (see ``BuildSession``);
    ``standard`` is the screen edition's (default: standards.DEFAULT_STANDARD), a press
    file's is its PDF/X."""
    if booklet:
        if pad_to and pad_to % 4:
            raise CompositorError(
                _(
                    "--booklet folds sheets of 4 pages: --pad-to {pad_to} is not a multiple of 4"
                ).format(pad_to=pad_to)
            )
        pad_to = pad_to or 4
        if press:  # the marks go on the sheet, outside both pages, not on each page
            press = dataclasses.replace(press, marks=False)
            booklet = dataclasses.replace(booklet, marks=True)
    job = None
    if press:
        from compositor.press.output import PressJob

        job = PressJob.plan(press, layout)
    # One cache for the renders of one build (pad_pages); removed after it, unless kept.
    with nullcontext(styles) if styles else StyleCache() as cache:
        pdf, pages = _render_issue(
            issue,
            layout,
            fontset,
            job,
            pad_to,
            cache,
            on_layout,
            standard or screen_standard(None),
        )
    if booklet:
        version = job.standard.pdf_version if job else ""
        from compositor.press.booklet import impose_booklet

        return impose_booklet(pdf, booklet, version=version), pages // 2
    return pdf, pages


def _render_issue(
    issue, layout, fontset, job, pad_to, styles, on_layout, standard
) -> tuple[bytes, int]:
    # These import WeasyPrint: `compositor check` does not.
    from compositor.weasy.contents import page_total_settled
    from compositor.weasy.linebreak import Shaping, cjk_typesetting
    from compositor.weasy.makeup import line_grid, page_makeup

    typeset = typeset_issue(issue, layout.marks)
    font_files = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
    if has_tables(typeset):  # issue 23: each table's size from its cells' widths
        typeset = size_tables(typeset, table_metrics(layout, font_files))
    stamp = timestamp(issue)
    roots: tuple[Path, ...] = (issue.folder, layout.folder, FONTS_DIR)
    buzi = issue.publication.buzi_font
    if buzi is not None:  # the publication's own 补字 font: @font-face role-buzi
        roots += (buzi,)
        font_files = {**font_files, "buzi": buzi}
    makeup = partial(page_makeup, layout.grid)
    styles.shaping = styles.shaping or Shaping()  # what Pango measured, for next time
    styles.templates = styles.templates or Templates()  # the compiled template, likewise

    @contextmanager
    def extensions() -> Iterator[None]:
        # clreq line breaking, spacing, justification; whole-line blocks; one re-make
        # of the contents' page (齐底 and the colophon come after layout: ``makeup``)
        with (
            cjk_typesetting(layout.typesetting, styles.shaping),
            line_grid(layout.grid),
            page_total_settled(),
        ):
            yield

    def html_of(draft: Issue) -> Rendered:
        rendered = render_html(
            draft,
            layout,
            font_files,
            timestamp=stamp,
            press=job is not None,
            templates=styles.templates,
            marks=SourceMarks(draft) if on_layout else None,
        )
        return job.prepare(rendered) if job else rendered

    image_dpi = None if job else SCREEN_PPI  # small for e-mail; press: every pixel
    settled: dict[Rendered, Document] = {}  # the last layout made while settling

    if has_tables(typeset) or has_figures(typeset):  # issue 14: 续表 and floating figures

        def pages_of(draft: Issue) -> list:
            # The very document that will print (press CSS included), so the breaks found
            # are the printed ones and the parsed styles and measurements carry over.
            rendered = html_of(draft)
            with extensions():
                document = lay_out(
                    rendered,
                    allowed_roots=roots,
                    styles=styles,
                    makeup=makeup,
                    image_dpi=image_dpi,
                )
            settled.clear()
            settled[rendered] = document
            return document.pages

        typeset = settle_layout(typeset, pages_of, text_geometry(layout))
    rendered = html_of(typeset)

    def render(document: Rendered) -> Rendition:
        # The settled issue was laid out last while settling: that layout is drawn.
        laid_out = settled.get(document)
        drawn = None
        with extensions():
            if on_layout is not None:  # the preview maps points back through this layout
                laid_out = laid_out or lay_out(
                    document,
                    allowed_roots=roots,
                    styles=styles,
                    makeup=makeup,
                    image_dpi=image_dpi,
                )
                drawn = on_layout(laid_out)
                whole = len(laid_out.pages)
                if drawn is not None:  # only the pages the preview has no image of
                    laid_out = laid_out.copy([laid_out.pages[index] for index in drawn])
            rendition = write_pdf(
                document,
                allowed_roots=roots,
                identifier=content_identifier(document.html, document.css, roots=roots),
                variant=job.variant if job else standard.variant,
                styles=styles,
                makeup=makeup,
                image_dpi=image_dpi,
                laid_out=laid_out,
                tagged=job.tagged if job else standard.tagged,
                ua_part=None if job else standard.ua_part,
            )
        return rendition if drawn is None else dataclasses.replace(rendition, pages=whole)

    if pad_to:
        from compositor.press.padding import pad_pages

        rendition = pad_pages(rendered, render, pad_to, layout.class_of("colophon-space"))
    else:
        rendition = render(rendered)
    if not job:
        return _archival(rendition.pdf, issue, layout, standard), rendition.pages
    from compositor.press.output import make_press_pdf
    from compositor.press.pictures import picture_names

    return make_press_pdf(rendition.pdf, job, picture_names(issue)), rendition.pages


def with_layout(issue: Issue, name: str) -> Issue:
    """``issue`` set in the layout ``name`` instead of its publication's."""
    publication = dataclasses.replace(issue.publication, layout=name)
    return dataclasses.replace(issue, publication=publication)


def _archival(pdf: bytes, issue: Issue, layout: Layout, standard: PdfStandard) -> bytes:
    """A PDF/A file's CMYK pictures get the layout's CMYK profile (archival.py)."""
    from compositor.press.archival import has_cmyk_pictures, press_profile, with_default_cmyk

    if not (standard.variant or "").startswith("pdf/a") or not has_cmyk_pictures(issue):
        return pdf
    return with_default_cmyk(pdf, press_profile(layout.press.icc_profile))


def timestamp(issue: Issue) -> str:
    """Creation/modification date for the PDF: SOURCE_DATE_EPOCH if set, else the issue date.

    Never the wall clock, so that the same content gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        moment = dt.datetime.combine(issue.date, dt.time(), tzinfo=dt.UTC)
    else:
        moment = source_date(epoch)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def source_date(epoch: str) -> dt.datetime:
    """SOURCE_DATE_EPOCH as a UTC time. A malformed value stops the build, as the
    reproducible-builds specification asks: ignoring it would silently date the PDF
    differently from what the caller asked for."""
    try:
        if not epoch.strip().isdigit():
            raise ValueError
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise CompositorError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a time: give whole seconds since "
            f"1970-01-01 UTC (before the year 10000), or unset it to date the PDF by the issue"
        ) from None
