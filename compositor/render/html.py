"""HTML rendering: ``Issue`` + ``Layout`` → one HTML document and its generated CSS.

Content is passed to Jinja2 as data with autoescaping on; it is never compiled as a
template, so ``{{ … }}`` or ``<script>`` typed by an editor prints as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import jinja2

from compositor.content.marks import NoMarks, SourceMarks
from compositor.fonts.fontset import KAI_QUOTES
from compositor.layout import Layout
from compositor.model import Issue
from compositor.typeset.tables import set_table

# The serif face draws the full-width curly quotes that the Kai face lacks (fonts.md).
# It must be a family of its own: WeasyPrint merges two @font-face files of one family
# into one PDF font, and the quotes then print as random glyphs of the Kai subset.
# Layouts name it first in Kai stacks: font-family: role-kai-quotes, role-kai.
KAI_QUOTE_RANGE = ", ".join(f"U+{ord(char):04X}" for char in sorted(KAI_QUOTES))


@dataclass(frozen=True)
class Rendered:
    html: str
    css: str  # generated: @font-face rules and colour variables
    stylesheets: tuple[Path, ...]  # the layout's own CSS files, applied after ``css``
    base_url: str  # the layout folder, so the layout's own relative URLs resolve


class Templates:
    """The layout's compiled template, kept for the next render (a build session's).

    Compiling the template (Jinja2 parses it and compiles generated Python) is nearly
    all of a render's time, about 12 ms, and ``compositor watch`` renders the same
    template build after build. Jinja2 checks the file's modification time on every
    ``get_template`` and compiles it again when a designer has saved it (auto_reload),
    so a render sees the template as it is on disk. One layout folder at a time.
    """

    def __init__(self) -> None:
        self._folder: Path | None = None
        self._environment: jinja2.Environment | None = None

    def get(self, layout: Layout) -> jinja2.Template:
        if self._environment is None or layout.folder != self._folder:
            self._environment = jinja2.Environment(
                loader=jinja2.FileSystemLoader(layout.folder),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                keep_trailing_newline=True,
                auto_reload=True,  # the default, relied upon: see the class's comment
            )
            self._folder = layout.folder
        return self._environment.get_template(layout.template)


def render_html(
    issue: Issue,
    layout: Layout,
    font_files: dict[str, Path],
    *,
    timestamp: str,
    press: bool,
    templates: Templates | None = None,
    marks: SourceMarks | None = None,
) -> Rendered:
    """Render the issue with the layout's template.

    ``font_files`` maps each layout role (body, title, …) to the font file for it;
    ``timestamp`` is the ISO date stored as the PDF's creation and modification date;
    ``templates`` keeps the compiled template for the next render (default: none kept);
    ``marks`` writes where each piece was typed into the HTML (``compositor preview``;
    default: nothing, as a print build needs).
    """
    template = (templates or Templates()).get(layout)
    html = template.render(
        issue=issue,
        pub=issue.publication,
        colophon=issue.colophon,
        ids=article_ids(issue),
        timestamp=timestamp,
        picture_url=lambda path: picture_url(path, issue.folder),
        set_table=set_table,
        src=marks or NoMarks(),
        mark=field_marks(layout),
    )
    css = font_face_css(font_files) + colour_css(layout, press=press)
    return Rendered(
        html=html, css=css, stylesheets=layout.stylesheets, base_url=layout.folder.as_uri() + "/"
    )


def picture_url(path: Path, folder: Path) -> str:
    """``issue:photos/a.jpg``: a picture's URL relative to its issue folder (pdf.ISSUE_SCHEME),
    so that the same content gives the same PDF wherever the folder is."""
    return "issue:" + quote(path.relative_to(folder.resolve()).as_posix())


def article_ids(issue: Issue) -> dict[Path, str]:
    """Stable anchors for the table of contents: article-1, article-2, …"""
    return {
        article.source.path: f"article-{n}" for n, article in enumerate(issue.articles, start=1)
    }


def font_face_css(font_files: dict[str, Path]) -> str:
    rules = [_font_face(f"role-{role}", path) for role, path in sorted(font_files.items())]
    if "kai" in font_files and "body" in font_files:
        rules.append(_font_face("role-kai-quotes", font_files["body"], KAI_QUOTE_RANGE))
    return "\n".join(rules) + "\n"


def _font_face(family: str, path: Path, unicode_range: str = "") -> str:
    extra = f" unicode-range: {unicode_range};" if unicode_range else ""
    return (
        f'@font-face {{ font-family: "{family}"; src: url("{path.resolve().as_uri()}");{extra} }}'
    )


def field_marks(layout: Layout) -> Callable[[str, str], str]:
    """The template's ``mark(kind, text)``: ``text`` inside the marks the layout declares
    for a field of ``kind`` ([marks] credit = "（供稿：{}）"), or bare if it declares none;
    so each mark is written once, in layout.toml, for the build and the template alike."""

    def mark(kind: str, text: str) -> str:
        form = layout.marks.get(kind)
        return form.replace("{}", text, 1) if form else text

    return mark


def colour_css(layout: Layout, *, press: bool) -> str:
    declarations = " ".join(f"--{c.name}: {c.css(press)};" for c in layout.colours)
    return f":root {{ {declarations} }}\n"
