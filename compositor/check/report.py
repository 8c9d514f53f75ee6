"""``compositor check``: every finding of an issue folder, without rendering it.

The findings of the content are the validator's (content/validate.py), the same
rules ``build`` stops on. This module adds what needs the layout: characters the
faces of their roles lack, a table of contents too long for page 1, and the page
count to expect.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from compositor.check.figures import picture_findings
from compositor.content import ISSUE_FILE, read_text
from compositor.content.locate import Position, TomlLines, column_of
from compositor.content.validate import (
    Finding,
    Level,
    SourceEdit,
    read_findings,
    reading_order,
)
from compositor.errors import CompositorError
from compositor.i18n import _, ngettext
from compositor.layout import layout_for
from compositor.model import Issue, Table


@dataclass(frozen=True)
class Report:
    folder: Path
    findings: tuple[Finding, ...]
    edits: tuple[SourceEdit, ...] = ()  # what ``check --fix`` writes

    def count(self, level: Level) -> int:
        return sum(finding.level is level for finding in self.findings)

    def exit_code(self, strict: bool = False) -> int:
        """0 clean, 1 warnings only (with ``strict``), 2 errors."""
        if self.count(Level.ERROR):
            return 2
        return 1 if strict and self.count(Level.WARNING) else 0

    def summary(self) -> str:
        errors, warnings = self.count(Level.ERROR), self.count(Level.WARNING)
        return _("{folder}: {errors}, {warnings}").format(
            folder=self.folder,
            errors=ngettext("{count} error", "{count} errors", errors).format(count=errors),
            warnings=ngettext("{count} warning", "{count} warnings", warnings).format(
                count=warnings
            ),
        )


def check_issue(folder: Path | str) -> Report:
    """All findings for one issue folder, errors and warnings in file order."""
    folder = Path(folder)
    reading = read_findings(folder)
    findings = list(reading.findings)
    # An issue with errors is still looked at as far as it could be read, so that every
    # finding shows at once: an article's errors and the warnings beside them.
    issue = reading.issue or reading.draft
    if issue is not None:
        findings.extend(_font_findings(issue))
        findings.extend(_table_findings(issue))
        # Issue 14: pictures under 300 ppi at their printed size (layout/resolution.py).
        for path, line, message in picture_findings(issue):
            findings.append(
                Finding.at(path, line, column_of(path, line, "!["), Level.WARNING, message)
            )
    if reading.issue is not None:  # the length of an issue that cannot be built means little
        findings.extend(_length_findings(reading.issue))
    findings.sort(key=reading_order)  # a file's findings together, whatever found them
    infos = [f for f in findings if f.level is Level.INFO]
    ordered = tuple([f for f in findings if f.level is not Level.INFO] + infos)
    return Report(folder, ordered, reading.edits)


def _font_findings(issue: Issue) -> Iterator[Finding]:
    from compositor.fonts.fontset import font_use, load_fontset
    from compositor.paths import FONTS_DIR

    try:
        layout = layout_for(issue)
        use = font_use(issue, load_fontset(FONTS_DIR), layout.fonts)
    except CompositorError as error:
        yield Finding.at(error.path or issue.folder, error.line, 1, Level.ERROR, error.message)
        return
    for found in use.uncovered:
        path, line = found.source.path, found.source.line
        advice = (
            ""
            if found.emoji
            else _(
                ": it would print as a blank box; write it another way or add it to the "
                "publication's 补字 font (buzi_font in publication.toml)"
            )
        )
        yield Finding.at(
            path, line, column_of(path, line, found.char), Level.ERROR, found.describe() + advice
        )
    # Each rare character once per place: the editor checks it prints as meant (补字).
    for fallen in use.fallbacks:
        path, line = fallen.source.path, fallen.source.line
        yield Finding.at(
            path, line, column_of(path, line, fallen.char), Level.WARNING, fallen.describe()
        )


def _length_findings(issue: Issue) -> Iterator[Finding]:
    from compositor.layout.estimate import estimate_issue
    from compositor.text import typeset_issue

    issue_file = issue.folder / ISSUE_FILE
    try:
        layout = layout_for(issue)
        estimate = estimate_issue(typeset_issue(issue, layout.marks), layout)
    except CompositorError as error:
        yield Finding.at(error.path or issue.folder, error.line, 1, Level.ERROR, error.message)
        return
    if estimate.toc_overflows:
        where = TomlLines(issue_file, read_text(issue_file).split("\n")).table("sections")
        yield Finding.at(
            issue_file,
            where.line,
            where.column,
            Level.WARNING,
            _(
                "the table of contents needs about {lines} lines but page 1 has room for "
                "about {room}: it would run onto page 2 (shorten titles or move articles to "
                "the next issue)"
            ).format(lines=estimate.toc_lines, room=estimate.toc_room_lines),
        )
    start = Position(1, 1)
    yield Finding.at(
        issue_file,
        start.line,
        start.column,
        Level.INFO,
        ngettext(
            "about {count} page (an estimate from line counts)",
            "about {count} pages (an estimate from line counts)",
            estimate.pages,
        ).format(count=estimate.pages),
    )


def _table_findings(issue: Issue) -> Iterator[Finding]:
    """Issue 23: a table whose numbers, dates and words do not fit the measure even a
    size smaller (typeset/tables.py); the build breaks its cells anywhere."""
    from compositor.fonts.fontset import load_fontset
    from compositor.paths import FONTS_DIR
    from compositor.text import typeset_issue
    from compositor.typeset.continued import has_tables
    from compositor.typeset.tables import OVERFULL, size_tables, table_metrics

    try:
        layout = layout_for(issue)
    except CompositorError:
        return  # _font_findings reports it
    typeset = typeset_issue(issue, layout.marks)
    if not has_tables(typeset):
        return
    try:
        fontset = load_fontset(FONTS_DIR)
        fonts = {role: fontset.path_of(family) for role, family in layout.fonts.items()}
        sized = size_tables(typeset, table_metrics(layout, fonts))
    except CompositorError:
        return  # a broken layout or font set is reported by the checks that read them
    for article in sized.articles:
        for table in article.blocks:
            if isinstance(table, Table) and table.size == OVERFULL:
                path, line = table.source.path, table.source.line
                name = (
                    _('table "{caption}"').format(caption=table.caption)
                    if table.caption
                    else _("a table")
                )
                yield Finding.at(
                    path,
                    line,
                    column_of(path, line, "|"),
                    Level.WARNING,
                    _(
                        "{table} is too wide for the page even at its smaller size: numbers, "
                        "dates or words in its cells will be broken (drop or merge columns, "
                        "shorten long words, or split it into two tables)"
                    ).format(table=name),
                )


def format_report(report: Report) -> Iterator[str]:
    """The lines ``compositor check`` prints: one per finding, then a summary."""
    for finding in report.findings:
        yield str(finding)
    yield report.summary()


__all__ = ["Finding", "Level", "Report", "check_issue", "format_report"]
