"""``compositor check``: every problem of an issue folder, without rendering it.

The content reader (content.py) stops at the first error, which is right for a
build; an editor preparing an issue wants the whole list at once. This module
reads the same files with the same schema (``content.key_problems``) but keeps
going, and adds what only matters to a person preparing the issue: placeholders
left by ``compositor new``, half-width punctuation, characters the fonts lack,
a table of contents too long for page 1, and the page count to expect.

Each finding is printed as ``file:line:column: level: message``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from compositor import content
from compositor.check.figures import picture_findings
from compositor.check.locate import Position, Span, TomlLines, column_of, markdown_spans
from compositor.content import (
    ARTICLE_KEYS,
    ARTICLE_OPTIONAL,
    COLOPHON_KEYS,
    ISSUE_FILE,
    ISSUE_KEYS,
    ISSUE_OPTIONAL,
    PUBLICATION_FILE,
    PUBLICATION_KEYS,
    SECTION_KEYS,
    SECTION_OPTIONAL,
    key_problems,
)
from compositor.errors import CompositorError
from compositor.model import Issue
from compositor.normalize import HALFWIDTH_TO_FULLWIDTH, find_halfwidth_punctuation
from compositor.scaffold import PLACEHOLDER

# The reader's schemas (content.py), with the name each table has in messages.
Schema = tuple[dict[str, type], set[str], str]
PUBLICATION_SCHEMA: Schema = (PUBLICATION_KEYS, set(), "publication")
COLOPHON_SCHEMA: Schema = (COLOPHON_KEYS, set(), "[colophon]")
ISSUE_SCHEMA: Schema = (ISSUE_KEYS, ISSUE_OPTIONAL, "issue")
SECTION_SCHEMA: Schema = (SECTION_KEYS, SECTION_OPTIONAL, "[[sections]]")
ARTICLE_SCHEMA: Schema = (ARTICLE_KEYS, ARTICLE_OPTIONAL, "article front matter")


class Level(enum.StrEnum):
    ERROR = "error"  # the issue cannot be built, or would print wrong
    WARNING = "warning"  # worth a look before printing; fails only with --strict
    INFO = "info"  # facts, such as the page-count estimate


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    column: int
    level: Level
    message: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{max(self.line, 1)}:{max(self.column, 1)}: {self.level}: {self.message}"
        )


@dataclass(frozen=True)
class Report:
    folder: Path
    findings: tuple[Finding, ...]

    def count(self, level: Level) -> int:
        return sum(finding.level is level for finding in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 warnings only (with ``strict``), 2 errors."""
        if self.count(Level.ERROR):
            return 2
        return 1 if strict and self.count(Level.WARNING) else 0

    def summary(self) -> str:
        errors, warnings = self.count(Level.ERROR), self.count(Level.WARNING)
        return f"{self.folder}: {_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def check_issue(folder: Path | str) -> Report:
    """All findings for one issue folder, errors and warnings in file order."""
    folder = Path(folder)
    findings = _IssueChecker(folder).run()
    return Report(folder, tuple(sorted(findings, key=_reading_order)))


def _reading_order(finding: Finding) -> tuple:
    """publication.toml, issue.toml, then the articles by name; facts (info) last."""
    name = finding.path.name
    rank = {PUBLICATION_FILE: 0, ISSUE_FILE: 1}.get(name, 2)
    return (finding.level is Level.INFO, rank, name, finding.line, finding.column)


# --- the checks ------------------------------------------------------------------


@dataclass(frozen=True)
class _Section:
    title: str
    where: Position  # of the title's value in issue.toml


@dataclass(frozen=True)
class _ArticleFile:
    path: Path
    meta: dict
    front: TomlLines  # positions in the front matter

    def text(self, key: str) -> str:
        value = self.meta.get(key)
        return value.strip() if isinstance(value, str) else ""


class _IssueChecker:
    """Collects findings for one issue; each ``check_*`` method looks at one thing."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.issue_file = folder / ISSUE_FILE
        self.findings: list[Finding] = []
        self.spans: list[Span] = []  # printed text, for the character-level checks

    def run(self) -> list[Finding]:
        if not self.folder.is_dir() or not self.issue_file.is_file():
            self.error(self.folder, Position(1, 1), "not an issue folder: it has no issue.toml")
            return self.findings
        self.check_publication(content.publication_folder(self.folder) / PUBLICATION_FILE)
        sections = self.check_issue_file()
        articles = [self.check_article(path) for path in sorted(self.folder.glob("*.md"))]
        articles = [article for article in articles if article is not None]
        if sections is not None:
            self.check_sections(sections, articles)
        self.check_titles(articles)
        self.check_text()
        issue = self.read_model()
        if issue is not None:
            self.check_fonts(issue)
            self.check_length(issue)
            # Issue 14: pictures under 300 ppi at their printed size (compositor/resolution.py).
            for path, line, message in picture_findings(issue):
                self.warning(path, Position(line, column_of(path, line, "![")), message)
        return self.findings

    # -- recording

    def add(self, level: Level, path: Path, where: Position, message: str) -> None:
        self.findings.append(Finding(path, where.line, where.column, level, message))

    def error(self, path: Path, where: Position, message: str) -> None:
        self.add(Level.ERROR, path, where, message)

    def warning(self, path: Path, where: Position, message: str) -> None:
        self.add(Level.WARNING, path, where, message)

    def content_error(self, error: CompositorError) -> None:
        path = error.path or self.folder
        self.error(path, Position(error.line, 1), error.message)

    def check_keys(self, data: dict, schema: Schema, lines: TomlLines, table="", index=0):
        """Every key problem of one table, each pointed at the key, its value or the table."""
        keys, optional, what = schema
        for problem in key_problems(data, keys, optional, what):
            if problem.missing:
                where = lines.table(table, index)
            elif problem.key in keys:  # there, but of the wrong type: point at the value
                where = lines.value(problem.key, table, index)
            else:
                where = lines.key(problem.key, table, index)
            self.error(lines.path, where, problem.message)

    # -- files

    def load(self, path: Path) -> tuple[dict, TomlLines] | None:
        try:
            data = content.load_toml(path)
        except CompositorError as error:
            self.content_error(error)
            return None
        lines = TomlLines(path, _lines(path))
        self.spans.extend(lines.strings())
        return data, lines

    def check_publication(self, path: Path) -> None:
        if not path.is_file():
            self.error(
                path, Position(1, 1), "no publication.toml: it holds the masthead and colophon"
            )
            return
        loaded = self.load(path)
        if loaded is None:
            return
        data, lines = loaded
        self.check_keys(data, PUBLICATION_SCHEMA, lines)
        colophon = data.get("colophon")
        if isinstance(colophon, dict):
            self.check_keys(colophon, COLOPHON_SCHEMA, lines, "colophon")

    def check_issue_file(self) -> list[_Section] | None:
        """The issue's keys and values; returns its sections (None if unreadable)."""
        loaded = self.load(self.issue_file)
        if loaded is None:
            return None
        data, lines = loaded
        self.check_keys(data, ISSUE_SCHEMA, lines)
        self.check_numbers(data, lines)
        raw = data.get("sections")
        if not isinstance(raw, list):
            return None
        if not raw:
            self.error(self.issue_file, Position(1, 1), "the issue declares no [[sections]]")
        sections = []
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                where = lines.key("sections")
                self.error(self.issue_file, where, "each [[sections]] entry must be a table")
                continue
            self.check_keys(entry, SECTION_SCHEMA, lines, "sections", index)
            if isinstance(entry.get("title"), str):
                title = entry["title"].strip()
                sections.append(_Section(title, lines.value("title", "sections", index)))
        return sections

    def check_numbers(self, data: dict, lines: TomlLines) -> None:
        """Values that have the right type but cannot be right."""
        numbers = {key: data.get(key) for key in ("year", "number", "cumulative")}
        for key, value in numbers.items():
            if type(value) is int and value < 1:
                self.error(self.issue_file, lines.value(key), f"{key!r} must be 1 or more")
        number, cumulative = numbers["number"], numbers["cumulative"]
        if type(number) is int and type(cumulative) is int and cumulative < number:
            self.error(
                self.issue_file,
                lines.value("cumulative"),
                f"'cumulative' (总第{cumulative}期) is smaller than 'number' (第{number}期)",
            )
        date, year = data.get("date"), numbers["year"]
        if isinstance(date, dt.date) and type(year) is int and date.year != year:
            self.warning(
                self.issue_file,
                lines.value("date"),
                f"the date {date.isoformat()} is not in the issue's year {year}",
            )

    def check_article(self, path: Path) -> _ArticleFile | None:
        try:
            parts = content.parse_article(path)
        except CompositorError as error:
            self.content_error(error)
            return None
        file_lines = _lines(path)
        front = TomlLines(path, file_lines[1 : parts.body_line - 2], first_line=2)
        self.spans.extend(front.strings())
        self.spans.extend(markdown_spans(path, file_lines, parts.body_line))
        self.check_keys(parts.meta, ARTICLE_SCHEMA, front)
        if not any(block.kind == "paragraph" for block in parts.blocks):
            self.error(
                path,
                Position(parts.body_line, 1),
                "article has no paragraphs: write the text after the +++ block",
            )
        return _ArticleFile(path, parts.meta, front)

    # -- the issue as a whole

    def check_sections(self, sections: list[_Section], articles: list[_ArticleFile]) -> None:
        """Articles belong to declared sections, in section order; no section is empty or twice."""
        order = {}
        for section in sections:
            if section.title in order:
                self.error(
                    self.issue_file,
                    section.where,
                    f"section {section.title!r} is declared twice; declare each section once",
                )
            order.setdefault(section.title, len(order))
        furthest = -1
        used = set()
        for article in articles:
            title = article.text("section")
            if not title:
                continue  # reported as a key problem
            if title not in order:
                hint = difflib.get_close_matches(title, list(order), n=1, cutoff=0.5)
                self.error(
                    article.path,
                    article.front.value("section"),
                    f"article is in section {title!r}, which {ISSUE_FILE} does not declare"
                    + (
                        f"; did you mean {hint[0]!r}?"
                        if hint
                        else f" (declared: {', '.join(order)})"
                    ),
                )
                continue
            used.add(title)
            if order[title] < furthest:
                self.error(
                    article.path,
                    Position(1, 1),
                    f"article is out of order: files are read by name, and its section {title!r} "
                    f"comes before the previous file's in {ISSUE_FILE}; rename the file",
                )
            furthest = max(furthest, order[title])
        for section in sections:
            if section.title not in used:
                self.warning(
                    self.issue_file,
                    section.where,
                    f"section {section.title!r} has no articles: write one or remove the section",
                )

    def check_titles(self, articles: list[_ArticleFile]) -> None:
        first_with: dict[str, Path] = {}
        for article in articles:
            title = article.text("title")
            if not title:
                continue
            if title in first_with and PLACEHOLDER not in title:
                self.warning(
                    article.path,
                    article.front.value("title"),
                    f"the title {title!r} is also the title of {first_with[title].name}",
                )
            first_with.setdefault(title, article.path)

    def check_text(self) -> None:
        """Placeholders and half-width punctuation, wherever printed text is typed."""
        for span in self.spans:
            index = span.text.find(PLACEHOLDER)
            if index >= 0:
                self.warning(
                    span.path,
                    span.position_of(index),
                    f"placeholder {PLACEHOLDER} left by `compositor new`: replace it with the text",
                )
            for index, mark in find_halfwidth_punctuation(span.text):
                self.warning(
                    span.path,
                    span.position_of(index),
                    f"half-width {mark!r} in Chinese text: type the full-width "
                    f"{HALFWIDTH_TO_FULLWIDTH[mark]!r} (the build converts it)",
                )

    def read_model(self) -> Issue | None:
        """The reader's own verdict, once the checks above found no error.

        It catches whatever the reader rejects and the checks above do not look for,
        so that ``check`` never passes an issue that ``build`` refuses.
        """
        if any(finding.level is Level.ERROR for finding in self.findings):
            return None
        try:
            return content.read_issue(self.folder)
        except CompositorError as error:
            self.content_error(error)
            return None

    def check_fonts(self, issue: Issue) -> None:
        from compositor.build import FONTS_DIR, layout_for
        from compositor.fonts.fontset import load_fontset, uncovered_characters

        try:
            layout = layout_for(issue)
            missing = uncovered_characters(issue, load_fontset(FONTS_DIR), layout.fonts)
        except CompositorError as error:
            self.content_error(error)
            return
        for found in missing:
            path, line = found.source.path, found.source.line
            self.error(
                path,
                Position(line, column_of(path, line, found.char)),
                f"{found.describe()}: it would print as a blank box; write it another way "
                f"or ask for the font to be extended",
            )

    def check_length(self, issue: Issue) -> None:
        from compositor.build import layout_for
        from compositor.check.estimate import estimate_issue
        from compositor.typeset import typeset_issue

        try:
            estimate = estimate_issue(typeset_issue(issue), layout_for(issue))
        except CompositorError as error:
            self.content_error(error)
            return
        lines = TomlLines(self.issue_file, _lines(self.issue_file))
        if estimate.toc_overflows:
            self.warning(
                self.issue_file,
                lines.table("sections"),
                f"the table of contents needs about {estimate.toc_lines} lines but page 1 has "
                f"room for about {estimate.toc_room_lines}: it would run onto page 2 "
                f"(shorten titles or move articles to the next issue)",
            )
        self.add(
            Level.INFO,
            self.issue_file,
            Position(1, 1),
            f"about {_plural(estimate.pages, 'page')} (an estimate from line counts)",
        )


def _lines(path: Path) -> list[str]:
    """A file's lines numbered as the reader numbers them (BOM dropped, any line ending)."""
    return path.read_text(encoding="utf-8-sig").split("\n")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_report(report: Report) -> Iterator[str]:
    """The lines ``compositor check`` prints: one per finding, then a summary."""
    for finding in report.findings:
        yield str(finding)
    yield report.summary()


__all__ = ["Finding", "Level", "Report", "check_issue", "format_report"]
