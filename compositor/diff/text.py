"""The text side of a page diff: a short unified diff per page, and the articles it touches.

Articles are found in the PDF itself, so that any two PDFs can be compared: an article is a
bookmark (outline entry) that a link points at, which in a bulletin means an entry of the
table of contents. A text line belongs to the last article title printed before it; a line
that contains an article's title (its table-of-contents entry, say) belongs to that article.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf

# Enough of a diff to see what changed; the PNG shows the rest.
MAX_DIFF_LINES = 24
# A title may wrap over this many printed lines.
MAX_TITLE_LINES = 3


@dataclass(frozen=True)
class TextChange:
    diff: str  # unified diff, at most MAX_DIFF_LINES lines
    articles: list[str]  # titles of the articles whose lines changed, in page order


def squash(text: str) -> str:
    """Text without whitespace: letter-spaced headings and wrapped titles compare equal."""
    return re.sub(r"\s+", "", text)


def article_titles(pdf: Path) -> list[str]:
    """Titles of the bookmarks that the document links to, in outline order.

    When no link points at a bookmark (a PDF without a table of contents), every bookmark
    counts, so that changes are still attributed to the nearest heading.
    """
    with pikepdf.open(pdf) as document:
        targets = {destination_key(d) for d in link_destinations(document)}
        with document.open_outline() as outline:
            bookmarks = [
                (item.title, destination_key(resolve(document, item.destination)))
                for item in walk(outline.root)
            ]
    linked = [title for title, key in bookmarks if key is not None and key in targets]
    titles = linked or [title for title, _ in bookmarks]
    return list(dict.fromkeys(t for t in titles if squash(t)))


def walk(items):
    for item in items:
        yield item
        yield from walk(item.children)


def link_destinations(document: pikepdf.Pdf):
    for page in document.pages:
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") != "/Link":
                continue
            target = annotation.get("/Dest")
            action = annotation.get("/A")
            if target is None and action is not None and action.get("/S") == "/GoTo":
                target = action.get("/D")
            yield resolve(document, target)


def resolve(document: pikepdf.Pdf, target):
    """A destination array from an explicit array or a named destination."""
    if isinstance(target, (pikepdf.String, str, pikepdf.Name)):
        names = document.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return None
        found = pikepdf.NameTree(names.Dests).get(str(target))
        return found.get("/D") if isinstance(found, pikepdf.Dictionary) else found
    return target


def destination_key(destination) -> tuple | None:
    """(page object, rounded y): two destinations to the same place share a key."""
    if not isinstance(destination, pikepdf.Array) or len(destination) < 4:
        return None
    page = destination[0]
    if not isinstance(page, pikepdf.Dictionary) or not page.is_indirect:
        return None
    top = None
    if destination[1] == "/XYZ" and destination[3] is not None:
        top = round(float(destination[3]))
    return page.objgen, top


def line_owners(pages: list[list[str]], titles: list[str]) -> list[list[str | None]]:
    """For every line of every page, the article it belongs to (None before the first)."""
    wanted = {squash(t): t for t in titles}
    owners: list[list[str | None]] = []
    current = None
    for lines in pages:
        page_owners: list[str | None] = []
        for i in range(len(lines)):
            current = title_starting_at(lines, i, wanted) or current
            page_owners.append(current)
        owners.append(page_owners)
    return owners


def title_starting_at(lines: list[str], i: int, wanted: dict[str, str]) -> str | None:
    joined = ""
    for line in lines[i : i + MAX_TITLE_LINES]:
        joined += squash(line)
        if joined in wanted:
            return wanted[joined]
    return None


def compare_page_text(
    old_lines: list[str],
    new_lines: list[str],
    old_owners: list[str | None],
    new_owners: list[str | None],
    titles: list[str],
    *,
    label: str,
) -> TextChange:
    """Unified diff of one page's text and the articles of the lines that changed."""
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    touched: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line, owner in [
            *zip(old_lines[i1:i2], old_owners[i1:i2], strict=True),
            *zip(new_lines[j1:j2], new_owners[j1:j2], strict=True),
        ]:
            article = title_in(line, titles) or owner
            if article and article not in touched:
                touched.append(article)
    diff = difflib.unified_diff(
        old_lines, new_lines, f"{label} (old)", f"{label} (new)", n=1, lineterm=""
    )
    return TextChange(diff=shorten(list(diff)), articles=touched)


def title_in(line: str, titles: list[str]) -> str | None:
    """The title a line mentions, e.g. a table-of-contents entry with leader dots."""
    squashed = squash(line)
    return next((t for t in titles if squash(t) in squashed), None)


def shorten(lines: list[str]) -> str:
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = [*lines[:MAX_DIFF_LINES], f"… {hidden} more lines"]
    return "\n".join(lines)
