"""The pipeline: issue folder → PDF file. ``build_issue`` is the one entry point.

content → model → fonts check → typesetting → HTML → PDF → (press) → atomic write.
Each stage lives in its own module; this one only connects them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from compositor.content import read_issue
from compositor.continued import has_tables, settle_layout
from compositor.errors import CompositorError, LayoutError
from compositor.floats import has_figures, text_geometry
from compositor.fonts.fontset import check_issue_coverage, load_fontset
from compositor.html import Rendered, render_html
from compositor.layout import Layout, load_layout
from compositor.model import Issue
from compositor.paths import FONTS_DIR, LAYOUTS_DIR, PROJECT_ROOT, SAMPLE_ISSUE
from compositor.pdf import (
    Rendition,
    StyleCache,
    content_identifier,
    layout_pages,
    write_atomically,
    write_pdf,
)
from compositor.press.output import PressJob, PressSettings, make_press_pdf
from compositor.press.padding import pad_pages
from compositor.resolution import SCREEN_PPI, low_resolution, refuse_for_press
from compositor.typeset import typeset_issue

__all__ = ["FONTS_DIR", "LAYOUTS_DIR", "PROJECT_ROOT", "SAMPLE_ISSUE", "build_issue"]

BUILD_DIR = Path("build")


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int
    warnings: tuple[str, ...] = ()  # as file:line: message, for the command line to show


def build_issue(
    folder: Path | str = SAMPLE_ISSUE,
    output: Path | str | None = None,
    press: PressSettings | None = None,
    pad_to: int | None = None,
) -> BuildResult:
    """Build one issue folder into a PDF and return its path and page count.

    ``output`` defaults to ``build/<publication>-<year>-<number>.pdf``. ``press`` makes
    it the PDF/X file for the printer (see press.py); ``pad_to`` adds blank pages
    before the back page up to a multiple of that many pages (see padding.py).
    """
    issue = read_issue(Path(folder))
    layout = layout_for(issue)
    fontset = load_fontset(FONTS_DIR)
    check_issue_coverage(issue, fontset, layout.fonts)
    low = low_resolution(issue, layout)  # issue 14: pictures under 300 ppi
    if press and not press.allow_low_res:
        refuse_for_press(low)
    pdf, pages = render_issue(issue, layout, fontset, press=press, pad_to=pad_to)
    target = Path(output) if output else BUILD_DIR / f"{issue.slug}.pdf"
    write_atomically(pdf, target)
    warnings = tuple(f"{placed.figure.source}: {placed.message}" for placed in low)
    return BuildResult(path=target, pages=pages, warnings=warnings)


def render_issue(
    issue: Issue,
    layout: Layout,
    fontset,
    press: PressSettings | None = None,
    pad_to: int | None = None,
    styles: StyleCache | None = None,
) -> tuple[bytes, int]:
    """The in-memory part of a build: no file is written. ``styles`` keeps the parsed
    stylesheets for the next build in this process (``compositor watch``)."""
    from compositor.weasy_seam import (
        cjk_typesetting,  # imports WeasyPrint: `compositor check` does not
    )

    job = PressJob.plan(press, layout) if press else None
    styles = styles or StyleCache()  # shared by the renders of one build (pad_pages)
    typeset = typeset_issue(issue)
    font_files = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
    stamp = timestamp(issue)
    roots = (issue.folder, layout.folder, FONTS_DIR)
    if has_tables(typeset) or has_figures(typeset):  # issue 14: 续表 and floating figures

        def lay_out(draft: Issue) -> list:
            html = render_html(draft, layout, font_files, timestamp=stamp, press=False)
            with cjk_typesetting(layout.typesetting):
                return layout_pages(html, allowed_roots=roots)

        typeset = settle_layout(typeset, lay_out, text_geometry(layout))
    rendered = render_html(typeset, layout, font_files, timestamp=stamp, press=job is not None)
    if job:
        rendered = job.prepare(rendered)

    def render(document: Rendered) -> Rendition:
        with cjk_typesetting(layout.typesetting):  # clreq line breaking, spacing, justification
            return write_pdf(
                document,
                allowed_roots=roots,
                identifier=content_identifier(document.html, document.css),
                variant=job.variant if job else None,
                image_dpi=None if job else SCREEN_PPI,  # small for e-mail; press: every pixel
                styles=styles,
            )

    rendition = pad_pages(rendered, render, pad_to) if pad_to else render(rendered)
    pdf = make_press_pdf(rendition.pdf, job) if job else rendition.pdf
    return pdf, rendition.pages


def layout_for(issue: Issue) -> Layout:
    folder = LAYOUTS_DIR / issue.publication.layout
    if not folder.is_dir():
        raise LayoutError(
            f"layout {issue.publication.layout!r} not found in {LAYOUTS_DIR}",
            issue.publication.root / "publication.toml",
        )
    return load_layout(folder)


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
