"""Read a Word contribution (供稿): a .docx file → one article, with a change report.

The structure comes from Word's paragraph styles where the author used them, and
from the shape of the text only where nothing is styled:

* title: the paragraph styled Title, else the first styled Heading 1, else the first
  paragraph with text (reported as a guess);
* subheads: Heading 1–9 after the title (Heading 1 only when a Title paragraph took
  the title), and unstyled short paragraphs set wholly in bold that end no sentence;
* lead: the first paragraph after the title when it is styled Subtitle, or short and
  set wholly in 楷体 (KaiTi, 楷体_GB2312, 华文楷体 …), with more text after it;
* credit: a closing （供稿：…） or （来源：…）, on its own paragraph or ending the last one;
* pictures and tables, with the caption next to them (a Caption-styled paragraph, or
  one starting 图1 / 图为 for pictures and 表1 for tables), are read into ``Figure`` and
  ``WordTable`` blocks; whether they can be placed is the caller's decision.

Text is normalised like the legacy importer's and the build's (compositor.text.normalize:
quotes, full stops, full-width digits and Latin letters …), plus what Word typing adds:
spaces typed between Han
characters in running text are removed, line breaks inside a paragraph are joined and
indenting spaces (　　) dropped. Every change except the indent is listed in
``Contribution.changes`` so the editor can review it.

Word's automatic list numbers become list items numbered as Word prints them
(importer/numbering.py); in a table cell, whose paragraphs become the cell's lines
(``<br>``), each numbered paragraph keeps its number (a bullet its glyph), counted in the
same lists as the body's; footnotes and endnotes become the article's notes
(importer/wordnotes.py); a text box's paragraphs are read after the paragraph it is
anchored in, with a note. Whatever else cannot be placed — equations, embedded objects,
charts and shapes, symbol characters — is refused with a message naming what and
where, never dropped. Tracked changes are taken as if accepted
(insertions kept, deletions dropped) and listed in ``Contribution.notes``.

python-docx reads the package, the styles and the runs; this module only decides
what each paragraph is.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from compositor.content.notes import MARKS
from compositor.errors import ContentError
from compositor.i18n import N_, _
from compositor.importer.lines import ends_sentence
from compositor.importer.numbering import BULLET as LIST_BULLET
from compositor.importer.numbering import Numbering
from compositor.importer.ooxml import nodes
from compositor.importer.wordnotes import PLACEHOLDERS, NoteTexts, as_marks
from compositor.model import (
    CELL_LINE_BREAK,
    ItemList,
    ListItem,
    Notes,
    Paragraph,
    Source,
    Subhead,
)
from compositor.scratch import scratch_folder
from compositor.text.classes import BULLET as PRINTED_BULLET
from compositor.text.normalize import CREDIT, fold_for_comparison, is_han, normalize

DOCX_SUFFIXES = frozenset({".docx", ".docm", ".dotx"})
# Older Word, WPS and OpenDocument formats: converted to .docx by LibreOffice when installed.
CONVERTED_SUFFIXES = frozenset({".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt"})
WORD_SUFFIXES = DOCX_SUFFIXES | CONVERTED_SUFFIXES
# A contribution typed as plain text (.txt with --into): one paragraph a line.
TEXT_SUFFIXES = frozenset({".txt"})

# A lead is one short line under the title; longer 楷体 text is an ordinary paragraph.
LEAD_MAX = 60
# An unstyled bold paragraph this short (folded characters) that ends no sentence is a subhead.
SUBHEAD_MAX = 30
CONVERT_TIMEOUT_S = 120

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "v": "urn:schemas-microsoft-com:vml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
EMU_PER_MM = 36000  # DrawingML lengths are English Metric Units: 914400 an inch
VML_WIDTH = re.compile(r"(?:^|;)\s*width:\s*(?P<number>[\d.]+)(?P<unit>pt|in|mm|cm|px)?")
VML_MM = {"pt": 25.4 / 72, "in": 25.4, "mm": 1.0, "cm": 10.0, "px": 25.4 / 96, None: 25.4 / 72}
_W = "{" + NS["w"] + "}"
# Runs whose text counts: tracked deletions and moved-away text are dropped; a text box's
# runs are its own paragraphs' (TEXT_BOX_PARAGRAPHS), and a drawing's fallback copy for
# older Word (mc:Fallback) repeats what its first choice holds.
KEPT_RUNS = (
    ".//w:r[not(ancestor::w:del) and not(ancestor::w:moveFrom) and not(ancestor::mc:Fallback)]"
)
TEXT_BOX_PARAGRAPHS = ".//w:txbxContent[not(ancestor::mc:Fallback)]/w:p"

# Things a paragraph may hold that the content format cannot: (XPath, what to call it, advice).
UNPLACEABLE = (
    (".//m:oMath", N_("an equation"), N_("write it as plain text")),
    (".//w:object", N_("an embedded object"), N_("paste it as a picture or as text")),
    (".//w:sym", N_("a symbol character (Insert → Symbol)"), N_("type the character as text")),
)  # fmt: skip
HOLDS_UNPLACEABLE = N_("{where} holds {what}, which cannot be placed: {advice}")

KAI_FONT = re.compile(r"楷|kai", re.IGNORECASE)
FIGURE_CAPTION = re.compile(r"^(图\s*\d|图为|图\s*[:：])")
TABLE_CAPTION = re.compile(r"^表\s*\d")
# A numbered caption as typed: 图1, 表2-1 …, then whatever spacing separates the number from
# the text; the editors' guide writes that separator as one full-width space.
CAPTION_NUMBER = re.compile(
    r"^[ \t\u3000]*(?P<number>[图表][ \t]*\d+(?:[-.．]\d+)*)[ \t\u3000]+(?=\S)"
)
CAPTION_SEPARATOR = "\u3000"
# Around a bold run's text while a paragraph is cleaned (private-use: never in the text).
EMPHASIS_OPEN, EMPHASIS_CLOSE = "\ue100", "\ue101"


@dataclass(frozen=True)
class Change:
    """One edit the importer made to the author's text, for the editor to review."""

    where: str  # "paragraph 3"
    before: str
    after: str

    def __str__(self) -> str:
        return _("{where}: {before!r} → {after!r}").format(
            where=self.where, before=self.before, after=self.after
        )


@dataclass(frozen=True)
class Figure:
    """An inline picture: its original bytes and a file name, with its caption."""

    where: str
    name: str  # e.g. "image1.png", as stored in the .docx
    data: bytes
    caption: str = ""
    width_mm: float = 0.0  # as placed in Word; 0 when Word does not say


@dataclass(frozen=True)
class WordTable:
    """A Word table as rows of cell text (normalised), with its caption."""

    where: str
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    caption_first: bool = True  # the caption stood above the table in the document
    # merged cells as (row, column, rows, columns) on the grid of ``rows``; a covered
    # cell's text is "" (model.Span)
    spans: tuple[tuple[int, int, int, int], ...] = ()


@dataclass(frozen=True)
class Contribution:
    path: Path
    title: str
    title_lines: tuple[str, ...]  # where the author broke the title (Shift+Enter); () if not
    lead: str
    credit: str
    credit_label: str  # 供稿 or 来源, as the author wrote it
    blocks: tuple[Paragraph | Subhead | Figure | WordTable, ...]
    changes: tuple[Change, ...]
    notes: tuple[str, ...]  # decisions and tracked changes
    body_text: str  # every character of the body, normalised, for the lose-nothing check


@dataclass
class _Para:
    """One body paragraph as read: its number, style names, text and run facts."""

    number: int
    element: object
    styles: tuple[str, ...]  # own style, then the styles it is based on, lower case
    text: str  # normalised, stripped
    all_bold: bool
    all_kai: bool
    figures: list[Figure] = field(default_factory=list)
    marker: str = ""  # the list number or bullet Word prints before it, "" for none
    label: str = ""  # where it is, when not "paragraph N" (a text box's paragraph)
    caption: str = ""  # the text as a caption would print it (图1　…)
    emphasis: tuple[tuple[int, int], ...] = ()  # bold stretches of ``text``

    @property
    def where(self) -> str:
        return self.label or f"paragraph {self.number}"

    @property
    def printed(self) -> str:
        """The text as Word shows it, its list number first."""
        return self.marker + self.text

    def styled(self, *names: str) -> bool:
        return any(style in names for style in self.styles)

    def heading_level(self) -> int:
        for style in self.styles:
            match = re.fullmatch(r"heading (\d)", style)
            if match:
                return int(match[1])
        return 0


@dataclass
class _Table:
    number: int
    rows: tuple[tuple[str, ...], ...]
    spans: tuple[tuple[int, int, int, int], ...] = ()

    @property
    def where(self) -> str:
        return f"table {self.number}"


def is_word_file(path: Path) -> bool:
    return Path(path).suffix.lower() in WORD_SUFFIXES


def is_plain_text(path: Path) -> bool:
    return Path(path).suffix.lower() in TEXT_SUFFIXES


def read_contribution(path: Path) -> Contribution:
    """Read a Word file (converting .doc/.wps/.odt first), or a plain-text one, into one
    article's parts."""
    path = Path(path)
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _read_plain_text(path)
    if path.suffix.lower() in CONVERTED_SUFFIXES:
        with scratch_folder("word") as folder:
            return _read_docx(convert_to_docx(path, Path(folder)), shown_as=path)
    return _read_docx(path, shown_as=path)


def convert_to_docx(path: Path, folder: Path) -> Path:
    """An old Word or WPS file → .docx in ``folder``, by LibreOffice; a clear error without it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ContentError(
            _(
                "{suffix} files (old Word, WPS, OpenDocument) need LibreOffice to be read, and "
                "it is not installed: open the file in Word or WPS and save it as .docx, or "
                "install LibreOffice (apt-get install libreoffice-writer)"
            ).format(suffix=path.suffix),
            path,
        )
    command = [soffice, "--headless", "--convert-to", "docx", "--outdir", str(folder), str(path)]
    # A private profile: a running LibreOffice of the user's would otherwise swallow the job.
    command.insert(1, f"-env:UserInstallation={(folder / 'profile').as_uri()}")
    try:
        subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        raise ContentError(_("LibreOffice did not convert the file in time"), path) from None
    converted = folder / (path.stem + ".docx")
    if not converted.exists():
        raise ContentError(
            _(
                "LibreOffice could not convert this file to .docx: open it in Word or WPS and "
                "save it as .docx"
            ),
            path,
        )
    return converted


def _open(path: Path, shown_as: Path):
    import docx  # python-docx: imported here so the other commands start without it

    try:
        head = path.read_bytes()[:8]
    except OSError as error:
        raise ContentError(f"cannot read the file: {error.strerror}", shown_as) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file, not a ZIP package
        if b"E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e" in path.read_bytes():
            raise ContentError(
                _(
                    "the document is password-protected: open it in Word, remove the password "
                    "(File → Info → Protect Document) and save it again"
                ),
                shown_as,
            )
        raise ContentError(
            _(
                "this is an old-format Word file (.doc) named like a .docx: save it as .docx "
                "in Word or WPS"
            ),
            shown_as,
        )
    if not zipfile.is_zipfile(path):
        raise ContentError(
            _("not a Word .docx file (a .docx is a ZIP package; this file is not one)"),
            shown_as,
        )
    try:
        return docx.Document(str(path))
    except Exception as error:  # python-docx raises many types for a broken package
        raise ContentError(
            f"the .docx file is damaged and cannot be read ({type(error).__name__}: {error}); "
            f"open it in Word and save it again",
            shown_as,
        ) from None


def _read_plain_text(path: Path) -> Contribution:
    """A contribution typed as plain text: each line a paragraph of a Word document made
    here, read as an unstyled document is (the first line is the title). Offices' Windows
    machines save text as GBK (GB18030) as often as UTF-8: that is read too, with a note."""
    import docx

    text, note = _decode_plain_text(path)
    document = docx.Document()
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        document.add_paragraph(line)
    reader = _Reader(document, path)
    if note:
        reader.notes.append(note)
    return reader.contribution()


def _decode_plain_text(path: Path) -> tuple[str, str]:
    """(text, note): UTF-8 (a BOM dropped), else GB18030 (a superset of GBK and GB2312),
    said in the note. Content files are UTF-8 only (content.read_text); a contribution is
    what an office sent, so its encoding is taken as it comes."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(f"cannot read the file: {error.strerror}", path) from None
    if b"\0" in data:
        raise ContentError("this is a binary file, not plain text: save it as text", path)
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            f"line {line} is neither UTF-8 nor GBK text: save the file as UTF-8 in your editor",
            path,
        ) from None
    return text, _("the file is GBK (GB18030) text, not UTF-8: read as GBK; check the characters")


def _read_docx(path: Path, shown_as: Path) -> Contribution:
    document = _open(path, shown_as)
    reader = _Reader(document, shown_as)
    return reader.contribution()


class _Reader:
    def __init__(self, document, path: Path) -> None:
        self.document = document
        self.path = path
        self.changes: list[Change] = []
        self.notes: list[str] = []
        self.numbering = Numbering.from_document(document)
        self.markers: dict[object, str] = {}  # numbered paragraph element → its marker
        self.note_texts = NoteTexts.from_document(document)
        self.comments = _part_texts(document, "comments", "comment")

    def error(self, message: str) -> ContentError:
        return ContentError(message, self.path)

    # --- reading the body ------------------------------------------------------------

    def items(self) -> Iterator[_Para | _Table]:
        """Paragraphs and tables of the body in order, numbered as Word shows them."""
        paragraphs = tables = 0
        for element in _body_elements(self.document.element.body):
            tag = element.tag.removeprefix(_W)
            if tag == "p":
                paragraphs += 1
                yield self.paragraph(element, paragraphs)
                yield from self.text_boxes(element, paragraphs)
            elif tag == "tbl":
                tables += 1
                yield _Table(tables, *self.table_rows(element, tables))
            else:
                raise self.error(
                    f"after paragraph {paragraphs}: a {element.tag.split('}')[-1]} element "
                    f"cannot be placed; copy its text into an ordinary paragraph"
                )

    def text_boxes(self, element, number: int) -> Iterator[_Para]:
        """A text box's paragraphs, placed after the paragraph it is anchored in."""
        boxed = _xpath(element, TEXT_BOX_PARAGRAPHS)
        if not boxed:
            return
        self.notes.append(
            _(
                "paragraph {number}: a text box's text is imported after this paragraph, as "
                "ordinary paragraphs: check that it belongs there"
            ).format(number=number)
        )
        for inner in boxed:
            yield self.paragraph(
                inner, number, _("text box in paragraph {number}").format(number=number)
            )

    def run_text(self, run) -> str:
        """A run's text, with a placeholder where it refers to a footnote or endnote."""
        reference = self.note_texts.reference(run)
        if len(self.note_texts.order) > len(PLACEHOLDERS):
            raise self.error(
                f"the document has more than {len(PLACEHOLDERS)} footnotes and endnotes, "
                f"more than an article may print (① … ⑳): fold some of them into the text"
            )
        return run.text + reference

    def paragraph(self, element, number: int, where: str = "") -> _Para:
        from docx.text.paragraph import Paragraph as DocxParagraph

        where = where or _("paragraph {number}").format(number=number)
        for xpath, what, advice in UNPLACEABLE:
            if _xpath(element, xpath):
                raise self.error(
                    _(HOLDS_UNPLACEABLE).format(where=where, what=_(what), advice=_(advice))
                )
        figures = self.figures(element, where)
        self.tracked_changes(element, where)
        self.left_out(element, where)
        runs = _kept_runs(element)
        raw = "".join(self.run_text(run) for run in runs)
        style = DocxParagraph(element, self.document).style
        styles = _style_chain(style)
        style_bold, style_kai = _style_font(style)
        text = self.clean(raw, where, keep_han_spaces=_is_display(styles))
        caption = self.caption_text(raw, where) or text
        marker = self.list_marker(element, style, where) if text else ""
        texts = [run for run in runs if run.text.strip()]
        bold = [_is_bold(run, style_bold) for run in runs]
        self.italics(runs, where)
        return _Para(
            number=number,
            element=element,
            styles=styles,
            text=text,
            all_bold=bool(texts) and all(_is_bold(run, style_bold) for run in texts),
            all_kai=bool(texts) and all(_is_kai(run, style_kai) for run in texts),
            figures=figures,
            marker=marker,
            label=where,
            caption=caption,
            emphasis=self.emphasis(runs, bold, text, where),
        )

    def emphasis(self, runs: list, bold: list[bool], text: str, where: str) -> tuple:
        """Where bold runs fall in the paragraph's cleaned text, as (start, end) ranges:
        the text is cleaned again with a mark around each bold stretch, and the marks'
        places read off; if the marks changed how the text cleans, none is kept (noted)."""
        if not any(bold) or not text:
            return ()
        marked = "".join(
            (EMPHASIS_OPEN + self.run_text(run) + EMPHASIS_CLOSE) if strong else self.run_text(run)
            for run, strong in zip(runs, bold, strict=True)
        )
        cleaned = self.clean(marked, where, keep_han_spaces=False, record=False)
        plain, ranges = _emphasis_ranges(cleaned)
        if plain != text:
            self.notes.append(
                _("{where}: its bold text prints as the rest of the paragraph").format(where=where)
            )
            return ()
        return ranges

    def italics(self, runs: list, where: str) -> None:
        """Chinese text is not set in italics: italic runs print upright, said here."""
        slanted = "".join(run.text for run in runs if _is_italic(run)).strip()
        if slanted:
            self.notes.append(
                _("{where}: italic {text!r} prints upright").format(where=where, text=slanted[:20])
            )

    def caption_text(self, raw: str, where: str) -> str:
        """The text as a caption, its number and text apart by one full-width space ("" when
        it has no number followed by spacing)."""
        match = CAPTION_NUMBER.match(raw)
        if match is None:
            return ""
        number = re.sub(r"[ \t]", "", match["number"])
        text = self.clean(raw[match.end() :], where, keep_han_spaces=False, record=False)
        return number + CAPTION_SEPARATOR + text

    def list_marker(self, element, style, where: str) -> str:
        """The number or bullet Word prints before this paragraph ("" when none)."""
        numbered = _list_number(element, style)
        if numbered is None:
            return ""
        marker = self.numbering.marker(*numbered)
        if marker.note:
            self.notes.append(f"{where}: {marker.note}")
        if marker.text:
            self.markers[element] = marker.text
        return marker.text

    def figures(self, element, where: str) -> list[Figure]:
        found = []
        for drawing in _xpath(element, ".//w:drawing | .//w:pict"):
            blips = _xpath(drawing, ".//a:blip/@r:embed | .//v:imagedata/@r:id")
            if not blips and _xpath(drawing, ".//w:txbxContent"):
                continue  # a text box: its paragraphs are read after this one (text_boxes)
            if not blips:
                raise self.error(
                    _(
                        "{where} holds a drawing that is not a picture (a chart, shape or "
                        "SmartArt), which cannot be placed: paste it as a picture"
                    ).format(where=where)
                )
            width = _drawing_width_mm(drawing)
            for rid in blips:
                part = self.document.part.related_parts[rid]
                name = PurePosixPath(str(part.partname)).name
                found.append(Figure(where, name, part.blob, width_mm=width))
        return found

    def left_out(self, element, where: str) -> None:
        """Name in the report what of this paragraph is not imported, or only as text."""
        for number in _xpath(element, ".//w:commentReference/@w:id"):
            comment = self.comments.get(number, "")
            self.notes.append(
                _("{where}: the comment {comment!r} is left out").format(
                    where=where, comment=comment[:40]
                )
            )
        if _xpath(element, ".//w:br[@w:type='page'] | ./w:pPr/w:pageBreakBefore"):
            self.notes.append(
                _("{where}: a page break is left out (the layout makes the pages)").format(
                    where=where
                )
            )
        for rid in _xpath(element, ".//w:hyperlink/@r:id"):
            relation = self.document.part.rels.get(rid)
            target = relation.target_ref if relation is not None else "?"
            self.notes.append(
                _("{where}: the link to {target} is kept as its text only").format(
                    where=where, target=target
                )
            )
        for field_code in _field_codes(element):
            self.notes.append(
                _(
                    "{where}: the field {field!r} is imported as the text Word last showed for "
                    "it (it is not updated)"
                ).format(where=where, field=field_code)
            )

    def tracked_changes(self, element, where: str) -> None:
        inserted = "".join(_xpath(element, ".//w:ins//w:t/text()"))
        deleted = "".join(_xpath(element, ".//w:del//w:delText/text()"))
        moved = "".join(_xpath(element, ".//w:moveFrom//w:t/text()"))
        if inserted:
            self.notes.append(
                _("{where}: accepted the tracked insertion {text!r}").format(
                    where=where, text=inserted
                )
            )
        if deleted or moved:
            self.notes.append(
                _("{where}: dropped the tracked deletion {text!r}").format(
                    where=where, text=deleted + moved
                )
            )

    def table_rows(self, element, number: int) -> tuple[tuple[tuple[str, ...], ...], tuple]:
        """The table's rows of cell text on its grid, and its merged cells."""
        where = _("table {number}").format(number=number)
        for xpath, what, advice in UNPLACEABLE:
            if _xpath(element, xpath):
                raise self.error(
                    _(HOLDS_UNPLACEABLE).format(where=where, what=_(what), advice=_(advice))
                )
        rows: list[tuple[str, ...]] = []
        for row in _xpath(element, "./w:tr"):
            cells = []
            for cell in _xpath(row, "./w:tc"):
                if _xpath(cell, ".//w:tbl | .//w:drawing | .//w:pict"):
                    raise self.error(
                        f"{where} has a table or picture inside a cell, which cannot be placed"
                    )
                cells.append(self.cell_text(cell, where))
            rows.append(tuple(cells))
        if _xpath(element, MERGES):
            return _merged_table(where, _grid_cells(element, rows), self.path)
        return tuple(rows), ()

    def cell_text(self, cell, where: str) -> str:
        """A cell's text: each of its paragraphs, and each line broken by hand in one
        (Shift+Enter, which python-docx reads as a newline), cleaned on its own as one
        line of the cell (model.Table's ``CELL_LINE_BREAK``, written ``<br>``), as Word
        prints them one under the other; empty ones print nothing and are left out."""
        lines = (
            self.clean(line, where, False)
            for raw in self.cell_raw(cell, where)
            for line in raw.split("\n")
        )
        return CELL_LINE_BREAK.join(line for line in lines if line)

    def cell_raw(self, cell, where: str) -> list[str]:
        """A cell's paragraphs before cleaning: each one's runs as they stand, with the
        list number or bullet Word prints before a numbered paragraph. The cell's
        paragraphs are read here in document order, so they count in the same lists as
        the body's (Word keeps one count per list across the document, cells included)."""
        parts = []
        for paragraph in _xpath(cell, ".//w:p"):
            raw = "".join(self.run_text(run) for run in _kept_runs(paragraph))
            marker = self.cell_marker(paragraph, raw, where)
            # Indenting spaces typed after a number would stay between it and the text.
            parts.append(marker + raw.lstrip(" \t\u3000\n") if marker else raw)
        return parts

    def cell_marker(self, element, raw: str, where: str) -> str:
        """What prints before a cell's paragraph: its number as in the body, a bullet as
        the bullet glyph (a cell is no list, so ``-`` would print as typed), and a space
        when the text starts with a digit or a dash, as a list item has (write.py)."""
        from docx.text.paragraph import Paragraph as DocxParagraph

        text = raw.strip()
        if not text:
            return ""  # an empty numbered paragraph is not counted, as in the body
        style = DocxParagraph(element, self.document).style
        marker = self.list_marker(element, style, where)
        if marker == LIST_BULLET:
            marker = self.markers[element] = PRINTED_BULLET
        space = " " if marker and (text[0].isdigit() or text.startswith("-")) else ""
        return marker + space

    # --- text --------------------------------------------------------------------------

    def clean(self, raw: str, where: str, keep_han_spaces: bool, record: bool = True) -> str:
        """Normalise one paragraph's text and record what changed (unless ``record`` is
        false: the same text read a second way)."""
        base = raw.strip(" \t\u3000\n")
        lines = [line.strip(" \t\u3000") for line in base.split("\n")]
        joined = lines[0]
        for line in lines[1:]:
            between = " " if _latin_end(joined) and _latin_start(line) else ""
            joined += between + line
        text = joined.replace("\t", " ").replace("\u3000", " ")
        text = normalize(text)
        if not keep_han_spaces:
            text = _remove_han_spaces(text)
        text = re.sub(" {2,}", " ", text).strip()
        if record:
            self.changes.extend(_changes(base, text, where))
        return text

    # --- structure ---------------------------------------------------------------------

    def contribution(self) -> Contribution:
        items = list(self.items())
        self.headers_and_footers()
        texts = [item for item in items if isinstance(item, _Table) or item.text or item.figures]
        if not any(isinstance(item, _Para) and item.text for item in texts):
            raise self.error(_("the document has no text"))
        title_at, title = self.title_index(texts)
        for item in texts[:title_at]:
            raise self.error(
                _(
                    "{where} stands before the title {title!r} and cannot be placed: move it "
                    "below the title or delete it"
                ).format(where=item.where, title=title.text)
            )
        rest = texts[title_at + 1 :]
        rest, credit, label = self.credit(rest)
        lead, rest = self.lead(rest)
        blocks = self.blocks(rest, subhead_h1=title.styled("title")) + self.note_blocks()
        if not any(isinstance(block, Paragraph) for block in blocks):
            raise self.error(
                _("the document has a title ({title!r}) but no body paragraphs").format(
                    title=title.text
                )
            )
        return Contribution(
            path=self.path,
            title=title.printed,
            title_lines=self.title_lines(title),
            lead=lead,
            credit=credit,
            credit_label=label,
            blocks=tuple(blocks),
            changes=tuple(self.changes),
            notes=tuple(self.notes),
            body_text=self.body_text(),
        )

    def headers_and_footers(self) -> None:
        """Headers and footers are the layout's: what the author typed there is named."""
        for kind, label in (
            ("header", N_("the page header {text!r} is left out (the layout prints its own)")),
            ("footer", N_("the page footer {text!r} is left out (the layout prints its own)")),
        ):
            texts = _part_texts(self.document, kind, None)
            for text in dict.fromkeys(t for t in texts.values() if t.strip()):
                self.notes.append(_(label).format(text=text[:40]))

    def title_lines(self, title: _Para) -> tuple[str, ...]:
        """A title's lines where the author broke it by hand (a line break, not a new
        paragraph), each cleaned as the title is; () for a title of one line."""
        raw = "".join(self.run_text(run) for run in _kept_runs(title.element))
        lines = [line for line in raw.split("\n") if line.strip(" \t\u3000")]
        if len(lines) < 2:
            return ()
        cleaned = [
            self.clean(line, title.where, keep_han_spaces=True, record=False) for line in lines
        ]
        cleaned[0] = title.marker + cleaned[0]
        if "".join(cleaned) != title.printed:
            return ()  # the breaks fell where cleaning joins differently: one line, as cleaned
        self.notes.append(
            _("{where}: the title keeps its line break(s) ({count} lines)").format(
                where=title.where, count=len(lines)
            )
        )
        return tuple(cleaned)

    def title_index(self, items: list[_Para | _Table]) -> tuple[int, _Para]:
        """The title's index in ``items`` and the title: always a paragraph, never a table."""
        paragraphs = [(i, item) for i, item in enumerate(items) if isinstance(item, _Para)]
        for wanted in ("title", "heading 1"):
            for index, item in paragraphs:
                if item.styled(wanted) and item.text:
                    return index, item
        index, item = next((i, p) for i, p in paragraphs if p.text)
        self.notes.append(
            _(
                "{where}: no paragraph is styled Title or Heading 1, so the first one is the "
                "title: {title!r}"
            ).format(where=item.where, title=item.text)
        )
        return index, item

    def credit(self, items: list) -> tuple[list, str, str]:
        """Take a closing （供稿：…） or （来源：…） off the end: its own paragraph or not."""
        if not items or not isinstance(items[-1], _Para) or not items[-1].text:
            return items, "", ""
        last = items[-1]
        match = CREDIT.search(last.text)
        if not match:
            return items, "", ""
        source, label = match["source"].strip(), match["label"]
        if label == "来源":
            self.notes.append(
                _(
                    "{where}: the credit （来源：{source}） prints as （供稿：{source}）, the "
                    "layout's wording"
                ).format(where=last.where, source=source)
            )
        before = last.text[: match.start()].strip()
        if before:
            last.text = before
            return items, source, label
        return items[:-1], source, label

    def lead(self, items: list) -> tuple[str, list]:
        if len(items) < 2 or not isinstance(items[0], _Para) or items[0].figures:
            return "", items
        first = items[0]
        if first.styled("subtitle"):
            return first.printed, items[1:]
        short = len(fold_for_comparison(first.text)) <= LEAD_MAX
        if first.all_kai and short and not first.heading_level() and not first.marker:
            return first.printed, items[1:]
        return "", items

    def blocks(self, items: list, subhead_h1: bool) -> list:
        blocks: list = []
        captions = self.captions(items)
        for position, item in enumerate(items):
            if position in captions:
                continue
            if isinstance(item, _Table):
                caption = _caption_of(items, captions, position)
                above = captions.get(position - 1) == position
                blocks.append(
                    WordTable(item.where, item.rows, caption, above or not caption, item.spans)
                )
                continue
            for figure in item.figures:
                caption = _caption_of(items, captions, position)
                blocks.append(dataclasses.replace(figure, caption=caption))
            if not item.text:
                continue
            source = Source(self.path, 0)
            level = item.heading_level()
            if level > 1 or (level == 1 and subhead_h1):
                blocks.append(Subhead(item.printed, source))
            elif item.marker:
                _add_list_item(blocks, ListItem(item.marker, item.text, source))
            elif level == 1:
                raise self.error(
                    f"{item.where} is a second Heading 1 ({item.text!r}): a contribution is one "
                    f"article; style the title as Title and the headings as Heading 2"
                )
            elif item.all_bold and self.looks_like_subhead(item):
                self.notes.append(
                    _("{where}: a short bold line, taken as a subhead").format(where=item.where)
                )
                blocks.append(Subhead(item.text, source))
            else:
                blocks.append(Paragraph(item.text, source, item.emphasis))
        return [_one_item_as_paragraph(block) for block in blocks]

    def note_blocks(self) -> list[Notes]:
        """The footnotes and endnotes referred to, as the article's notes, in order."""
        source = Source(self.path, 0)
        held: list[tuple[str, str]] = []  # (where, raw text) of each note referred to
        for where, raw in self.note_texts.in_order():
            if raw is None:
                raise self.error(
                    f"the text refers to {where}, which the document does not hold (its "
                    f"notes part is missing or damaged): open the file in Word, check the "
                    f"notes and save it again"
                )
            held.append((where, raw))
        items = tuple(
            ListItem(mark, self.clean(raw, where, False), source)
            for mark, (where, raw) in zip(MARKS, held, strict=False)
        )
        if not items:
            return []
        self.notes.append(
            _(
                "{count} footnote(s)/endnote(s) become the article's notes (注释), printed "
                "after its text and numbered ①②③ in the order they are referred to"
            ).format(count=len(items))
        )
        return [Notes(items, source)]

    def looks_like_subhead(self, item: _Para) -> bool:
        return len(fold_for_comparison(item.text)) <= SUBHEAD_MAX and not ends_sentence(item.text)

    def captions(self, items: list) -> dict[int, int]:
        """{caption position: picture or table position} for captions next to them."""
        captions: dict[int, int] = {}
        for position, item in enumerate(items):
            is_picture = isinstance(item, _Para) and bool(item.figures)
            if not (is_picture or isinstance(item, _Table)):
                continue
            pattern = FIGURE_CAPTION if is_picture else TABLE_CAPTION
            # Pictures have their caption below, tables above; accept either side.
            for neighbour in (position + 1, position - 1):
                if not 0 <= neighbour < len(items) or neighbour in captions:
                    continue
                other = items[neighbour]
                if not isinstance(other, _Para) or other.figures or not other.text:
                    continue
                if other.styled("caption") or pattern.match(other.text):
                    captions[neighbour] = position
                    break
        return captions

    def body_text(self) -> str:
        """Every character of the body's text, independently of the structure found above."""
        body = self.document.element.body
        parts = []
        for top in _xpath(body, ".//w:p[not(ancestor::w:p)]"):
            for paragraph in [top, *_xpath(top, TEXT_BOX_PARAGRAPHS)]:
                parts.append(self.markers.get(paragraph, ""))
                parts.extend(self.run_text(run) for run in _kept_runs(paragraph))
        notes = zip(MARKS, self.note_texts.in_order(), strict=False)
        parts.extend(mark + (raw or "") for mark, (_, raw) in notes)
        text = as_marks("".join(parts))
        return fold_for_comparison(normalize(text))


def _xpath(element, path: str) -> list[Any]:
    """XPath with our prefixes (python-docx's own ``xpath`` knows fewer namespaces)."""
    return nodes(element, path, NS)


def _add_list_item(blocks: list, item: ListItem) -> None:
    """Consecutive numbered paragraphs are one list, whatever their levels: the content
    format's lists are flat, each item keeping the enumerator Word prints for it."""
    if blocks and isinstance(blocks[-1], ItemList):
        blocks[-1] = ItemList((*blocks[-1].items, item), blocks[-1].source)
    else:
        blocks.append(ItemList((item,), item.source))


def _one_item_as_paragraph(block):
    """A list of one item is a paragraph in the content format (a numbered line alone)."""
    if isinstance(block, ItemList) and len(block.items) == 1:
        item = block.items[0]
        return Paragraph(item.marker + item.text, item.source)
    return block


# Word's merged cells: a cell spanning grid columns, or one continuing the cell above.
MERGES = "./w:tr/w:tc/w:tcPr/w:gridSpan[@w:val > 1] | ./w:tr/w:tc/w:tcPr/w:vMerge"


@dataclass(frozen=True)
class GridCell:
    """A cell of a Word table placed on the table's grid, with its spans."""

    row: int
    column: int
    text: str
    rows: int = 1  # w:vMerge: this cell and the cells continuing it below
    columns: int = 1  # w:gridSpan


def _grid_cells(table, texts: Sequence[tuple[str, ...]]) -> tuple[GridCell, ...]:
    """The table's cells with their spans; a cell that continues the one above (vMerge
    without "restart") is folded into it, its text (if any) added to it."""
    cells: list[GridCell] = []
    above: dict[int, int] = {}  # grid column → index in ``cells`` of the cell covering it
    for row_number, row in enumerate(_xpath(table, "./w:tr")):
        column = sum(int(v) for v in _xpath(row, "./w:trPr/w:gridBefore/@w:val"))
        for cell, text in zip(_xpath(row, "./w:tc"), texts[row_number], strict=True):
            span = int((_xpath(cell, "./w:tcPr/w:gridSpan/@w:val") or ["1"])[0])
            merge = _xpath(cell, "./w:tcPr/w:vMerge")
            continues = merge and merge[0].get(_W + "val", "continue") == "continue"
            if continues and column in above:
                origin = cells[above[column]]
                joined = (origin.text + text) if text else origin.text
                cells[above[column]] = dataclasses.replace(
                    origin, rows=row_number - origin.row + 1, text=joined
                )
            else:
                cells.append(GridCell(row_number, column, text, columns=span))
                for covered in range(column, column + span):
                    above[covered] = len(cells) - 1
            column += span
    return tuple(cells)


def _merged_table(
    where: str, cells: tuple[GridCell, ...], path: Path
) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[int, int, int, int], ...]]:
    """A table with merged cells (w:gridSpan, w:vMerge) on its grid: each merged cell's text
    at its top-left place, "" in the places it covers, and its spans; refused, saying what
    to do, when Word's rows do not make a rectangle grid."""
    width = max((cell.column + cell.columns for cell in cells), default=0)
    height = max((cell.row + cell.rows for cell in cells), default=0)
    grid: list[list[str | None]] = [[None] * width for _ in range(height)]
    for cell in cells:
        for row in range(cell.row, cell.row + cell.rows):
            for column in range(cell.column, cell.column + cell.columns):
                grid[row][column] = ""
        grid[cell.row][cell.column] = cell.text
    if any(place is None for row in grid for place in row):
        first = next((cell.text for cell in cells if cell.text), "")
        raise ContentError(
            f"{where} (starting {first[:12]!r}) has rows of different lengths around its "
            f"merged cells, which cannot be set as a grid: in Word, give every row the same "
            f"columns (Layout → Split Cells, WPS: 表格工具 → 拆分单元格) and import again",
            path,
        )
    spans = tuple(
        (cell.row, cell.column, cell.rows, cell.columns)
        for cell in cells
        if cell.rows > 1 or cell.columns > 1
    )
    return tuple(tuple(place or "" for place in row) for row in grid), spans


def _part_texts(document, kind: str, element: str | None) -> dict[str, str]:
    """Texts of the parts related to the document by ``kind`` (comments, header, footer):
    per ``element`` id (a comment's), or per part when ``element`` is None."""
    texts: dict[str, str] = {}
    for rid, relation in document.part.rels.items():
        if relation.is_external or relation.reltype.rsplit("/", 1)[-1] != kind:
            continue
        root = etree.fromstring(relation.target_part.blob)
        if element is None:
            texts[rid] = "".join(_xpath(root, ".//w:t/text()"))
            continue
        for child in root.iterchildren(_W + element):
            # One without its (required) id cannot be referred to, so it is never looked up.
            if (number := child.get(_W + "id")) is not None:
                texts[number] = "".join(_xpath(child, ".//w:t/text()"))
    return texts


def _field_codes(element) -> list[str]:
    """The fields (PAGE, DATE, REF …: the first word of each code) in a paragraph."""
    codes = [code.split()[0] for code in _xpath(element, ".//w:fldSimple/@w:instr") if code.split()]
    current: list[str] | None = None
    for node in _xpath(element, ".//w:fldChar | .//w:instrText"):
        if node.tag == _W + "instrText":
            if current is not None:
                current.append(node.text or "")
            continue
        kind = node.get(_W + "fldCharType")
        if kind == "begin":
            current = []
        elif current is not None:  # separate or end: the code is complete
            words = "".join(current).split()
            codes += words[:1]
            current = None
    return codes


def _drawing_width_mm(drawing) -> float:
    """The width a picture has on Word's page: DrawingML's extent, or a VML shape's style."""
    extent = _xpath(drawing, ".//wp:extent/@cx")
    if extent:
        return int(extent[0]) / EMU_PER_MM
    for style in _xpath(drawing, ".//v:shape/@style"):
        match = VML_WIDTH.search(style)
        if match:
            return float(match["number"]) * VML_MM[match["unit"]]
    return 0.0


def _kept_runs(element) -> list:
    """The runs whose text counts for ``element`` (KEPT_RUNS), without those of a text box
    inside it: its paragraphs are read on their own (``_Reader.text_boxes``)."""
    return [run for run in _xpath(element, KEPT_RUNS) if not _in_text_box(run, element)]


def _in_text_box(run, element) -> bool:
    for ancestor in run.iterancestors():
        if ancestor is element:
            return False
        if ancestor.tag == _W + "txbxContent":
            return True
    return False


def _caption_of(items: list, captions: dict[int, int], position: int) -> str:
    for caption, owner in captions.items():
        if owner == position:
            return items[caption].caption
    return ""


def _body_elements(body) -> Iterator:
    """Block-level children of the body, looking inside content controls and custom XML."""
    for child in body.iterchildren():
        tag = child.tag.removeprefix(_W) if isinstance(child.tag, str) else ""
        if tag in ("p", "tbl"):
            yield child
        elif tag == "sdt":
            for content in child.iterchildren(_W + "sdtContent"):
                yield from _body_elements(content)
        elif tag == "customXml":
            yield from _body_elements(child)
        elif tag in ("sectPr", "bookmarkStart", "bookmarkEnd", "proofErr", "") or tag.startswith(
            ("perm", "moveFromRange", "moveToRange")
        ):
            continue
        else:
            yield child


def _style_font(style) -> tuple[bool, bool]:
    """Whether a paragraph style (or one it is based on) sets bold, and a 楷体 font."""
    bold = kai = None
    while style is not None and (bold is None or kai is None):
        if bold is None and style.font.bold is not None:
            bold = style.font.bold
        fonts = _xpath(style.element, "./w:rPr/w:rFonts/@*")
        if kai is None and fonts:
            kai = any(KAI_FONT.search(font) for font in fonts)
        style = style.base_style
    return bool(bold), bool(kai)


def _is_bold(run, style_bold: bool) -> bool:
    """Direct formatting wins over the paragraph style's."""
    bold = run.find(f"{_W}rPr/{_W}b")
    if bold is None:
        return style_bold
    return bold.get(_W + "val", "true") not in ("0", "false")


def _is_italic(run) -> bool:
    italic = run.find(f"{_W}rPr/{_W}i")
    return italic is not None and italic.get(_W + "val", "true") not in ("0", "false")


def _emphasis_ranges(marked: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Text with EMPHASIS_OPEN/CLOSE marks → the text and its emphasised (start, end)
    ranges; adjacent bold runs join, empty stretches and spaces at their edges go."""
    text, ranges, depth, start = "", [], 0, 0
    for char in marked:
        if char == EMPHASIS_OPEN:
            if depth == 0:
                start = len(text)
            depth += 1
        elif char == EMPHASIS_CLOSE:
            depth -= 1
            if depth == 0:
                ranges.append((start, len(text)))
        else:
            text += char
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return text, tuple(merged)


def _is_kai(run, style_kai: bool) -> bool:
    fonts = _xpath(run, "./w:rPr/w:rFonts/@*")
    if not fonts:
        return style_kai
    return any(KAI_FONT.search(font) for font in fonts)


def _list_number(element, style) -> tuple[str, int] | None:
    """(numId, level) when Word puts a list number or bullet before this paragraph (its
    own numbering or its style's), else None."""
    own = _xpath(element, "./w:pPr/w:numPr/w:numId/@w:val")
    level = _xpath(element, "./w:pPr/w:numPr/w:ilvl/@w:val")
    while not own and style is not None:
        own = _xpath(style.element, "./w:pPr/w:numPr/w:numId/@w:val")
        level = level or _xpath(style.element, "./w:pPr/w:numPr/w:ilvl/@w:val")
        style = style.base_style
    if not own or own[0] == "0":  # numId 0 switches a style's numbering off
        return None
    return own[0], int(level[0]) if level else 0


# Style names as Chinese Word and WPS may store them for their own styles.
STYLE_ALIASES = {"标题": "title", "副标题": "subtitle", "题注": "caption", "正文": "normal"}


def _style_chain(style) -> tuple[str, ...]:
    """The paragraph's style name and those it is based on, in English, lower case."""
    names: list[str] = []
    while style is not None and len(names) < 10:
        name = (style.name or "").strip().lower()
        name = STYLE_ALIASES.get(name, name)
        names.append(re.sub(r"^标题\s*(\d)$", r"heading \1", name))
        style = style.base_style
    return tuple(names)


def _is_display(styles: tuple[str, ...]) -> bool:
    """Titles and headings keep spaces between Han characters: they are deliberate there."""
    return any(s in ("title", "subtitle") or s.startswith("heading") for s in styles)


def _latin_end(text: str) -> bool:
    return bool(text) and text[-1].isascii() and text[-1].isalnum()


def _latin_start(text: str) -> bool:
    return bool(text) and text[0].isascii() and text[0].isalnum()


def _remove_han_spaces(text: str) -> str:
    """Drop runs of spaces between two Han characters: typed by accident in running text."""
    out = []
    for index, char in enumerate(text):
        if char == " ":
            left = text[:index].rstrip(" ")[-1:]
            right = text[index:].lstrip(" ")[:1]
            if left and right and is_han(left) and is_han(right):
                continue
        out.append(char)
    return "".join(out)


def _changes(before: str, after: str, where: str) -> list[Change]:
    """Each edit from ``before`` to ``after``: replaced characters one by one, others in context."""
    changes = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:
            pairs = zip(before[i1:i2], after[j1:j2], strict=True)
            changes += [Change(where, a, b) for a, b in pairs]
            continue
        left, right = max(0, i1 - 1), min(len(before), i2 + 1)
        lo, ro = max(0, j1 - 1), min(len(after), j2 + 1)
        changes.append(Change(where, before[left:right], after[lo:ro]))
    return changes
