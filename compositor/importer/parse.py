"""Read a legacy issue: text extracted from a printed 火炬动态 PDF → sections and articles.

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

import datetime as dt
import difflib
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from compositor.content import read_text
from compositor.errors import ContentError
from compositor.importer.write import COLOPHON_FIELDS
from compositor.model import Article, Block, Colophon, Paragraph, Section, Source, Subhead
from compositor.text.normalize import CREDIT, fold_for_comparison, normalize, normalize_field

SUBHEAD_MAX = 20
# A line longer than a subhead, without final punctuation, is a paragraph a page broke; up to
# this length and with no punctuation inside it could also be a long subhead: say so.
SUBHEAD_GUESS_MAX = 40
INNER_MARKS = frozenset("，、；：。,;:")
LEAD_MAX = 20
# A TOC line longer than this, or one ending a sentence, is body text: the TOC has ended.
TOC_TITLE_MAX = 60
# How alike a TOC entry and a body title must be to pair them when they differ.
FUZZY_TITLE_RATIO = 0.6

ISSUE_LINE = re.compile(
    r"^(?P<year>\d{4})\s*年\s*第\s*(?P<number>\d+)\s*期\s*[(（]\s*总\s*第\s*(?P<cumulative>\d+)"
    r"\s*期\s*[)）]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$"
)
TOC_SECTION = re.compile(r"^【(?P<title>[^】]*)】\s*(?P<rest>.*)$")
SUBTITLE_DASHES = re.compile(r"^——")
COLOPHON_ENTRY = re.compile(r"^(?P<key>[^:：\s]+)\s*[:：]\s*(?P<value>.*)$")
EDITOR_SEPARATORS = re.compile(r"[\s、，,;；]+")

# Sentence-final marks, checked after stripping closing quotes and brackets.
SENTENCE_END = set("。！？!?…；;.")
CLOSERS = "”’」』）)》〉]\"'"
QUESTION_EXCLAMATION = set("！？!?")
# Marks after which a sentence must go on.
CONTINUES = set("，,、：:—–-“‘「『（(《〈")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the legacy file
    text: str  # stripped, not yet normalised


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer decided on a guess, or a difference it resolved."""

    path: Path
    line: int
    message: str
    # Ambiguities become errors under --strict; resolved differences never do.
    ambiguous: bool = True

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: warning: {self.message}"


@dataclass(frozen=True)
class Masthead:
    title: str
    publisher: str
    year: int
    number: int
    cumulative: int
    date: dt.date
    title_line: int
    publisher_line: int
    line: int  # the issue line


@dataclass(frozen=True)
class LegacyColophon:
    colophon: Colophon
    lines: dict[str, int]  # field name → line, for messages


@dataclass
class TocSection:
    title: str
    line: int
    subtitle: str = ""
    entries: list[Line] = field(default_factory=list)


@dataclass(frozen=True)
class _TitleAnchor:
    first: int  # index of the title's (first) line
    last: int  # index of its last line: print may break a title over two
    text: str  # normalised


@dataclass(frozen=True)
class _SectionAnchor:
    banner: int
    subtitle: int | None
    titles: list[_TitleAnchor]


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
        raise ContentError("the file is empty: expected the text of a legacy issue", path, 1)
    return text


def parse_legacy(text: str, path: Path) -> LegacyIssue:
    """Split a legacy issue's text into masthead, sections with articles, and colophon."""
    lines = [Line(number, raw.strip()) for number, raw in enumerate(text.split("\n"), start=1)]
    reader = _Reader(lines, path)
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


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def ends_statement(text: str) -> bool:
    """Ends a sentence, and not with ？ or ！, which end titles too (为什么是高新区？)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return ends_sentence(text) and stripped[-1] not in QUESTION_EXCLAMATION


def title_key(text: str) -> str:
    """Titles compare equal whatever their spacing and punctuation width."""
    return fold_for_comparison(text)


class _Reader:
    """Walks the lines of one legacy file, collecting warnings on the way."""

    def __init__(self, lines: list[Line], path: Path) -> None:
        self.lines = lines
        self.path = path
        self.warnings: list[ImportWarning] = []
        self.subtitles: list[Line] = []  # ——subtitle lines found in the body

    def warn(self, line: int, message: str, *, ambiguous: bool = True) -> None:
        self.warnings.append(ImportWarning(self.path, line, message, ambiguous))

    def error(self, line: int, message: str) -> ContentError:
        return ContentError(message, self.path, line)

    def nonblank(self, start: int, stop: int | None = None) -> list[int]:
        """Indices of non-blank lines in [start, stop)."""
        stop = len(self.lines) if stop is None else stop
        return [i for i in range(start, stop) if self.lines[i].text]

    # --- masthead --------------------------------------------------------------------

    def masthead(self) -> tuple[Masthead, int]:
        """Title, publisher, issue line: the first three non-blank lines."""
        first = self.nonblank(0)[:3]
        if not first:
            raise self.error(1, "the file is empty: expected the text of a legacy issue")
        expected = (
            "no masthead: a legacy issue starts with the title, the publisher and a line "
            "like 2022年第17期(总第546期) 2022年10月18日"
        )
        if len(first) < 3 or any(self.lines[i].text.startswith("【") for i in first):
            raise self.error(self.lines[first[0]].number, expected)
        title, publisher, issue = (self.lines[i] for i in first)
        match = ISSUE_LINE.match(issue.text)
        if not match:
            raise self.error(issue.number, f"{expected}; found {issue.text[:40]!r}")
        try:
            date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError as error:
            raise self.error(issue.number, f"the masthead's date is impossible: {error}") from None
        masthead = Masthead(
            title=normalize(title.text),
            publisher=normalize(publisher.text),
            year=int(match["year"]),
            number=int(match["number"]),
            cumulative=int(match["cumulative"]),
            date=date,
            title_line=title.number,
            publisher_line=publisher.number,
            line=issue.number,
        )
        return masthead, first[2] + 1

    # --- table of contents -------------------------------------------------------------

    def table_of_contents(self, start: int) -> tuple[list[TocSection], int]:
        """Sections and their article titles; returns them and the index where the body starts."""
        sections: list[TocSection] = []
        for index in self.nonblank(start):
            line = self.lines[index]
            match = TOC_SECTION.match(line.text)
            if match:
                sections.append(self._toc_section(line, match))
            elif not sections:
                raise self.error(
                    line.number,
                    "expected the table of contents after the masthead: a line like "
                    "【火炬在行动】 科技部火炬中心举办…",
                )
            elif title_key(line.text) == title_key(sections[0].title):
                self._check_toc(sections)
                return sections, index
            elif SUBTITLE_DASHES.match(line.text):
                self._toc_subtitle(sections[-1], line)
            elif len(title_key(line.text)) > TOC_TITLE_MAX or ends_statement(line.text):
                raise self.error(
                    line.number,
                    f"this looks like body text, but the body has not started: it should open "
                    f"with the banner line {sections[0].title!r} of the first section",
                )
            else:
                sections[-1].entries.append(line)
        last = self.nonblank(0)[-1]
        if not sections:
            raise self.error(self.lines[last].number, "no table of contents after the masthead")
        raise self.error(
            self.lines[last].number,
            f"the body never starts: expected the banner line {sections[0].title!r} "
            f"after the table of contents",
        )

    def _toc_section(self, line: Line, match: re.Match) -> TocSection:
        title = normalize(match["title"]).strip()
        if not title:
            raise self.error(line.number, "empty section name in 【】")
        section = TocSection(title, line.number)
        rest = match["rest"].strip()
        if SUBTITLE_DASHES.match(rest):
            self._toc_subtitle(section, Line(line.number, rest))
        elif rest:
            section.entries.append(Line(line.number, rest))
        return section

    def _toc_subtitle(self, section: TocSection, line: Line) -> None:
        if section.entries or section.subtitle:
            raise self.error(
                line.number,
                "a ——subtitle line belongs right after its 【section】 line, before the articles",
            )
        section.subtitle = _subtitle_text(line.text)

    def _check_toc(self, sections: list[TocSection]) -> None:
        seen: dict[str, int] = {}
        for section in sections:
            if not section.entries:
                raise self.error(section.line, f"section 【{section.title}】 lists no articles")
            if section.title in seen:
                raise self.error(
                    section.line,
                    f"section 【{section.title}】 appears twice (first on line "
                    f"{seen[section.title]})",
                )
            seen[section.title] = section.line

    # --- colophon ----------------------------------------------------------------------

    def find_colophon(self, start: int, publisher: str) -> int:
        """Index of the publisher line that opens the colophon (followed by 地址:…)."""
        indices = self.nonblank(start)
        for position in range(len(indices) - 2, -1, -1):
            here, following = self.lines[indices[position]], self.lines[indices[position + 1]]
            if title_key(here.text) == title_key(publisher) and following.text.startswith("地址"):
                return indices[position]
        raise self.error(
            self.lines[indices[-1]].number if indices else self.lines[-1].number,
            f"no colophon: the last article should be followed by the publisher's name "
            f"{publisher!r} and the lines 地址:…, 邮编:…, 电话:…, 网址:…, 编辑部地址:…, 责任编辑:…",
        )

    def colophon(self, start: int) -> LegacyColophon:
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        editorial = False  # 邮编/电话 after 编辑部地址 are the editorial office's
        for index in self.nonblank(start + 1):
            line = self.lines[index]
            match = COLOPHON_ENTRY.match(normalize(line.text))
            if not match or not match["value"].strip():
                raise self.error(line.number, f"colophon line is not 'label:value': {line.text!r}")
            key = match["key"]
            editorial = editorial or key.startswith("编辑部")
            name = _colophon_field(key, editorial)
            if name is None:
                raise self.error(line.number, f"unknown colophon label {key!r}")
            if name in values:
                raise self.error(line.number, f"colophon label {key!r} appears twice")
            values[name] = match["value"].strip()
            lines[name] = line.number
        missing = [label for name, label in COLOPHON_FIELDS if name not in values]
        if missing:
            raise self.error(self.lines[start].number, f"the colophon lacks {', '.join(missing)}")
        editors = tuple(n for n in EDITOR_SEPARATORS.split(values.pop("editors")) if n)
        colophon = Colophon(**values, editors=editors)
        return LegacyColophon(colophon, lines)

    # --- body --------------------------------------------------------------------------

    def body(self, toc: list[TocSection], start: int, stop: int) -> tuple[Section, ...]:
        """Find every TOC section's banner and article titles in order; read what lies between."""
        anchors = self._anchors(toc, start, stop)
        banners = [anchor.banner for anchor in anchors] + [stop]
        sections = []
        for number, (toc_section, anchor) in enumerate(zip(toc, anchors, strict=True)):
            subtitle = self._section_subtitle(toc_section, anchor.subtitle)
            after_banner = (anchor.banner if anchor.subtitle is None else anchor.subtitle) + 1
            self._nothing_between(after_banner, anchor.titles[0].first, toc_section.title)
            ends = [title.first for title in anchor.titles[1:]] + [banners[number + 1]]
            articles = tuple(
                self._article(toc_section.title, title, end)
                for title, end in zip(anchor.titles, ends, strict=True)
            )
            source = Source(self.path, self.lines[anchor.banner].number)
            sections.append(Section(toc_section.title, articles, source, subtitle))
        return tuple(sections)

    def _anchors(self, toc: list[TocSection], start: int, stop: int) -> list[_SectionAnchor]:
        """Where each section's banner, subtitle and article titles stand in the body."""
        anchors = []
        position = start
        for section in toc:
            banner = self._find_line(section.title, position, stop)
            if banner is None:
                raise self.error(
                    section.line,
                    f"section 【{section.title}】 has no banner line {section.title!r} in the body",
                )
            position = banner + 1
            subtitle = None
            following = self.nonblank(position, stop)[:1]
            if following and SUBTITLE_DASHES.match(self.lines[following[0]].text):
                subtitle = following[0]
                position = subtitle + 1
            titles = []
            for number in range(len(section.entries)):
                found = self._find_title(toc, section, number, position, stop)
                titles.append(found)
                position = found.last + 1
            anchors.append(_SectionAnchor(banner, subtitle, titles))
        return anchors

    def _find_line(self, text: str, start: int, stop: int) -> int | None:
        key = title_key(text)
        for index in self.nonblank(start, stop):
            if title_key(self.lines[index].text) == key:
                return index
        return None

    def _find_title(
        self, toc: list[TocSection], section: TocSection, number: int, start: int, stop: int
    ) -> _TitleAnchor:
        """Where a TOC entry's title stands in the body: on one line, or broken over two."""
        entry = section.entries[number]
        key = title_key(entry.text)
        indices = self.nonblank(start, stop)
        for position, index in enumerate(indices):
            here = title_key(self.lines[index].text)
            if here == key:
                title = self._better_title(entry.text, self.lines[index].text)
                return _TitleAnchor(index, index, title)
            if here and key.startswith(here) and position + 1 < len(indices):
                following = indices[position + 1]
                joined = self.lines[index].text + self.lines[following].text
                if title_key(joined) == key:
                    return _TitleAnchor(index, following, self._better_title(entry.text, joined))
        return self._find_similar_title(toc, section, number, start, stop)

    def _find_similar_title(
        self, toc: list[TocSection], section: TocSection, number: int, start: int, stop: int
    ) -> _TitleAnchor:
        """No exact title: look up to the next exact anchor for a title-like near match."""
        entry = section.entries[number]
        limit = self._next_exact_anchor(toc, section, number, start, stop)
        best, best_ratio = None, 0.0
        for index in self.nonblank(start, limit):
            text = self.lines[index].text
            if len(title_key(text)) > TOC_TITLE_MAX or ends_sentence(text):
                continue
            ratio = difflib.SequenceMatcher(None, title_key(text), title_key(entry.text)).ratio()
            if ratio > best_ratio:
                best, best_ratio = index, ratio
        if best is None or best_ratio < FUZZY_TITLE_RATIO:
            searched = self.nonblank(start, limit) or [start]
            first, last = (self.lines[i].number for i in (searched[0], searched[-1]))
            raise self.error(
                entry.number,
                f"the table of contents names {entry.text!r}, but the body has no such title "
                f"(searched lines {first}–{last})",
            )
        body_title = self.lines[best].text
        self.warn(
            self.lines[best].number,
            f"title {body_title!r} differs from the table of contents' {entry.text!r} "
            f"(line {entry.number}); kept the body's wording",
        )
        return _TitleAnchor(best, best, normalize(body_title))

    def _next_exact_anchor(
        self, toc: list[TocSection], section: TocSection, number: int, start: int, stop: int
    ) -> int:
        """Where the next TOC entry (or else the next banner) stands exactly, else ``stop``."""
        if number + 1 < len(section.entries):
            following = section.entries[number + 1].text
        elif toc.index(section) + 1 < len(toc):
            following = toc[toc.index(section) + 1].title
        else:
            return stop
        found = self._find_line(following, start, stop)
        return stop if found is None else found

    def _better_title(self, toc_text: str, body_text: str) -> str:
        """TOC and body agree but for spacing: keep the one without stray spaces."""
        toc_title, body_title = normalize(toc_text), normalize(body_text)
        return body_title if body_title.count(" ") < toc_title.count(" ") else toc_title

    def _section_subtitle(self, toc_section: TocSection, subtitle_line: int | None) -> str:
        if subtitle_line is None:
            return toc_section.subtitle
        line = self.lines[subtitle_line]
        self.subtitles.append(line)
        body_subtitle = _subtitle_text(line.text)
        if not toc_section.subtitle:
            self.warn(
                line.number,
                f"section {toc_section.title!r} has the subtitle {body_subtitle!r} in the body "
                f"but none in the table of contents; kept it",
            )
        elif title_key(body_subtitle) != title_key(toc_section.subtitle):
            self.warn(
                line.number,
                f"subtitle {body_subtitle!r} differs from the table of contents' "
                f"{toc_section.subtitle!r}; kept the body's wording",
            )
        return body_subtitle

    def _nothing_between(self, start: int, stop: int, section: str) -> None:
        stray = self.nonblank(start, stop)
        if stray:
            numbers = [self.lines[i].number for i in stray]
            raise self.error(
                numbers[0],
                f"text before the first article of section {section!r} cannot be placed "
                f"(lines {_ranges(numbers)}): is its title missing from the table of contents?",
            )

    def _article(self, section: str, title: _TitleAnchor, stop: int) -> Article:
        units = [self.lines[i] for i in self.nonblank(title.last + 1, stop)]
        number = self.lines[title.first].number
        units, credit = self._split_credit(units)
        if not units:
            raise self.error(number, f"article {title.text!r} has no text")
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
                    f"text after the credit on line {unit.number} cannot be placed "
                    f"(lines {_ranges(numbers)}): a credit ends an article — is an article "
                    f"title missing from the table of contents?",
                )
            credit = normalize(match["source"]).strip()
            if not credit:
                raise self.error(unit.number, "the credit (供稿:…) names no source")
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
                        f"{unit.text!r} looks like a subhead but ends the article; "
                        f"kept as a paragraph",
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
                    "block ends with a colon: joined with the next one as a page-broken "
                    "paragraph; if it introduces a list, split it by hand",
                )
            return "broken"
        if len(title_key(text)) > SUBHEAD_MAX:
            if len(title_key(text)) <= SUBHEAD_GUESS_MAX and not INNER_MARKS & set(text):
                self.warn(
                    unit.number,
                    f"{unit.text!r} reads like a heading but is too long for a subhead (over "
                    f"{SUBHEAD_MAX} characters), so it is joined with the next block as a "
                    f"paragraph broken by a page; if it is a subhead, write it as '## …' by hand",
                )
            return "broken"
        if any(mark in text for mark in "，、；：！？"):
            self.warn(
                unit.number,
                f"{unit.text!r} is short and has no final punctuation, so it is taken as a "
                f"subhead, but it contains punctuation: is it a paragraph?",
            )
        return "subhead"

    def _joined(self, pieces: list[Line]) -> Paragraph:
        """One paragraph from blocks a page broke apart; no space at the joins (Chinese)."""
        for before, after in itertools.pairwise(pieces):
            if _is_ascii_letter(before.text[-1]) and _is_ascii_letter(after.text[0]):
                self.warn(
                    after.number,
                    "joined Latin text across a page break without a space; check it",
                )
        if not ends_sentence(pieces[-1].text):
            self.warn(pieces[-1].number, "paragraph does not end a sentence; kept as it is")
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
                f"the short first paragraph {first.text!r} is taken as the article's lead "
                f"(楷体 under the title); if it is body text, move it from lead = into the text",
            )
            return blocks[1:], first.text
        return blocks, ""


def _colophon_field(key: str, editorial: bool) -> str | None:
    """Model field for a colophon label; 邮编 and 电话 depend on which address they follow."""
    key = key.removeprefix("编辑部") if key != "编辑部地址" else key
    fields = {
        "地址": "address",
        "编辑部地址": "editorial_address",
        "邮编": "editorial_postcode" if editorial else "postcode",
        "电话": "editorial_phone" if editorial else "phone",
        "网址": "website",
        "责任编辑": "editors",
    }
    return fields.get(key)


def _is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def _subtitle_text(text: str) -> str:
    """The subtitle without its leading dashes: the layout prints ——."""
    return normalize_field("subtitle", text).strip()


def _ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → '3–5, 9'."""
    parts = []
    start = previous = numbers[0]
    for number in numbers[1:] + [None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)
