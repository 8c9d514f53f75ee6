"""``compositor import PAST-ISSUE.pdf -o FOLDER``: a printed issue's PDF → an issue folder.

One entry point, ``import_pdf``. The PDF's text layer (read with pdfium) is turned
into the plain-text shape the legacy importer reads (compositor.importer.parse) and
then imported exactly like ``import LEGACY.txt`` — including its lose-nothing check,
which here compares the issue written with the body text read from the PDF.

From characters to that shape, for a single-column layout such as 火炬动态's:

* Lines are pdfium's, ordered top to bottom on each page (the content stream may draw
  a masthead last). Spaces pdfium *generated* for gaps between two CJK characters are
  justification or letter-spacing (火 炬 在 行 动) and are dropped; spaces the PDF
  really holds (产业 崛起的力量) and gaps between Latin words are kept.
* Page furniture is dropped: folios (— 3 —, 3, 第3页) and running heads, i.e. lines in
  the top or bottom margin band whose text, digits aside, recurs on several pages.
* Table-of-contents entries lose their dot leaders and page numbers; an entry the TOC
  broke over two lines is joined.
* Body lines are joined into paragraphs, also across pages: a line continues the one
  before when both are set in the body's font and size, the one before runs to the
  right edge of the text block, and this one starts at the left edge (no first-line
  indent) without a larger gap than the body's line pitch. Lines of another style
  (titles, headings) are joined with the next line of the same style right below.
* Colophon lines holding several ``label：value`` fields (地址 … 邮编 …) are split
  into one field per line.

The legacy reader then recognises masthead, TOC, sections, titles, subheads, leads,
credits and colophon. A PDF without a text layer (a scan) is refused.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.importer.lines import ImportWarning, ends_sentence
from compositor.importer.run import ImportResult, import_legacy
from compositor.scratch import scratch_folder
from compositor.text.normalize import fold_for_comparison, is_chinese_context, is_han

# Lines whose top lies within this fraction of the page height from the top or bottom edge
# may be running heads or folios.
MARGIN_BAND = 0.1
# A text that recurs in the margin band on this many pages (digits ignored) is furniture.
FURNITURE_MIN_PAGES = 2
FOLIO = re.compile(
    r"^[\s—–\-·•]*(第\s*)?\d{1,4}(\s*页)?[\s—–\-·•]*$|^[\s—–\-]*[ivxlcdm]+[\s—–\-]*$"
)
# How far (in ems) short of the right edge a line may end and still run to it: compressed
# punctuation at the end of a justified line ends ~0.2 em short; a paragraph's last line
# ending a character short is not full.
FULL_LINE_SLACK = 0.3
# Dot leaders and the page number; hostile or damaged TOCs may lack the number.
TOC_LEADER = re.compile(r"[\s.·…‥⋯]*[.·…‥⋯]{3}[\s.·…‥⋯]*\d{0,4}\s*$")
ISSUE_LABEL = re.compile(r"\d{4}年第\d+期")
TOC_SECTION = re.compile(r"^【[^】]*】")
COLOPHON_LABEL = re.compile(r"(?:编辑部地址|(?<!编辑部)地址|邮编|电话|网址|责任编辑)\s*[:：]")

__all__ = ["import_pdf", "is_pdf", "pdf_to_legacy_text"]


@dataclass(frozen=True)
class PdfLine:
    page: int  # 1-based
    text: str
    left: float
    right: float
    top: float  # distance from the top of the page (its trim box), in points
    bottom: float
    size: float  # font size of most of its characters
    font: str  # font name of most of its characters
    page_height: float
    em: float  # median advance of its Han characters (0 if it has none)

    @property
    def style(self) -> tuple[str, float]:
        return (self.font, self.size)


def is_pdf(path: Path) -> bool:
    """A PDF by name or by its first bytes (archives rename files)."""
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"%PDF-"
    except OSError:
        return False


def import_pdf(path: Path, out_dir: Path, *, strict: bool = False) -> ImportResult:
    """Import the past issue ``path`` (a PDF) into the new issue folder ``out_dir``."""
    path = Path(path)
    text, pages = pdf_to_legacy_text(path)

    # Line numbers of the extracted text mean nothing to the editor: point at pages.
    def page_of(line: int) -> int:
        return pages[line - 1] if 0 < line <= len(pages) else 0

    with scratch_folder("pdf") as folder:
        # Named like the PDF: the importer notes its source's name in issue.toml.
        extracted = Path(folder) / path.name
        extracted.write_text(text, encoding="utf-8")
        try:
            result = import_legacy(extracted, out_dir, strict=strict)
        except ContentError as error:
            page = page_of(error.line)
            where = _("page {page}: ").format(page=page) if page else ""
            raise ContentError(
                _(
                    "{where}{message} (line numbers count lines of the text read from the PDF)"
                ).format(where=where, message=error.message),
                path,
            ) from None
    warnings = tuple(
        ImportWarning(path, 0, w.message, w.ambiguous, page=page_of(w.line))
        for w in result.warnings
    )
    return ImportResult(result.issue, result.written, warnings)


def pdf_to_legacy_text(path: Path) -> tuple[str, list[int]]:
    """The legacy plain-text shape of the PDF, and the page each of its lines came from."""
    lines = read_lines(path)
    if not any(line.text.strip() for line in lines):
        raise ContentError(
            _(
                "this PDF has no text layer (a scanned issue?): it cannot be imported; import "
                "the issue's original text instead, or run OCR on the PDF first"
            ),
            path,
        )
    lines = drop_furniture(lines)
    blocks = join_lines(lines)
    out_text: list[str] = []
    out_pages: list[int] = []
    for page, text in blocks:
        for piece in split_colophon(text):
            out_text.append(piece)
            out_pages.append(page)
    return "\n".join(out_text) + "\n", out_pages


# --- reading ------------------------------------------------------------------------------


def read_lines(path: Path) -> list[PdfLine]:
    """Every text line of the PDF, pages in order, lines top to bottom."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        raise ContentError(
            _("cannot read this PDF ({error}): is it damaged or password-protected?").format(
                error=error
            ),
            path,
        ) from None
    try:
        lines: list[PdfLine] = []
        for number, page in enumerate(document, start=1):
            # Measured from the trim box: a press PDF has bleed and marks around the page.
            _left, bottom, _right, top = page.get_trimbox()
            textpage = page.get_textpage()
            page_lines = _page_lines(textpage, number, top, top - bottom)
            lines += sorted(page_lines, key=lambda line: (round(line.top, 0), line.left))
            textpage.close()
            page.close()
        return lines
    finally:
        document.close()


def _page_lines(textpage, number: int, trim_top: float, height: float) -> list[PdfLine]:
    import ctypes

    import pypdfium2.raw as raw

    lines: list[PdfLine] = []
    chars: list[tuple[str, bool, tuple, float, str]] = []
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()

    def flush() -> None:
        if chars:
            line = _line(chars, number, trim_top, height)
            if line.text:
                lines.append(line)
            chars.clear()

    for index in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage.raw, index))
        generated = bool(raw.FPDFText_IsGenerated(textpage.raw, index))
        if char in "\r\n":
            flush()
            continue
        if char in "\ufffe\uffff\0":
            continue
        # Loose boxes span the advance width: a line's right edge is where its text ends.
        box = textpage.get_charbox(index, loose=True)
        size = raw.FPDFText_GetFontSize(textpage.raw, index)
        raw.FPDFText_GetFontInfo(textpage.raw, index, name, 256, ctypes.byref(flags))
        font = name.value.decode("latin-1").split("+")[-1]
        chars.append((char, generated, box, size, font))
    flush()
    return lines


def _line(chars: list, page: int, trim_top: float, height: float) -> PdfLine:
    text = []
    for index, (char, generated, *_rest) in enumerate(chars):
        if char == " " and generated and _between_cjk(chars, index):
            continue  # justification or letter-spacing, not a space of the text
        text.append(char)
    real = [c for c in chars if not (c[0].isspace() and c[1])] or chars
    boxes = [c[2] for c in real]
    styles = Counter((c[4], round(c[3], 1)) for c in real if not c[0].isspace())
    font, size = styles.most_common(1)[0][0] if styles else ("", 0.0)
    widths = [c[2][2] - c[2][0] for c in real if is_han(c[0])]
    return PdfLine(
        page=page,
        text="".join(text).strip(),
        left=min(b[0] for b in boxes),
        right=max(b[2] for b in boxes),
        top=trim_top - max(b[3] for b in boxes),
        bottom=trim_top - min(b[1] for b in boxes),
        size=size,
        font=font,
        page_height=height,
        em=statistics.median(widths) if widths else 0.0,
    )


def _between_cjk(chars: list, index: int) -> bool:
    before = next((c[0] for c in reversed(chars[:index]) if not c[0].isspace()), "")
    after = next((c[0] for c in chars[index + 1 :] if not c[0].isspace()), "")
    return bool(before and after) and is_chinese_context(before) and is_chinese_context(after)


# --- page furniture -----------------------------------------------------------------------


def drop_furniture(lines: list[PdfLine]) -> list[PdfLine]:
    """Without folios and running heads (see the module doc)."""
    pages_of: dict[str, set[int]] = {}
    for line in lines:
        if _in_margin(line):
            pages_of.setdefault(_furniture_key(line), set()).add(line.page)
    body_style = _body_style(lines)
    blocks: dict[int, tuple[float, float]] = {}
    for line in lines:
        if line.style == body_style:
            top, bottom = blocks.get(line.page, (line.top, line.bottom))
            blocks[line.page] = (min(top, line.top), max(bottom, line.bottom))
    masthead = fold_for_comparison(lines[0].text) if lines else ""

    def is_furniture(line: PdfLine) -> bool:
        if not _in_margin(line):
            return False
        if FOLIO.match(line.text) or len(pages_of[_furniture_key(line)]) >= FURNITURE_MIN_PAGES:
            return True
        top, bottom = blocks.get(line.page, (line.bottom, line.top))
        outside = line.bottom <= top or line.top >= bottom  # above or below the text block
        key = fold_for_comparison(line.text)
        # A running head names the publication or the issue; page 1 holds the masthead.
        names = (masthead and masthead in key and key != masthead) or ISSUE_LABEL.search(key)
        return line.page > 1 and outside and bool(names)

    return [line for line in lines if not is_furniture(line)]


def _body_style(lines: list[PdfLine]) -> tuple[str, float]:
    """The font and size most of the text is set in."""
    counts: Counter[tuple[str, float]] = Counter()
    for line in lines:
        counts[line.style] += len(line.text)
    return counts.most_common(1)[0][0] if counts else ("", 0.0)


def _furniture_key(line: PdfLine) -> str:
    return re.sub(r"\d+", "#", fold_for_comparison(line.text))


def _in_margin(line: PdfLine) -> bool:
    band = MARGIN_BAND * line.page_height
    return line.top < band or line.bottom > line.page_height - band


# --- lines → blocks -----------------------------------------------------------------------


def join_lines(lines: list[PdfLine]) -> list[tuple[int, str]]:
    """One (page, text) per masthead line, TOC entry, paragraph, title, subhead, colophon line."""
    if not lines:
        return []
    body_style = _body_style(lines)
    body = [line for line in lines if line.style == body_style]
    # The text block's edges: most body lines start at the left one (others are indented)
    # and end at the right one (others end a paragraph).
    lefts, rights = [line.left for line in body], [line.right for line in body]
    left = statistics.quantiles(lefts, n=10)[0] if len(body) > 1 else lefts[0]
    right = statistics.quantiles(rights, n=10)[-1] if len(body) > 1 else rights[0]
    pitch = _pitch(body)
    ems = [line.em for line in body if line.em]
    em = statistics.median(ems) if ems else body_style[1] or 10.0
    toc_start, toc_end = _toc_range(lines)

    blocks: list[tuple[int, str]] = []
    current: list[PdfLine] = []

    def flush() -> None:
        if current:
            blocks.append((current[0].page, _joined_text(current)))
            current.clear()

    for index, line in enumerate(lines):
        if index < toc_start:  # the masthead: one line each
            blocks.append((line.page, line.text))
        elif index < toc_end:
            current.append(line)
            following = lines[index + 1].text
            if (
                TOC_SECTION.match(line.text)
                or line.text.startswith("——")
                or TOC_LEADER.search(line.text)
                or index + 1 == toc_end
                or TOC_SECTION.match(following)
                or following.startswith("——")
            ):
                blocks.append((current[0].page, TOC_LEADER.sub("", _joined_text(current))))
                current.clear()
        elif current and _continues(current[-1], line, body_style, left, right, pitch, em):
            current.append(line)
        else:
            flush()
            current.append(line)
    flush()
    return [(page, text) for page, text in blocks if text.strip()]


def _continues(
    before: PdfLine,
    line: PdfLine,
    body_style: tuple[str, float],
    left: float,
    right: float,
    pitch: float,
    em: float,
) -> bool:
    if before.style != line.style:
        return False
    same_page = before.page == line.page
    gap = line.top - before.top if same_page else 0.0
    if line.style != body_style:
        # Titles and headings (larger than the body) broken over lines, right below each
        # other; smaller text (a colophon, notes) is set line by line.
        return line.size > body_style[1] and same_page and 0 < gap <= line.size * 1.8
    if same_page and not 0 < gap <= pitch * 1.4:
        return False
    if not same_page and line.page != before.page + 1:
        return False
    short = right - before.right
    # Justified lines end at the right edge, give or take compressed end punctuation; lines
    # set ragged (no CJK justification) end up to a character short, but then do not end a
    # sentence in the same place as a paragraph's last line would.
    ragged = short < 1.05 * em and not ends_sentence(before.text)
    runs_full = short <= FULL_LINE_SLACK * em or ragged
    starts_flush = line.left <= left + 0.5 * em
    return runs_full and starts_flush


def _toc_range(lines: list[PdfLine]) -> tuple[int, int]:
    """Indices of the TOC's first line (a 【section】) and of the first section's banner."""
    first = next((i for i, line in enumerate(lines) if TOC_SECTION.match(line.text)), None)
    if first is None:
        return 0, 0
    text = lines[first].text
    title = fold_for_comparison(text[1 : text.index("】")])
    for index in range(first + 1, len(lines)):
        key = fold_for_comparison(lines[index].text)
        if key == title:
            return first, index
        # A long banner may be broken over two lines.
        following = lines[index + 1].text if index + 1 < len(lines) else ""
        if key and title.startswith(key) and key + fold_for_comparison(following) == title:
            return first, index
    return first, first


def _joined_text(lines: list[PdfLine]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        latin = text[-1:].isascii() and text[-1:].isalnum() and line.text[:1].isascii()
        text += (" " if latin and line.text[:1].isalnum() else "") + line.text
    return text


def _pitch(body: list[PdfLine]) -> float:
    gaps = [
        b.top - a.top
        for a, b in zip(body, body[1:], strict=False)
        if a.page == b.page and 0 < b.top - a.top < 3 * max(a.size, 1)
    ]
    return statistics.median(gaps) if gaps else 1.5 * (body[0].size if body else 10)


# --- colophon -----------------------------------------------------------------------------


def split_colophon(text: str) -> list[str]:
    """'地址：… 邮编：100045' → ['地址：…', '邮编：100045']; other text unchanged."""
    if not COLOPHON_LABEL.match(text):
        return [text]
    starts = [match.start() for match in COLOPHON_LABEL.finditer(text)]
    pieces = [text[a:b].strip() for a, b in zip(starts, starts[1:] + [len(text)], strict=True)]
    return [piece for piece in pieces if piece]
