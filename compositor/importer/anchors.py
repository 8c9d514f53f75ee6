"""Title anchoring: where each section's banner, subtitle and article titles stand in the
body, matched against the table of contents (exactly, broken over two lines, or alike)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from compositor.i18n import _
from compositor.importer.blocks import BlockReader, TitleAnchor
from compositor.importer.lines import (
    FUZZY_TITLE_RATIO,
    SUBTITLE_DASHES,
    TOC_TITLE_MAX,
    TocSection,
    ends_sentence,
    line_ranges,
    title_key,
)
from compositor.model import Section, Source
from compositor.text.normalize import normalize, normalize_field

# How back issues of 火炬动态 print a section's subtitle (the text the importer reads).
BACK_ISSUE_SUBTITLE = "——{}"


@dataclass(frozen=True)
class SectionAnchor:
    banner: int
    subtitle: int | None
    titles: list[TitleAnchor]


class TitleAnchoring(BlockReader):
    """Finds the body's titles, then reads the articles between them."""

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

    def _anchors(self, toc: list[TocSection], start: int, stop: int) -> list[SectionAnchor]:
        """Where each section's banner, subtitle and article titles stand in the body."""
        anchors = []
        position = start
        for section in toc:
            banner = self._find_line(section.title, position, stop)
            if banner is None:
                raise self.error(
                    section.line,
                    _("section 【{section}】 has no banner line {banner!r} in the body").format(
                        section=section.title, banner=section.title
                    ),
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
            anchors.append(SectionAnchor(banner, subtitle, titles))
        return anchors

    def _find_line(self, text: str, start: int, stop: int) -> int | None:
        key = title_key(text)
        for index in self.nonblank(start, stop):
            if title_key(self.lines[index].text) == key:
                return index
        return None

    def _find_title(
        self, toc: list[TocSection], section: TocSection, number: int, start: int, stop: int
    ) -> TitleAnchor:
        """Where a TOC entry's title stands in the body: on one line, or broken over two."""
        entry = section.entries[number]
        key = title_key(entry.text)
        indices = self.nonblank(start, stop)
        for position, index in enumerate(indices):
            here = title_key(self.lines[index].text)
            if here == key:
                title = self._better_title(entry.text, self.lines[index].text)
                return TitleAnchor(index, index, title)
            if here and key.startswith(here) and position + 1 < len(indices):
                following = indices[position + 1]
                joined = self.lines[index].text + self.lines[following].text
                if title_key(joined) == key:
                    return TitleAnchor(index, following, self._better_title(entry.text, joined))
        return self._find_similar_title(toc, section, number, start, stop)

    def _find_similar_title(
        self, toc: list[TocSection], section: TocSection, number: int, start: int, stop: int
    ) -> TitleAnchor:
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
                _(
                    "the table of contents names {title!r}, but the body has no such title "
                    "(searched lines {first}–{last})"
                ).format(title=entry.text, first=first, last=last),
            )
        body_title = self.lines[best].text
        self.warn(
            self.lines[best].number,
            _(
                "title {title!r} differs from the table of contents' {listed!r} "
                "(line {line}); kept the body's wording"
            ).format(title=body_title, listed=entry.text, line=entry.number),
        )
        return TitleAnchor(best, best, normalize(body_title))

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
        body_subtitle = subtitle_text(line.text)
        if not toc_section.subtitle:
            self.warn(
                line.number,
                _(
                    "section {section!r} has the subtitle {subtitle!r} in the body "
                    "but none in the table of contents; kept it"
                ).format(section=toc_section.title, subtitle=body_subtitle),
            )
        elif title_key(body_subtitle) != title_key(toc_section.subtitle):
            self.warn(
                line.number,
                _(
                    "subtitle {subtitle!r} differs from the table of contents' "
                    "{listed!r}; kept the body's wording"
                ).format(subtitle=body_subtitle, listed=toc_section.subtitle),
            )
        return body_subtitle

    def _nothing_between(self, start: int, stop: int, section: str) -> None:
        stray = self.nonblank(start, stop)
        if stray:
            numbers = [self.lines[i].number for i in stray]
            raise self.error(
                numbers[0],
                _(
                    "text before the first article of section {section!r} cannot be placed "
                    "(lines {lines}): is its title missing from the table of contents?"
                ).format(section=section, lines=line_ranges(numbers)),
            )


def subtitle_text(text: str) -> str:
    """The subtitle without its leading dashes: back issues print ——, and so does a layout
    that declares them ([marks] subtitle), which then adds them itself."""
    return normalize_field("subtitle", text, {"subtitle": BACK_ISSUE_SUBTITLE}).strip()
