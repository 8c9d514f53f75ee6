"""``--pad-to N``: blank pages before the back page so the page count is a multiple of N.

A bulletin is printed on folded sheets (4 pages per sheet of A3 folded once). The
back page (the colophon, 版记) must stay the last page, and the article text must
not be split by blank pages. So when the count is not a multiple of N, the issue is
laid out again with the colophon on a page of its own after the text, and blank
pages go just before it. The colophon is found by its spacer's role in the layout
(``[grid.blocks]`` role ``colophon-space``); a layout without one has no back page, and
its blank pages go at the end. As GB/T 9704-2012 §7.5 prescribes for official bulletins,
the blank pages and the colophon page behind them carry no running header and no
page number.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable

import pikepdf

from compositor.press.pdfsave import save_reproducibly
from compositor.render.html import Rendered
from compositor.render.pdf import Rendition

# A layout's colophon is an absolutely positioned footer preceded by a spacer (the block
# of role "colophon-space"): breaking before the spacer moves both to a new page, which
# has no running header and no page number (a layout draws them in @top-center and
# @bottom-center).
BACK_PAGE_CSS = """
.{spacer} {{ break-before: page; page: compositor-back-page; }}
@page compositor-back-page {{
  @top-center {{ content: none; border: none; }}
  @bottom-center {{ content: none; }}
}}
"""


def back_page_css(spacer: str | None) -> str:
    """CSS putting the colophon, after ``.spacer``, on a page of its own."""
    return BACK_PAGE_CSS.format(spacer=spacer) if spacer else ""


def pad_pages(
    rendered: Rendered,
    render: Callable[[Rendered], Rendition],
    multiple: int,
    spacer: str | None,
) -> Rendition:
    """Render ``rendered``; if needed, again with a separate back page and blank pages.
    ``spacer``: the class of the colophon's spacer in the layout (None: no back page)."""
    first = render(rendered)
    if multiple <= 1 or first.pages % multiple == 0:
        return first
    if spacer is None:  # nothing to keep last: the blank pages end the issue
        separate, before = first, first.pages
    else:
        separate = render(dataclasses.replace(rendered, css=rendered.css + back_page_css(spacer)))
        before = separate.pages - 1
    blanks = -separate.pages % multiple
    if blanks == 0:
        return separate
    return Rendition(
        pdf=insert_blank_pages(separate.pdf, before=before, count=blanks),
        pages=separate.pages + blanks,
    )


def insert_blank_pages(pdf_bytes: bytes, *, before: int, count: int) -> bytes:
    """Insert ``count`` empty pages before page index ``before``, same size as the last."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        model = pdf.pages[-1].obj
        for _ in range(count):
            blank = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                Resources=pikepdf.Dictionary(),
                Contents=pdf.make_stream(b""),
            )
            for box in ("/MediaBox", "/TrimBox", "/BleedBox"):
                if box in model:
                    blank[box] = pikepdf.Array(list(model[box]))
            pdf.pages.insert(before, pikepdf.Page(blank))
        return save_reproducibly(pdf)
