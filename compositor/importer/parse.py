"""Read a legacy issue: text extracted from a printed 火炬动态 PDF → sections and articles.

``parse_legacy`` is the entry point. The reader is split by what it decides: the issue's
structure (structure.py: masthead, table of contents, colophon), title anchoring
(anchors.py: where the titles stand in the body) and block heuristics (blocks.py: what each
line of an article is); lines.py holds what they share.

The extraction (see ../shared/seed/torch-2022-17.txt) has four parts, in order:

1. Masthead: title, publisher, and ``2022年第17期(总第546期) 2022年10月18日``.
2. Table of contents: ``【section】 first article`` lines, an optional ``——subtitle``
   line, then one article title per line.
3. Body: per section a banner line (the section name, no brackets) and optional
   ``——subtitle``; per article its title (matched against the TOC; print may have
   broken it over two lines, which shows as a stray space or a line break), then
   one block per line: paragraphs, subheads, and a credit ``(供稿:…)`` on its own
   line or at the end of the last paragraph.
4. Colophon: the publisher again, then ``地址:`` … ``责任编辑:`` lines.

Page breaks split paragraphs into two blocks (even inside a word: 大 / 力发展); a
block that does not end a sentence is joined with the next one. How blocks are
told apart — the rules, all measured on non-space characters:

* A block ending with sentence-final punctuation (。！？…； also inside closing
  quotes) is a paragraph.
* A block ending with a mark that continues a sentence (，、：— opening quotes and
  brackets) is the first half of a page-broken paragraph.
* Otherwise a short block (at most ``SUBHEAD_MAX`` characters) is a subhead
  (产业 崛起的力量, 强化规划引领); a longer one is page-broken, since a page break
  comes after at least one full printed line.
* The lead is the article's first block when it is a short (at most ``LEAD_MAX``
  characters), complete sentence without figures, followed by more text: the
  rhetorical kicker 大战略呼唤大担当，新起点瞄准新高度。 Factual openings such as
  绍兴高新区成立于1992年，2010年获批成为国家高新区。 carry figures and stay paragraphs.

Whatever these rules cannot decide cleanly is reported as a warning with its line
(strict mode turns them into errors); text that cannot be placed is an error.
All stored text is normalised (compositor.text.normalize).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compositor.content import read_text
from compositor.errors import ContentError
from compositor.i18n import _
from compositor.importer.lines import ImportWarning, Line, ends_sentence
from compositor.importer.structure import LegacyColophon, LegacyReader, Masthead
from compositor.model import Section


@dataclass(frozen=True)
class LegacyIssue:
    masthead: Masthead
    sections: tuple[Section, ...]
    colophon: LegacyColophon
    body: tuple[Line, ...]  # lines the articles were read from, for the lose-nothing check
    warnings: tuple[ImportWarning, ...]


def read_legacy_text(path: Path) -> str:
    """The file as text, through the one file decoder (content.read_text: binary and
    non-UTF-8 files are content errors); an empty file is one too."""
    text = read_text(path)
    if not text.strip():
        raise ContentError(_("the file is empty: expected the text of a legacy issue"), path, 1)
    return text


def parse_legacy(text: str, path: Path) -> LegacyIssue:
    """Split a legacy issue's text into masthead, sections with articles, and colophon."""
    lines = [Line(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    reader = LegacyReader(lines, path)
    masthead, after_masthead = reader.masthead()
    toc, body_start = reader.table_of_contents(after_masthead)
    colophon_start = reader.find_colophon(body_start, masthead.publisher)
    colophon = reader.colophon(colophon_start)
    sections = reader.body(toc, body_start, colophon_start)
    # Subtitle lines are compared with the TOC instead: a section may print one or not.
    body = [line for line in lines[body_start:colophon_start] if line not in reader.subtitles]
    return LegacyIssue(
        masthead=masthead,
        sections=sections,
        colophon=colophon,
        body=tuple(body),
        warnings=tuple(reader.warnings),
    )


__all__ = [
    "ImportWarning",
    "LegacyIssue",
    "Line",
    "ends_sentence",
    "parse_legacy",
    "read_legacy_text",
]
