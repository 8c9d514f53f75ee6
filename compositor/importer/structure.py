"""The legacy issue's structure: masthead, table of contents and colophon."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from compositor.i18n import _
from compositor.importer.anchors import TitleAnchoring, subtitle_text
from compositor.importer.lines import (
    COLOPHON_ENTRY,
    EDITOR_SEPARATORS,
    ISSUE_LINE,
    SUBTITLE_DASHES,
    TOC_SECTION,
    TOC_TITLE_MAX,
    Line,
    TocSection,
    ends_statement,
    title_key,
)
from compositor.importer.write import COLOPHON_FIELDS
from compositor.model import Colophon
from compositor.text.normalize import normalize


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


class LegacyReader(TitleAnchoring):
    """Reads a whole legacy issue: its structure here, its body with TitleAnchoring."""

    # --- masthead --------------------------------------------------------------------

    def masthead(self) -> tuple[Masthead, int]:
        """Title, publisher, issue line: the first three non-blank lines."""
        first = self.nonblank(0)[:3]
        if not first:
            raise self.error(1, _("the file is empty: expected the text of a legacy issue"))
        expected = _(
            "no masthead: a legacy issue starts with the title, the publisher and a line "
            "like 2022年第17期(总第546期) 2022年10月18日"
        )
        if len(first) < 3 or any(self.lines[i].text.startswith("【") for i in first):
            raise self.error(self.lines[first[0]].number, expected)
        title, publisher, issue = (self.lines[i] for i in first)
        match = ISSUE_LINE.match(issue.text)
        if not match:
            raise self.error(
                issue.number,
                _("{expected}; found {text!r}").format(expected=expected, text=issue.text[:40]),
            )
        try:
            date = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError as error:
            raise self.error(
                issue.number, _("the masthead's date is impossible: {error}").format(error=error)
            ) from None
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
                    _(
                        "expected the table of contents after the masthead: a line like "
                        "【火炬在行动】 科技部火炬中心举办…"
                    ),
                )
            elif title_key(line.text) == title_key(sections[0].title):
                self._check_toc(sections)
                return sections, index
            elif SUBTITLE_DASHES.match(line.text):
                self._toc_subtitle(sections[-1], line)
            elif len(title_key(line.text)) > TOC_TITLE_MAX or ends_statement(line.text):
                raise self.error(
                    line.number,
                    _(
                        "this looks like body text, but the body has not started: it should "
                        "open with the banner line {banner!r} of the first section"
                    ).format(banner=sections[0].title),
                )
            else:
                sections[-1].entries.append(line)
        last = self.nonblank(0)[-1]
        if not sections:
            raise self.error(self.lines[last].number, _("no table of contents after the masthead"))
        raise self.error(
            self.lines[last].number,
            _(
                "the body never starts: expected the banner line {banner!r} "
                "after the table of contents"
            ).format(banner=sections[0].title),
        )

    def _toc_section(self, line: Line, match: re.Match) -> TocSection:
        title = normalize(match["title"]).strip()
        if not title:
            raise self.error(line.number, _("empty section name in 【】"))
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
                _(
                    "a ——subtitle line belongs right after its 【section】 line, "
                    "before the articles"
                ),
            )
        section.subtitle = subtitle_text(line.text)

    def _check_toc(self, sections: list[TocSection]) -> None:
        seen: dict[str, int] = {}
        for section in sections:
            if not section.entries:
                raise self.error(
                    section.line,
                    _("section 【{section}】 lists no articles").format(section=section.title),
                )
            if section.title in seen:
                raise self.error(
                    section.line,
                    _("section 【{section}】 appears twice (first on line {line})").format(
                        section=section.title, line=seen[section.title]
                    ),
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
            _(
                "no colophon: the last article should be followed by the publisher's name "
                "{publisher!r} and the lines 地址:…, 邮编:…, 电话:…, 网址:…, 编辑部地址:…, "
                "责任编辑:…"
            ).format(publisher=publisher),
        )

    def colophon(self, start: int) -> LegacyColophon:
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        editorial = False  # 邮编/电话 after 编辑部地址 are the editorial office's
        for index in self.nonblank(start + 1):
            line = self.lines[index]
            match = COLOPHON_ENTRY.match(normalize(line.text))
            if not match or not match["value"].strip():
                raise self.error(
                    line.number,
                    _("colophon line is not 'label:value': {text!r}").format(text=line.text),
                )
            key = match["key"]
            editorial = editorial or key.startswith("编辑部")
            name = colophon_field(key, editorial)
            if name is None:
                raise self.error(line.number, _("unknown colophon label {key!r}").format(key=key))
            if name in values:
                raise self.error(
                    line.number, _("colophon label {key!r} appears twice").format(key=key)
                )
            values[name] = match["value"].strip()
            lines[name] = line.number
        missing = [label for name, label in COLOPHON_FIELDS if name not in values]
        if missing:
            raise self.error(
                self.lines[start].number,
                _("the colophon lacks {labels}").format(labels=_(", ").join(missing)),
            )
        editors = tuple(n for n in EDITOR_SEPARATORS.split(values.pop("editors")) if n)
        colophon = Colophon(**values, editors=editors)
        return LegacyColophon(colophon, lines)


def colophon_field(key: str, editorial: bool) -> str | None:
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
