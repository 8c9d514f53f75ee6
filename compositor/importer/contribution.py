"""``compositor import CONTRIBUTION.docx --into ISSUE``: add one Word article to an issue.

One entry point, ``import_contribution``. It reads the Word file
(compositor.importer.word), picks the section, writes the article as the next
``NN.md`` of that section (later files of the issue move up one number so that
file-name order stays section order), and proves the result before touching the
issue: the whole issue, with the new file, is written to a staging folder and
must read back (compositor.content) with the article saying exactly what was
meant, and every character of the document's body must be in the article.

Pictures become figures: their original bytes are saved next to the article as
``NN-1.png``, ``NN-2.jpg``… (NN the article's number), as wide as Word shows them
(capped at the measure; one printing under 300 ppi at that width is reported, by the
check's own rule); tables become pipe tables (三线表), numbers aligned right. ``_place``
is the one function that decides this. Bold text is kept as emphasis only where its
``**`` marks read back (``_emphasis_that_reads_back``); the report says where not.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from compositor.content import (
    PUBLICATION_FILE,
    article_files,
    publication_folder,
    read_body,
    read_issue,
)
from compositor.errors import ContentError
from compositor.i18n import _, ngettext
from compositor.importer.word import Contribution, Figure, WordTable, read_contribution
from compositor.importer.wordnotes import as_marks, as_references
from compositor.importer.write import article_markdown, emphasised_markdown
from compositor.layout import layout_for
from compositor.layout.cssboxes import PT_PER_UNIT
from compositor.layout.estimate import Metrics
from compositor.layout.resolution import low_resolution
from compositor.model import (
    CELL_LINE_BREAK,
    Article,
    Issue,
    ItemList,
    Notes,
    Paragraph,
    Source,
    Span,
    cell_lines,
)
from compositor.model import Figure as ContentFigure
from compositor.model import Table as ContentTable
from compositor.text.normalize import fold_for_comparison

NUMBERED = re.compile(r"^(?P<number>\d+)\.md$")

__all__ = ["ContributionResult", "import_contribution"]


@dataclass(frozen=True)
class ContributionResult:
    article: Path  # the file written
    section: str
    renamed: tuple[tuple[Path, Path], ...]  # later articles moved up one number
    contribution: Contribution
    warnings: tuple[str, ...] = ()  # pictures that will print soft, and the like

    def report(self) -> list[str]:
        """What the editor should review: renames, decisions, and every normalisation."""
        name = self.contribution.path.name
        renamed = _("{old} → {new} (renumbered)")
        lines = [renamed.format(old=old.name, new=new.name) for old, new in self.renamed]
        said = _("{file}: {message}")
        lines += [said.format(file=name, message=note) for note in self.contribution.notes]
        lines += [said.format(file=name, message=warning) for warning in self.warnings]
        lines += [said.format(file=name, message=change) for change in self.contribution.changes]
        count = len(self.contribution.changes)
        normalised = ngettext("{count} normalisation", "{count} normalisations", count)
        lines.append(said.format(file=name, message=normalised.format(count=count)))
        return lines


def import_contribution(
    path: Path, issue_folder: Path, section: str | None = None
) -> ContributionResult:
    """Add the Word contribution at ``path`` to ``issue_folder`` as a new article."""
    path, issue_folder = Path(path), Path(issue_folder)
    issue = read_issue(issue_folder)
    section = _choose_section(issue, section, issue_folder)
    contribution = read_contribution(path)
    name, renames = _file_name(issue, section, issue_folder)

    layout = layout_for(issue)
    measure_mm = Metrics.of(layout).width / PT_PER_UNIT["mm"]
    blocks, pictures = _place(contribution, Path(name).stem, issue_folder, measure_mm)
    blocks, plain = _emphasis_that_reads_back(blocks, contribution.path)
    article = Article(
        title=contribution.title,
        title_lines=contribution.title_lines,
        section=section,
        blocks=tuple(blocks),
        source=Source(path, 0),
        lead=contribution.lead,
        credit=contribution.credit,
    )
    text = article_markdown(article)
    staged = _check_staged(issue_folder, renames, name, text, article, contribution, pictures)
    warnings = plain + _soft_pictures(staged, name, layout)
    done = _apply(issue_folder, renames, name, text, pictures)
    return ContributionResult(issue_folder / name, section, done, contribution, warnings)


def _emphasis_that_reads_back(blocks: list, path: Path) -> tuple[list, tuple[str, ...]]:
    """Bold text is written between ``**``; where CommonMark would not read those marks as
    emphasis (a bold stretch starting or ending in punctuation next to a Han character:
    ``**“硬科技”**是``), the paragraph prints without it, and the report says so."""
    kept, plain = [], []
    for block in blocks:
        if isinstance(block, Paragraph) and block.emphasis and not _reads_back(block, path):
            wanted = next(text for text, strong in block.segments() if strong)
            plain.append(
                _("bold {text!r} prints as the rest of its paragraph").format(text=wanted[:20])
            )
            block = dataclasses.replace(block, emphasis=())
        kept.append(block)
    return kept, tuple(plain)


def _reads_back(paragraph: Paragraph, path: Path) -> bool:
    """Whether the paragraph's ``**`` marks read back as the same emphasised stretches."""
    wanted = [as_references(text) for text, strong in paragraph.segments() if strong]
    read = read_body(emphasised_markdown(paragraph), path)
    if len(read) != 1 or not isinstance(read[0], Paragraph):
        return False
    return [text for text, strong in read[0].segments() if strong] == wanted


def _soft_pictures(issue: Issue, name: str, layout) -> tuple[str, ...]:
    """The check's warning for each picture of the new article ``name`` that prints under
    300 ppi at its width (compositor.layout.resolution), said at import."""
    return tuple(
        placed.message
        for placed in low_resolution(issue, layout)
        if placed.figure.source.path.name == name
    )


def _choose_section(issue: Issue, wanted: str | None, folder: Path) -> str:
    names = [section.title for section in issue.sections]
    listing = ", ".join(repr(name) for name in names)
    if wanted is not None:
        wanted = wanted.strip()
        if wanted not in names:
            raise ContentError(
                _("the issue has no section {wanted!r}; its sections are {listing}").format(
                    wanted=wanted, listing=listing
                ),
                folder,
            )
        return wanted
    if len(names) == 1:
        return names[0]
    raise ContentError(
        _("the issue has {count} sections: say which one with --section (one of {listing})").format(
            count=len(names), listing=listing
        ),
        folder,
    )


PICTURE_SUFFIXES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".svg": ".svg"}
NUMBER = re.compile(r"^[+\-−]?[0-9][0-9,，.]*%?$")


def _place(
    contribution: Contribution, stem: str, folder: Path, measure_mm: float
) -> tuple[list, list[tuple[str, bytes]]]:
    """The article's blocks, and the pictures to save beside it (file name, bytes). A
    picture keeps the width it has in Word, capped at the measure (the text width)."""
    blocks: list = []
    pictures: list[tuple[str, bytes]] = []
    source = Source(contribution.path, 0)
    for block in contribution.blocks:
        if isinstance(block, Figure):
            suffix = PICTURE_SUFFIXES.get(Path(block.name).suffix.lower())
            if suffix is None:
                raise ContentError(
                    _(
                        "{where} holds a picture in {format} format, which cannot be printed: in "
                        "Word, save it as PNG or JPEG (right click → Save as Picture) and insert "
                        "that instead"
                    ).format(where=block.where, format=Path(block.name).suffix or _("an unknown")),
                    contribution.path,
                )
            name = _free_name(folder, stem, suffix, {taken for taken, _ in pictures})
            pictures.append((name, block.data))
            width = _figure_width(block.width_mm, measure_mm)
            blocks.append(ContentFigure(Path(name), block.caption, source, width=width))
        elif isinstance(block, WordTable):
            blocks.append(_content_table(block, source))
        else:
            blocks.append(block)
    return blocks, pictures


def _content_table(block: WordTable, source: Source) -> ContentTable:
    """A Word table as the content's table: its first row the header, with the rows a
    merged cell of that row reaches down into (a two-level header), and its spans."""
    grid = [tuple(_one_spaced(cell) for cell in row) for row in block.rows]
    heads = max([rows for row, _, rows, _ in block.spans if row == 0] or [1])
    header, *lower = grid[:heads]
    body = grid[heads:]
    spans = tuple(Span(row, column, rows, columns) for row, column, rows, columns in block.spans)
    return ContentTable(
        header,
        tuple(body),
        _alignment(body),
        block.caption,
        source,
        lower_header=tuple(lower),
        spans=spans,
    )


def _one_spaced(cell: str) -> str:
    """A cell's text with its runs of spaces made one, line by line (its lines stay)."""
    return CELL_LINE_BREAK.join(" ".join(line.split()) for line in cell_lines(cell))


def _figure_width(width_mm: float, measure_mm: float) -> str:
    """``{width=…}`` for a picture Word shows ``width_mm`` wide: none at or above the
    measure (a picture prints no wider than the text), else to a tenth of a millimetre."""
    if not width_mm or round(width_mm, 1) >= round(measure_mm, 1):
        return ""
    return f"{round(width_mm, 1):g}mm"


def _free_name(folder: Path, stem: str, suffix: str, taken: set[str]) -> str:
    """NN-1.jpg, NN-2.png…, skipping names in use: an article renumbered to make room for
    this one keeps its pictures' names (03.md becomes 04.md, its 03-1.jpg stays)."""
    number = 1
    while (name := f"{stem}-{number}{suffix}") in taken or (folder / name).exists():
        number += 1
    return name


def _alignment(rows: list[tuple[str, ...]]) -> tuple[str, ...]:
    """Right for a column of numbers (as a 三线表 aligns them), else the default."""
    columns = zip(*rows, strict=False) if rows else ()
    return tuple(
        "right" if all(NUMBER.match(cell) for cell in column if cell) and any(column) else ""
        for column in columns
    ) or ("",)


def _file_name(issue: Issue, section: str, folder: Path) -> tuple[str, list[tuple[str, str]]]:
    """The new article's file name and the renames (old, new) that keep reading order."""
    files = [path.name for path in article_files(folder)]  # as read_issue reads them
    order = [s.title for s in issue.sections]
    articles = issue.articles  # in file-name order, one per file
    # Insert after the last article of this section or of any section before it.
    upto = order.index(section)
    position = sum(1 for a in articles if order.index(a.section) <= upto)
    later = files[position:]
    width = max([2] + [len(match["number"]) for n in files if (match := NUMBERED.match(n))])
    if position == 0:
        number = 1
    else:
        previous = NUMBERED.match(files[position - 1])
        number = int(previous["number"]) + 1 if previous else len(files[:position]) + 1
    name = f"{number:0{width}d}.md"
    renames = []
    taken = name
    for old in later:
        match = NUMBERED.match(old)
        if match is None:
            raise ContentError(
                f"cannot insert the article before {old}: later articles are renumbered to keep "
                f"sections in order, and only NN.md names can be; rename it",
                folder / old,
            )
        if old > taken:
            break  # the names from here on already sort after the new one
        new_number = int(match["number"]) + 1
        new = f"{new_number:0{width}d}.md"
        renames.append((old, new))
        taken = new
    return name, renames


def _check_staged(
    folder: Path,
    renames: list[tuple[str, str]],
    name: str,
    text: str,
    article: Article,
    contribution: Contribution,
    pictures: list[tuple[str, bytes]],
) -> Issue:
    """Build the changed issue in a staging folder; it must read back and lose nothing.
    Returns the issue as read back (its figures know their pixels)."""
    root = publication_folder(folder)
    with tempfile.TemporaryDirectory(prefix=".import-", dir=root) as staging:
        shutil.copyfile(root / PUBLICATION_FILE, Path(staging) / PUBLICATION_FILE)
        staged = Path(staging) / folder.name
        shutil.copytree(folder, staged)
        _apply(staged, renames, name, text, pictures)
        issue = read_issue(staged)
        read_back = next(a for a in issue.articles if a.source.path.name == name)
        ours = (
            as_marks(article.title),
            article.lead,
            article.credit,
            article.section,
            tuple(as_marks(line) for line in article.title_lines),
        )
        theirs = (
            read_back.title,
            read_back.lead,
            read_back.credit,
            read_back.section,
            read_back.title_lines,
        )
        ours_blocks = [_as_printed(_meaning(b)) for b in article.blocks]
        their_blocks = [_meaning(b) for b in read_back.blocks]
        if ours != theirs or ours_blocks != their_blocks:
            raise ContentError(
                f"cannot write this article so that it reads back the same: "
                f"{_difference(ours, theirs, ours_blocks, their_blocks)}; change that text in "
                f"Word (or send the file to the developers) and import again",
                contribution.path,
            )
        _check_nothing_lost(contribution, read_back)
        return issue


def _meaning(block) -> tuple:
    """What a block says, to compare the article meant with the one read back."""
    if isinstance(block, ContentFigure):
        return (block.kind, block.caption, block.path.name, block.width)
    if isinstance(block, ContentTable):
        return (
            block.kind,
            block.caption,
            block.header,
            block.lower_header,
            block.rows,
            block.align,
            block.spans,
        )
    if isinstance(block, ItemList):
        return (block.kind, tuple((item.marker, item.text) for item in block.items))
    if isinstance(block, Paragraph):
        return (block.kind, block.text, block.emphasis)
    return (block.kind, block.text)


HEAD_FIELDS = ("title", "lead", "credit", "section", "title lines")


def _difference(ours: tuple, theirs: tuple, ours_blocks: list, their_blocks: list) -> str:
    """The first place where the written article would not read back as meant, in words."""
    for name, meant, read in zip(HEAD_FIELDS, ours, theirs, strict=True):
        if meant != read:
            return f"its {name} {meant[:20]!r} would read back as {read[:20]!r}"
    for number, (meant, read) in enumerate(zip(ours_blocks, their_blocks, strict=False), start=1):
        if meant != read:
            return (
                f"its {meant[0]} {number} ({_first_words(meant)!r}…) would read back as a "
                f"{read[0]} ({_first_words(read)!r}…)"
            )
    return f"it would read back as {len(their_blocks)} blocks instead of {len(ours_blocks)}"


def _first_words(meaning) -> str:
    """The first text of a block's meaning, a few characters of it."""
    for part in meaning[1:]:
        if isinstance(part, str) and part:
            return part[:16]
        if isinstance(part, tuple) and part:
            return _first_words(("", *part))
    return ""


def _as_printed(meaning):
    """A block's meaning with the notes' placeholders as the marks the build prints."""
    if isinstance(meaning, str):
        return as_marks(meaning)
    if isinstance(meaning, tuple):
        return tuple(_as_printed(part) for part in meaning)
    return meaning


def _check_nothing_lost(contribution: Contribution, article: Article) -> None:
    """Every character of the document's body is in the article, in order, and nothing more."""
    word_tables = iter(b for b in contribution.blocks if isinstance(b, WordTable))
    parts = [article.title, article.lead]
    notes = [block.text for block in article.blocks if isinstance(block, Notes)]
    for block in article.blocks:
        if isinstance(block, Notes):
            continue  # the document holds the notes' texts after everything else
        if isinstance(block, ContentTable) and not next(word_tables).caption_first:
            parts.append(block.text.removeprefix(block.caption) + block.caption)
        else:
            parts.append(block.text)
    if article.credit:
        parts.append(f"({contribution.credit_label}:{article.credit})")
    parts += notes
    produced = fold_for_comparison("".join(parts))
    expected = contribution.body_text
    if produced == expected:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, produced, strict=False)) if a != b),
        min(len(expected), len(produced)),
    )
    raise ContentError(
        f"text could not be placed: from {expected[at : at + 20]!r} on, the article reads "
        f"{produced[at : at + 20] or '(nothing)'!r}",
        contribution.path,
    )


def _apply(
    folder: Path,
    renames: list[tuple[str, str]],
    name: str,
    text: str,
    pictures: Sequence[tuple[str, bytes]] = (),
) -> tuple[tuple[Path, Path], ...]:
    """Save the pictures, rename later articles (last first, so no name is overwritten),
    then write the new one."""
    for picture, data in pictures:
        (folder / picture).write_bytes(data)  # original bytes, as the author sent them
    done = []
    for old, new in reversed(renames):
        if (folder / new).exists():
            raise ContentError(f"cannot renumber {old}: {new} already exists", folder / new)
        os.replace(folder / old, folder / new)
        done.append((folder / old, folder / new))
    temporary = folder / f".{name}.tmp"
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, folder / name)
    return tuple(reversed(done))
