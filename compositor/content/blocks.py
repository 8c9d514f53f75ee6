"""Figures and tables in an article body (issue 14): Markdown tokens → ``Figure``/``Table``.

content.py parses the body and asks ``read_block`` about each token; everything about
pictures and tables — which Markdown makes one, which files may be placed, what a
``{width=…}`` may say — lives here (see docs/content-format.md):

- a figure is an image alone in its paragraph, ``![图注](photos/a.jpg){width=40mm}``;
- a table is a GFM pipe table; a ``Table: 表1　…`` line directly below it (or after
  one blank line) is its caption, Pandoc's convention; ``<br>`` in a cell (GitHub's
  convention, also ``<br/>``, ``<br />``) breaks the cell's text into lines.

An image file must be inside the issue folder (or a folder under it), named by a
relative path: a URL, ``data:``, an absolute path, ``..`` or a symlink out of the issue
is refused with the article's file and line, before anything is read.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin

from compositor.content import spans
from compositor.errors import ContentError
from compositor.i18n import _
from compositor.model import CELL_LINE_BREAK, Block, Figure, Source, Table

TABLE_RULES = ["table"]
CAPTION_PREFIX = "Table:"
RASTER_FORMATS = {"JPEG": "JPEG", "PNG": "PNG"}  # Pillow's format name → what we call it
# Pillow modes WeasyPrint places correctly (8 bits per channel; 1-bit and palette
# pictures are expanded to RGB). A 16-bit PNG (mode I;16) would be drawn as noise.
RASTER_MODES = {"1", "L", "LA", "P", "PA", "RGB", "RGBA", "CMYK"}
SVG_SUFFIX = ".svg"
# {width=40mm} or {width=50%}: a printed size, never pixels (they mean nothing on paper).
WIDTH = re.compile(r"(?P<number>\d+(?:\.\d+)?)(?P<unit>mm|cm|pt|%)")
PERCENT_WIDTH = re.compile(r"\{\s*width=(\d+(?:\.\d+)?%)\s*\}")
MAX_SVG_BYTES = 5 * 1024 * 1024
ALIGNMENTS = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}
# A line break in a table cell, as GitHub writes it in pipe tables (a cell is one source
# line): <br>, <br/> or <br />. Elsewhere it is text and prints as typed, as all HTML does.
CELL_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
CELL_BREAK_TOKEN = "cell_break"


def markdown(rules: list[str]) -> MarkdownIt:
    """The article parser: content.py's rules plus pipe tables and Pandoc-style attributes
    (mdit-py-plugins' attrs plugin, which reads ``{width=40mm}`` after an image)."""
    parser = MarkdownIt("zero").enable([*rules, *TABLE_RULES]).use(attrs_plugin)
    # a table with several header rows (content/spans.py); GFM's rule reads the others
    parser.block.ruler.before(
        "table", "header_rows", spans.header_rows_rule, {"alt": ["paragraph", "reference"]}
    )
    parser.inline.ruler.after("text", CELL_BREAK_TOKEN, _cell_break_rule)
    # markdown-it leaves a picture whose address it deems unsafe (file:, most data:) as
    # plain text; taking every address lets resolve_image refuse it with file and line.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it's hook
    return parser


def _cell_break_rule(state, silent: bool) -> bool:
    """``<br>`` as a token of its own, whose content is the break as typed: only a table
    cell reads it as a line break (``_cell_text``); every other reader joins the tokens'
    content, so there it prints as typed. ``\\<br>`` and ``&lt;br>`` are text: the escape
    and entity rules take their first character before this rule sees a ``<``."""
    if state.src[state.pos] != "<":
        return False
    found = CELL_BREAK.match(state.src, state.pos)
    if found is None:
        return False
    if not silent:
        token = state.push(CELL_BREAK_TOKEN, "br", 0)
        token.content = token.markup = found[0]
    state.pos = found.end()
    return True


def read_block(
    tokens: list, index: int, article: Path, first_line: int
) -> tuple[Block, ...] | None:
    """The figure or table that starts at ``tokens[index]``, ``()`` for a token that belongs
    to one already read (a table's caption paragraph), or None for ordinary text."""
    token = tokens[index]
    if token.type == "table_open":
        return (_read_table(tokens, index, article, first_line),)
    if token.type != "inline" or index == 0 or tokens[index - 1].type != "paragraph_open":
        return None
    if _is_table_caption(tokens, index):
        return ()
    images = [child for child in token.children or [] if child.type == "image"]
    if not images:
        return None
    line = first_line + token.map[0]
    children = list(token.children or [])
    percent = _percent_width(children)
    others = [
        child
        for child in children
        if child.type not in ("image", "softbreak", "hardbreak")
        and child is not percent
        and not (child.type == "text" and not child.content.strip())
    ]
    if len(images) > 1 or others:
        raise ContentError(
            _(
                "a picture stands alone in its paragraph: put a blank line before and after "
                "{picture} and write its text as the caption inside [ ]"
            ).format(picture=f"![{images[0].content}]({_src(images[0])})"),
            article,
            line + _line_offset(token.content, "!["),
        )
    if percent is not None:
        width = PERCENT_WIDTH.fullmatch(percent.content.strip())
        assert width is not None  # _percent_width took it for this match
        images[0].attrs["width"] = width[1]
    return (_read_figure(images[0], article, line),)


def _percent_width(children: list):
    """Pandoc's ``{width=50%}``: the attrs plugin reads only ``{width="50%"}`` (in djot, which
    it follows, ``%`` must be quoted), so the unquoted form arrives as the text after the
    picture. That text, and nothing else, is taken as its width."""
    for before, after in zip(children, children[1:], strict=False):
        if (
            before.type == "image"
            and after.type == "text"
            and PERCENT_WIDTH.fullmatch(after.content.strip())
        ):
            return after
    return None


# --- figures -----------------------------------------------------------------------


def _read_figure(image, article: Path, line: int) -> Figure:
    caption = "".join(child.content for child in image.children or []).strip()
    reference = f"![{image.content}]({_src(image)})"
    width = ""
    for key, value in image.attrs.items():
        if key in ("src", "alt"):
            continue
        if key != "width":
            raise ContentError(
                _(
                    "{picture}: unknown attribute {key!r}; only {{width=40mm}} or "
                    '{{width=50%}} (and alt="…", what a screen reader says for the picture) '
                    "may follow a picture"
                ).format(picture=reference, key=key),
                article,
                line,
            )
        width = _check_width(str(value), reference, article, line)
    path = resolve_image(_src(image), article, line, reference)
    pixels = _check_image_file(path, reference, article, line)
    return Figure(
        path,
        caption,
        Source(article, line),
        width=width,
        alt=str(image.attrs.get("alt") or "").strip(),  # {alt="…"}: else the caption
        pixels=pixels,
        key=_key("figure", article, line),
    )


def _key(kind: str, article: Path, line: int) -> str:
    """An id unique in the issue (file names are unique in one folder), stable between builds."""
    return f"{kind}-{hashlib.sha1(article.name.encode()).hexdigest()[:8]}-{line}"


def _src(image) -> str:
    return unquote(str(image.attrs.get("src", "")))  # markdown-it %-encodes non-ASCII names


def _check_width(value: str, reference: str, article: Path, line: int) -> str:
    match = WIDTH.fullmatch(value.strip())
    if not match or float(match["number"]) == 0:
        raise ContentError(
            _(
                "{picture}: width {value!r} is not a printed size; write e.g. {{width=40mm}} "
                "(mm, cm or pt) or {{width=50%}} (of the text width)"
            ).format(picture=reference, value=value),
            article,
            line,
        )
    if match["unit"] == "%" and float(match["number"]) > 100:
        raise ContentError(
            _("{picture}: width {value} is wider than the text; at most {{width=100%}}").format(
                picture=reference, value=value
            ),
            article,
            line,
        )
    return match[0]


def resolve_image(src: str, article: Path, line: int, reference: str = "") -> Path:
    """The file a picture names, which must be inside the article's issue folder;
    ``reference`` is the Markdown that names it, quoted in messages."""
    folder = article.parent
    where = reference or _("picture {file!r}").format(file=src)
    if not src.strip():
        raise ContentError(_("a picture names no file: write ![图注](photo.jpg)"), article, line)
    parts = urlsplit(src)
    drive = re.match(r"[A-Za-z]:", src)  # C:/photos/a.jpg parses as the URL scheme "c"
    if (parts.scheme and not drive) or parts.netloc or src.startswith("//"):
        raise ContentError(
            _(
                "{picture}: a build never fetches a URL or data: address; save the picture in "
                "the issue folder and name it by its file name, e.g. ![图注](photo.jpg)"
            ).format(picture=where),
            article,
            line,
        )
    relative = PurePosixPath(src.replace("\\", "/"))
    if relative.is_absolute() or drive:
        raise ContentError(
            _(
                "{picture}: an absolute path; copy the picture into the issue folder and name "
                "it relative to it, e.g. ![图注](photos/a.jpg)"
            ).format(picture=where),
            article,
            line,
        )
    if ".." in relative.parts:
        raise ContentError(
            _(
                "{picture}: '..' leads out of the issue folder; copy the picture into the issue "
                "folder (or a folder under it)"
            ).format(picture=where),
            article,
            line,
        )
    path = folder.joinpath(*relative.parts)
    resolved = path.resolve()  # follows symlinks: one pointing out of the issue is refused
    if not resolved.is_relative_to(folder.resolve()):
        raise ContentError(
            _(
                "{picture}: a link to a file outside the issue folder; copy the picture itself "
                "into the issue folder"
            ).format(picture=where),
            article,
            line,
        )
    if not resolved.is_file():
        message = (
            _(
                "{picture} is a folder (looked for {path}); check the file name, letter case "
                "included"
            )
            if resolved.is_dir()
            else _(
                "{picture} does not exist (looked for {path}); check the file name, letter case "
                "included"
            )
        )
        raise ContentError(
            message.format(picture=where, path=path),
            article,
            line,
        )
    return resolved


def _check_image_file(path: Path, reference: str, article: Path, line: int) -> tuple[int, int]:
    """Pixel size of a JPEG or PNG, (0, 0) for an SVG; anything else is refused."""
    if path.suffix.lower() == SVG_SUFFIX:
        _check_svg(path, reference, article, line)
        return (0, 0)
    from PIL import Image

    try:
        with Image.open(path) as image:
            kind, mode, size = image.format, image.mode, image.size
            image.verify()  # reads the whole file: a truncated JPEG is caught here
    except Image.DecompressionBombError:
        raise ContentError(
            _("{picture}: the picture has too many pixels to place safely; scale it down").format(
                picture=reference
            ),
            article,
            line,
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ContentError(
            _(
                "{picture}: not a picture Pillow can read (damaged, or not JPEG, PNG or SVG); "
                "save it again as JPEG or PNG"
            ).format(picture=reference),
            article,
            line,
        ) from None
    if kind not in RASTER_FORMATS or mode not in RASTER_MODES:
        raise ContentError(
            _(
                "{picture}: a {kind} picture in mode {mode}, which cannot be placed; save it as "
                "an 8-bit JPEG (RGB, greyscale or CMYK) or PNG, or as SVG"
            ).format(picture=reference, kind=kind, mode=mode),
            article,
            line,
        )
    return size


def _check_svg(path: Path, reference: str, article: Path, line: int) -> None:
    """An SVG is a document that can point elsewhere: it must draw only itself."""
    data = path.read_bytes()
    problem = ""
    if len(data) > MAX_SVG_BYTES:
        problem = _("is larger than {size} MB").format(size=MAX_SVG_BYTES // 1024 // 1024)
    elif b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        problem = _("declares a DOCTYPE or entities, which could expand without limit")
    else:
        try:
            root = ElementTree.fromstring(data)
        except ElementTree.ParseError as error:
            problem = _("is not well-formed XML ({error})").format(error=error)
        else:
            if not root.tag.endswith("svg"):
                problem = _("is not an SVG drawing")
            else:
                problem = _svg_outside_reference(root)
    if problem:
        raise ContentError(
            _("{picture}: the SVG {problem}; export it again as a plain SVG, PNG or JPEG").format(
                picture=reference, problem=problem
            ),
            article,
            line,
        )


def _svg_outside_reference(root) -> str:
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.endswith("href") and not value.strip().startswith("#"):
                return _("links to {target!r} (an SVG may only draw what it contains)").format(
                    target=value
                )
        styles = [element.text or ""] if element.tag.endswith("style") else []
        styles.append(element.attrib.get("style", ""))
        for style in styles:
            if re.search(r"url\(\s*['\"]?(?!#)|@import", style):
                return _(
                    "loads a file or URL from its styles (an SVG may only draw what it contains)"
                )
    return ""


# --- tables ------------------------------------------------------------------------


def _read_table(tokens: list, start: int, article: Path, first_line: int) -> Table:
    line = first_line + tokens[start].map[0]
    typed: list[list[spans.TypedCell]] = []
    align: list[str] = []
    heads = 0  # header rows: every row above the |---| line (content/spans.py)
    index = start + 1
    while tokens[index].type != "table_close":
        token = tokens[index]
        if token.type == "tr_open":
            typed.append([])
        elif token.type == "thead_close":
            heads = len(typed)
        elif token.type in ("th_open", "td_open"):
            inline = tokens[index + 1]
            mark = spans.mark_of(inline.content)
            row = typed[-1]
            row.append(
                spans.TypedCell(
                    "" if mark else _cell_lines(inline),
                    mark,
                    len(typed) - 1,
                    len(row),
                    first_line + inline.map[0],
                )
            )
            if token.type == "th_open" and len(typed) == 1:
                align.append(ALIGNMENTS.get(str(token.attrs.get("style", "")), ""))
        index += 1
    caption = ""
    last = typed[-1] if len(typed) > heads else []
    if last and last[0].text.startswith(CAPTION_PREFIX) and not any(c.text for c in last[1:]):
        caption = last[0].text[len(CAPTION_PREFIX) :].strip()  # `Table:` typed right under it
        typed.pop()
    elif (below := _caption_paragraph(tokens, index + 1)) is not None:
        caption = below
    if len(typed) <= heads:
        raise ContentError(
            _("a table needs at least one row under its header and |---| line"), article, line
        )
    grid, merged = spans.resolve(typed, heads, article)
    return Table(
        header=tuple(grid[0]),
        rows=tuple(tuple(row) for row in grid[heads:]),
        align=tuple(align),
        caption=caption,
        source=Source(article, line),
        key=_key("table", article, line),
        lower_header=tuple(tuple(row) for row in grid[1:heads]),
        spans=merged,
    )


def _cell_text(inline) -> str:
    return "".join(child.content for child in inline.children or []).strip()


def _cell_lines(inline) -> str:
    """A cell's text, its lines (``<br>``) joined with "\\n" (model.Table), each stripped;
    a break before the first line or after the last breaks nothing and is dropped. Only a
    ``<br>`` breaks a line: a line feed typed as ``&#10;`` is a space, as it was."""
    text = "".join(
        CELL_LINE_BREAK if child.type == CELL_BREAK_TOKEN else child.content.replace("\n", " ")
        for child in inline.children or []
    )
    lines = [line.strip() for line in text.split(CELL_LINE_BREAK)]
    return CELL_LINE_BREAK.join(lines).strip(CELL_LINE_BREAK)


def _caption_paragraph(tokens: list, index: int) -> str | None:
    """The caption if ``tokens[index]`` opens a ``Table:`` paragraph, else None."""
    if index + 1 >= len(tokens) or tokens[index].type != "paragraph_open":
        return None
    text = _cell_text(tokens[index + 1])
    if not text.startswith(CAPTION_PREFIX):
        return None
    return text[len(CAPTION_PREFIX) :].strip()


def _is_table_caption(tokens: list, index: int) -> bool:
    """Whether the paragraph around ``tokens[index]`` is the caption of the table before it."""
    return (
        index >= 2
        and tokens[index - 2].type == "table_close"
        and _caption_paragraph(tokens, index - 1) is not None
    )


def _line_offset(content: str, needle: str) -> int:
    return next((n for n, text in enumerate(content.split("\n")) if needle in text), 0)
