"""Block heuristics: an article's lines → paragraphs, subheads, lead and credit.

Page breaks split paragraphs; a block's last character, its length and its position
decide what it is (see parse.py for the rules). Every guess is a warning."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from compositor.i18n import _
from compositor.importer.lines import (
    CONTINUES,
    INNER_MARKS,
    LEAD_MAX,
    SUBHEAD_GUESS_MAX,
    SUBHEAD_MAX,
    Line,
    LineReader,
    ends_sentence,
    is_ascii_letter,
    line_ranges,
    title_key,
)
from compositor.model import Article, Block, Paragraph, Source, Subhead
from compositor.text.normalize import CREDIT, normalize


@dataclass(frozen=True)
class TitleAnchor:
    first: int  # index of the title's (first) line
    last: int  # index of its last line: print may break a title over two
    text: str  # normalised


class BlockReader(LineReader):
    """Reads one article's lines into blocks."""

    def _article(self, section: str, title: TitleAnchor, stop: int) -> Article:
        units = [self.lines[i] for i in self.nonblank(title.last + 1, stop)]
        number = self.lines[title.first].number
        units, credit = self._split_credit(units)
        if not units:
            raise self.error(number, _("article {title!r} has no text").format(title=title.text))
        blocks, lead = self._blocks(units)
        return Article(
            title=title.text,
            section=section,
            blocks=tuple(blocks),
            source=Source(self.path, number),
            lead=lead,
            credit=credit,
        )

    def _split_credit(self, units: list[Line]) -> tuple[list[Line], str]:
        """Take the (供稿:…) credit off the end of the article, on its own line or inline."""
        for position, unit in enumerate(units):
            match = CREDIT.search(unit.text)
            if not match:
                continue
            rest = units[position + 1 :]
            if rest:
                numbers = [line.number for line in rest]
                raise self.error(
                    rest[0].number,
                    _(
                        "text after the credit on line {line} cannot be placed (lines {lines}): "
                        "a credit ends an article — is an article title missing from the table "
                        "of contents?"
                    ).format(line=unit.number, lines=line_ranges(numbers)),
                )
            credit = normalize(match["source"]).strip()
            if not credit:
                raise self.error(unit.number, _("the credit (供稿:…) names no source"))
            before = unit.text[: match.start()].strip()
            kept = units[:position] + ([Line(unit.number, before)] if before else [])
            return kept, credit
        return units, ""

    def _blocks(self, units: list[Line]) -> tuple[list[Block], str]:
        blocks: list[Block] = []
        pending: list[Line] = []  # a paragraph broken by a page, waiting for its continuation
        for position, unit in enumerate(units):
            is_last = position == len(units) - 1
            if pending:
                pending.append(unit)
                if ends_sentence(unit.text) or is_last:
                    blocks.append(self._joined(pending))
                    pending = []
                continue
            kind = self._kind(unit)
            if kind == "paragraph" or (kind == "subhead" and is_last):
                if kind == "subhead":
                    self.warn(
                        unit.number,
                        _(
                            "{text!r} looks like a subhead but ends the article; "
                            "kept as a paragraph"
                        ).format(text=unit.text),
                    )
                blocks.append(Paragraph(normalize(unit.text), Source(self.path, unit.number)))
            elif kind == "subhead":
                blocks.append(Subhead(normalize(unit.text), Source(self.path, unit.number)))
            else:
                pending = [unit]
                if is_last:
                    blocks.append(self._joined(pending))
        return self._take_lead(blocks, units)

    def _kind(self, unit: Line) -> str:
        """'paragraph', 'subhead' or 'broken' (a paragraph that a page break cut)."""
        text = normalize(unit.text)
        if ends_sentence(text):
            return "paragraph"
        if text[-1] in CONTINUES:
            if text[-1] in "：:":
                self.warn(
                    unit.number,
                    _(
                        "block ends with a colon: joined with the next one as a page-broken "
                        "paragraph; if it introduces a list, split it by hand"
                    ),
                )
            return "broken"
        if len(title_key(text)) > SUBHEAD_MAX:
            if len(title_key(text)) <= SUBHEAD_GUESS_MAX and not INNER_MARKS & set(text):
                self.warn(
                    unit.number,
                    _(
                        "{text!r} reads like a heading but is too long for a subhead (over "
                        "{count} characters), so it is joined with the next block as a "
                        "paragraph broken by a page; if it is a subhead, write it as '## …' "
                        "by hand"
                    ).format(text=unit.text, count=SUBHEAD_MAX),
                )
            return "broken"
        if any(mark in text for mark in "，、；：！？"):
            self.warn(
                unit.number,
                _(
                    "{text!r} is short and has no final punctuation, so it is taken as a "
                    "subhead, but it contains punctuation: is it a paragraph?"
                ).format(text=unit.text),
            )
        return "subhead"

    def _joined(self, pieces: list[Line]) -> Paragraph:
        """One paragraph from blocks a page broke apart; no space at the joins (Chinese)."""
        for before, after in itertools.pairwise(pieces):
            if is_ascii_letter(before.text[-1]) and is_ascii_letter(after.text[0]):
                self.warn(
                    after.number,
                    _("joined Latin text across a page break without a space; check it"),
                )
        if not ends_sentence(pieces[-1].text):
            self.warn(pieces[-1].number, _("paragraph does not end a sentence; kept as it is"))
        text = normalize("".join(piece.text for piece in pieces))
        return Paragraph(text, Source(self.path, pieces[0].number))

    def _take_lead(self, blocks: list[Block], units: list[Line]) -> tuple[list[Block], str]:
        first = blocks[0]
        is_kicker = (
            len(blocks) > 1
            and isinstance(first, Paragraph)
            and first.source.line == units[0].number
            and normalize(units[0].text) == first.text
            and len(title_key(first.text)) <= LEAD_MAX
            and ends_sentence(first.text)
            and not any(char.isdigit() for char in first.text)
        )
        if is_kicker:
            self.warn(
                first.source.line,
                _(
                    "the short first paragraph {text!r} is taken as the article's lead "
                    "(楷体 under the title); if it is body text, move it from lead = into the text"
                ).format(text=first.text),
            )
            return blocks[1:], first.text
        return blocks, ""
