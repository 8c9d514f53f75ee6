"""The pipeline: issue folder → PDF file. ``build_issue`` is the one entry point.

content → model → fonts check → typesetting → HTML → PDF → (press) → atomic write.
Each stage lives in its own module; this one only connects them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from .content import read_issue
from .errors import LayoutError
from .fontset import check_issue_coverage, load_fontset
from .html import render_html
from .layout import Layout, load_layout
from .model import Issue
from .pdf import content_identifier, write_atomically, write_pdf
from .typeset import typeset_issue

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LAYOUTS_DIR = PROJECT_ROOT / "layouts"
FONTS_DIR = PROJECT_ROOT / "fonts"
SAMPLE_ISSUE = PROJECT_ROOT / "content" / "torch" / "2022-17"
BUILD_DIR = Path("build")


@dataclass(frozen=True)
class BuildResult:
    path: Path
    pages: int


def build_issue(
    folder: Path | str = SAMPLE_ISSUE,
    output: Path | str | None = None,
) -> BuildResult:
    """Build one issue folder into a PDF and return its path and page count.

    ``output`` defaults to ``build/<publication>-<year>-<number>.pdf``.
    """
    issue = read_issue(Path(folder))
    layout = layout_for(issue)
    fontset = load_fontset(FONTS_DIR)
    check_issue_coverage(issue, fontset, layout.fonts)
    pdf, pages = render_issue(issue, layout, fontset)
    target = Path(output) if output else BUILD_DIR / f"{issue.slug}.pdf"
    write_atomically(pdf, target)
    return BuildResult(path=target, pages=pages)


def render_issue(issue: Issue, layout: Layout, fontset) -> tuple[bytes, int]:
    """The in-memory part of a build: no file is written."""
    typeset = typeset_issue(issue)
    font_files = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
    stamp = timestamp(issue)
    rendered = render_html(typeset, layout, font_files, timestamp=stamp, press=False)
    rendition = write_pdf(
        rendered,
        allowed_roots=(issue.folder, layout.folder, FONTS_DIR),
        identifier=content_identifier(rendered.html, rendered.css),
    )
    return rendition.pdf, rendition.pages


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
    if epoch and epoch.strip().isdigit():
        moment = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    else:
        moment = dt.datetime.combine(issue.date, dt.time(), tzinfo=dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
