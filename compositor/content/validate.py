"""The one validator: reading an issue folder yields findings, and the model if none is an error.

Every rule about what an issue may contain is written here once. ``read_issue``
(content/__init__.py) raises the first error, so ``build``, ``watch``, ``batch``,
``new`` and ``fonts check`` stop on it; ``compositor check`` (check/report.py) prints
them all, with what only a person preparing the issue needs (placeholders left by
``compositor new``, what the build will normalise, characters the fonts lack, the
length). Anything ``check`` calls an error, ``build`` refuses, and vice versa.

Each finding is printed as ``file:line:column: level: message``.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from compositor import content
from compositor.content.locate import Position, Span, TomlLines, markdown_spans
from compositor.errors import CompositorError
from compositor.i18n import N_, _, ngettext
from compositor.layout_marks import layout_marks
from compositor.model import (
    Article,
    Colophon,
    Distribution,
    Issue,
    ItemList,
    Paragraph,
    Publication,
    Section,
    Source,
)
from compositor.text.normalize import (
    changes,
    describe_mark,
    doubts,
    normalize_field,
    strip_layout_marks,
)

# The content schemas (content/__init__.py), with the name each table has in messages.
Schema = tuple[Mapping[str, type | tuple[type, ...]], set[str], str]
PUBLICATION_SCHEMA: Schema = (
    content.PUBLICATION_KEYS,
    content.PUBLICATION_OPTIONAL,
    N_("publication"),
)
COLOPHON_SCHEMA: Schema = (content.COLOPHON_KEYS, set(), N_("[colophon]"))
DISTRIBUTION_SCHEMA: Schema = (
    content.DISTRIBUTION_KEYS,
    content.DISTRIBUTION_OPTIONAL,
    N_("[distribution]"),
)
ISSUE_SCHEMA: Schema = (content.ISSUE_KEYS, content.ISSUE_OPTIONAL, N_("issue"))
SECTION_SCHEMA: Schema = (content.SECTION_KEYS, content.SECTION_OPTIONAL, N_("[[sections]]"))
ARTICLE_SCHEMA: Schema = (
    content.ARTICLE_KEYS,
    content.ARTICLE_OPTIONAL,
    N_("article front matter"),
)
PLACEHOLDER_RULE = "placeholder"
# An article file named by a number alone: 1.md, 2.md, 10.md.
NUMBERED = re.compile(r"\d+")


class Level(enum.StrEnum):
    ERROR = "error"  # the issue cannot be built, or would print wrong
    WARNING = "warning"  # worth a look before printing; fails only with --strict
    INFO = "info"  # facts, such as the page-count estimate
    # preflight: a check that could not be made (an engine not installed): neither passed
    # nor failed; the verdict is then INCOMPLETE, never PASS, and preflight exits 2
    UNCHECKED = "unchecked"

    @property
    def label(self) -> str:
        """The level as printed, in the editor's language."""
        return _(LEVEL_LABELS[self.value])


LEVEL_LABELS = {
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("info"),
    "unchecked": N_("not checked"),
}


@dataclass(frozen=True)
class SourcePosition:
    """Where in the source a finding is: a file, its line and column (1-based)."""

    path: Path
    line: int
    column: int
    # the column a reading error named itself (a merged cell's marker): build prints it
    # too; other findings' columns are for check, build names their line only
    exact_column: int = 0


@dataclass(frozen=True)
class Finding:
    """What a check found, the one type for every check: in the source (this validator,
    ``compositor check``, the build; made with ``Finding.at``) or in a PDF (preflight).

    ``where`` is a ``SourcePosition``, or a page of the PDF (1-based), or None for the PDF
    as a whole. ``rule`` names the check that found it, for findings a command acts on
    (PLACEHOLDER_RULE) and for preflight's reports; ``example`` the text it was found in."""

    where: SourcePosition | int | None
    rule: str
    message: str
    example: str = ""
    level: Level = Level.ERROR

    @classmethod
    def at(
        cls,
        path: Path,
        line: int,
        column: int,
        level: Level,
        message: str,
        *,
        exact_column: int = 0,
        rule: str = "",
    ) -> Finding:
        """A finding in the source: ``path``, ``line``, ``column``."""
        return cls(SourcePosition(path, line, column, exact_column), rule, message, level=level)

    @property
    def source(self) -> SourcePosition:
        assert isinstance(self.where, SourcePosition), "a finding in a PDF has no source position"
        return self.where

    @property
    def path(self) -> Path:
        return self.source.path

    @property
    def line(self) -> int:
        return self.source.line

    @property
    def column(self) -> int:
        return self.source.column

    @property
    def page(self) -> int | None:
        """The page of a finding in a PDF (None: the document, or a source finding)."""
        return None if isinstance(self.where, SourcePosition) else self.where

    @property
    def severity(self) -> Level:
        """Preflight's word for ``level``."""
        return self.level

    def __str__(self) -> str:
        if not isinstance(self.where, SourcePosition):
            return repr(self)  # preflight prints its findings in its own reports
        return _("{path}:{line}:{column}: {level}: {message}").format(
            path=self.path,
            line=max(self.line, 1),
            column=max(self.column, 1),
            level=self.level.label,
            message=self.message,
        )

    def error(self) -> content.ContentError:
        where = self.source
        return content.ContentError(self.message, where.path, where.line, column=where.exact_column)


@dataclass(frozen=True)
class SourceEdit:
    """A change the normaliser makes to typed text, as an edit of the file: on ``line``,
    the characters from ``column`` up to ``end_column`` (1-based, excluded) become ``new``.
    Columns count characters of the line as ``content.read_text`` gives it."""

    path: Path
    line: int
    column: int
    end_column: int
    old: str  # the printed text it replaces (a TOML escape such as \" is one character)
    new: str
    message: str


@dataclass(frozen=True)
class Reading:
    """What reading an issue folder found, and the issue itself unless there was an error."""

    folder: Path
    findings: tuple[Finding, ...]
    issue: Issue | None = None
    # What the normaliser changes in the typed text, as edits of the files (check --fix).
    edits: tuple[SourceEdit, ...] = ()
    # The issue as far as it could be read even with errors (blocks that could not be
    # read left out), so that check can still look at the rest; None if not even that.
    draft: Issue | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.level is Level.ERROR)


def read_findings(folder: Path | str, layout: str | None = None) -> Reading:
    """Every finding of an issue folder, in reading order, and its model if it has no error.

    The issue is read for the layout its publication names, or for ``layout`` (build
    --layout): what an editor typed of that layout's marks is reported and left out."""
    folder = Path(folder)
    reader = _IssueReader(folder, layout)
    issue = reader.run()
    findings = tuple(sorted(reader.findings, key=reading_order))
    has_error = any(f.level is Level.ERROR for f in findings)
    edits = tuple(sorted(reader.edits, key=lambda e: (str(e.path), e.line, e.column)))
    return Reading(folder, findings, None if has_error else issue, edits, issue)


def publication_findings(root: Path) -> tuple[Publication | None, list[Finding]]:
    """publication.toml alone (for the importer and ``compositor new``)."""
    reader = _IssueReader(root)  # only its publication rules are used
    publication = reader.read_publication(root / content.PUBLICATION_FILE)
    return publication, sorted(reader.findings, key=reading_order)


def reading_order(finding: Finding) -> tuple:
    """publication.toml, issue.toml, then the articles by name; facts (info) last."""
    name = finding.path.name
    rank = {content.PUBLICATION_FILE: 0, content.ISSUE_FILE: 1}.get(name, 2)
    return (finding.level is Level.INFO, rank, name, finding.line, finding.column)


# --- the reader ------------------------------------------------------------------


@dataclass
class _Section:
    title: str  # as printed (normalised), which is how articles name it
    subtitle: str
    where: Position  # of the title's value in issue.toml
    articles: list[Article] = field(default_factory=list)


class _IssueReader:
    """Reads one issue, collecting findings; each ``read_*``/``check_*`` looks at one thing."""

    def __init__(self, folder: Path, layout: str | None = None) -> None:
        self.folder = folder
        self.layout = layout  # the layout to read for, instead of the publication's
        self.marks: dict[str, str] = {}  # that layout's [marks], once the publication is read
        self.issue_file = folder / content.ISSUE_FILE
        self.findings: list[Finding] = []
        self.edits: list[SourceEdit] = []
        self.spans: list[Span] = []  # printed text, for the character-level checks
        self.article_lines: dict[Path, TomlLines] = {}  # front matter positions, by file
        self.sections: list[_Section] | None = None  # as declared in issue.toml

    def run(self) -> Issue | None:
        if not self.folder.is_dir():
            message = (
                _("is a file, not an issue folder: give the folder that holds it")
                if self.folder.exists()
                else _("is not an issue folder (no such directory)")
            )
            self.error(self.folder, Position(0, 1), message)
            return None
        if not self.issue_file.exists():  # a folder or pipe of that name: see read_text
            self.error(
                self.folder,
                Position(0, 1),
                _(
                    "not an issue folder: it has no {file}, and an issue folder needs one "
                    "(see docs/content-format.md)"
                ).format(file=content.ISSUE_FILE),
            )
            return None
        publication = self.read_publication(
            content.publication_folder(self.folder) / content.PUBLICATION_FILE
        )
        layout = self.layout or (publication.layout if publication else None)
        self.marks = layout_marks(layout) if layout else {}
        facts = self.read_issue_file()
        read = [self.read_article(path) for path in self.article_files()]
        articles = [article for article in read if article is not None]
        declared = self.sections
        sections = self.group(declared, articles) if declared is not None else None
        self.check_titles(articles)
        self.check_text()
        if publication is None or facts is None or sections is None:
            return None
        return Issue(
            publication=publication,
            year=facts["year"],
            number=facts["number"],
            cumulative=facts["cumulative"],
            date=facts["date"],
            sections=tuple(
                Section(
                    s.title, tuple(s.articles), Source(self.issue_file, s.where.line), s.subtitle
                )
                for s in sections
            ),
            folder=self.folder,
            editors=facts["editors"],
        )

    # -- recording

    def add(self, level: Level, path: Path, where: Position, message: str) -> None:
        self.findings.append(Finding.at(path, where.line, where.column, level, message))

    def error(self, path: Path, where: Position, message: str) -> None:
        self.add(Level.ERROR, path, where, message)

    def warning(self, path: Path, where: Position, message: str) -> None:
        self.add(Level.WARNING, path, where, message)

    def content_error(self, error: CompositorError, default: Path) -> None:
        where = Position(error.line, error.column or 1)
        path = error.path or default
        self.findings.append(
            Finding.at(
                path,
                where.line,
                where.column,
                Level.ERROR,
                error.message,
                exact_column=error.column,
            )
        )

    def check_keys(self, data: dict, schema: Schema, lines: TomlLines, table="", index=0) -> bool:
        """Every key problem of one table, each pointed at the key, its value or the table."""
        keys, optional, what = schema
        problems = content.key_problems(data, keys, optional, what)
        for problem in problems:
            if problem.missing:
                where = lines.table(table, index)
            elif problem.key in keys:  # there, but of the wrong type: point at the value
                where = lines.value(problem.key, table, index)
            else:
                where = lines.key(problem.key, table, index)
            self.error(lines.path, where, problem.message)
        return not problems

    def distribution(self, data, lines: TomlLines) -> Distribution | None | bool:
        """The publication's [distribution] (a brief's 版记); None without one, False when
        it has a problem (reported)."""
        if data is None:
            return None
        if not self.check_keys(data, DISTRIBUTION_SCHEMA, lines, "distribution"):
            return False
        offices: dict[str, tuple[str, ...] | None] = {}
        for key in ("report_to", "send_to", "issue_to"):
            if key in data:
                offices[key] = self.names(data[key], lines, key, "distribution")
        copies = data.get("copies")
        if copies is not None and copies < 1:
            where = lines.value("copies", "distribution")
            message = _("copies must be 1 or more, not {copies}").format(copies=copies)
            self.error(lines.path, where, message)
            return False
        named = {key: names for key, names in offices.items() if names is not None}
        if len(named) < len(offices):
            return False
        return Distribution(**named, copies=copies)

    def names(self, value, lines: TomlLines, key: str, table: str = "") -> tuple[str, ...] | None:
        if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
            return tuple(v.strip() for v in value)
        message = _("{key!r} must be a list of names in quotes").format(key=key)
        self.error(lines.path, lines.key(key, table), message)
        return None

    # -- files

    def load(self, path: Path) -> tuple[dict, TomlLines] | None:
        try:
            text = content.read_text(path)  # once: for the data and for the positions
            data = content.parse_toml(text, path)
        except CompositorError as error:
            self.content_error(error, path)
            return None
        lines = TomlLines(path, text.split("\n"))
        self.spans.extend(lines.strings())
        return data, lines

    def read_publication(self, path: Path) -> Publication | None:
        if not path.exists():
            self.error(
                path.parent,
                Position(0, 1),
                _("no {file} in the publication folder: it holds the masthead and colophon").format(
                    file=content.PUBLICATION_FILE
                ),
            )
            return None
        loaded = self.load(path)
        if loaded is None:
            return None
        data, lines = loaded
        valid = self.check_keys(data, PUBLICATION_SCHEMA, lines)
        layout = data.get("layout")
        if isinstance(layout, str) and not content.LAYOUT_NAME.fullmatch(layout):
            valid = False
            self.error(
                path,
                lines.key("layout"),
                _(
                    "layout {layout!r} must be the name of a folder under layouts/, not a path"
                ).format(layout=layout),
            )
        buzi_font = data.get("buzi_font")
        if isinstance(buzi_font, str):
            buzi_font = self.buzi_font(path.parent, buzi_font, lines)
            valid = valid and buzi_font is not None
        colophon = data.get("colophon")
        if not isinstance(colophon, dict):
            return None
        valid = self.check_keys(colophon, COLOPHON_SCHEMA, lines, "colophon") and valid
        editors = None
        if isinstance(colophon.get("editors"), list):  # else reported as a key problem
            editors = self.names(colophon["editors"], lines, "editors", "colophon")
        distribution = self.distribution(data.get("distribution"), lines)
        if not valid or editors is None or distribution is False:
            return None
        fields = {k: v for k, v in colophon.items() if k != "editors"}
        return Publication(
            title=data["title"],
            publisher=data["publisher"],
            layout=data["layout"],
            colophon=Colophon(**fields, editors=editors),
            root=path.parent,
            buzi_font=buzi_font,
            distribution=distribution if isinstance(distribution, Distribution) else None,
        )

    def buzi_font(self, root: Path, value: str, lines: TomlLines) -> Path | None:
        """The publication's 补字 font: a .ttf or .otf file inside its folder."""
        where = lines.value("buzi_font")
        path = (root / value).resolve()
        if not path.is_relative_to(root.resolve()) or path.suffix.lower() not in (
            content.BUZI_FONT_SUFFIXES
        ):
            self.error(
                lines.path,
                where,
                _(
                    "buzi_font {value!r} must name a .ttf or .otf file inside the publication "
                    'folder, e.g. buzi_font = "补字.ttf"'
                ).format(value=value),
            )
            return None
        if not path.is_file():
            self.error(
                lines.path,
                where,
                _("buzi_font {value!r}: no such file in the publication folder {root}").format(
                    value=value, root=root
                ),
            )
            return None
        return path

    def read_issue_file(self) -> dict | None:
        """The issue's facts, with its sections as ``_Section``s (None if any is wrong)."""
        loaded = self.load(self.issue_file)
        if loaded is None:
            return None
        data, lines = loaded
        valid = self.check_keys(data, ISSUE_SCHEMA, lines)
        valid = self.check_numbers(data, lines) and valid
        editors: tuple[str, ...] | None = ()
        if isinstance(data.get("editors"), list):  # else reported as a key problem
            editors = self.names(data["editors"], lines, "editors")
        sections = self.sections = self.read_sections(data.get("sections"), lines)
        if not valid or editors is None or sections is None:
            return None
        return {**data, "editors": editors, "sections": sections}

    def read_sections(self, raw, lines: TomlLines) -> list[_Section] | None:
        if not isinstance(raw, list):
            return None  # reported as a key problem
        if not raw:
            self.error(self.issue_file, Position(1, 1), _("the issue declares no [[sections]]"))
            return None
        sections: list[_Section] = []
        valid = True
        for index, entry in enumerate(raw):
            if not isinstance(entry, dict):
                where = lines.key("sections")
                self.error(self.issue_file, where, _("each [[sections]] entry must be a table"))
                valid = False
                continue
            if not self.check_keys(entry, SECTION_SCHEMA, lines, "sections", index):
                valid = False
                continue
            where = lines.value("title", "sections", index)
            title = normalize_field("section", entry["title"], self.marks)
            self.check_layout_marks("section", entry["title"], where)
            subtitle = entry.get("subtitle", "")
            self.check_layout_marks(
                "subtitle", subtitle, lines.value("subtitle", "sections", index)
            )
            if any(section.title == title for section in sections):
                # Its articles would be printed twice.
                self.error(
                    self.issue_file,
                    where,
                    _("section {title!r} is declared twice; declare each section once").format(
                        title=title
                    ),
                )
                valid = False
                continue
            sections.append(_Section(title, subtitle.strip(), where))
        return sections if valid else None

    def check_numbers(self, data: dict, lines: TomlLines) -> bool:
        """Values that have the right type but cannot be right."""
        valid = True
        numbers = {key: data.get(key) for key in ("year", "number", "cumulative")}
        for key, value in numbers.items():
            if type(value) is int and value < 1:
                message = _("{key!r} must be 1 or more").format(key=key)
                self.error(self.issue_file, lines.value(key), message)
                valid = False
        number, cumulative = numbers["number"], numbers["cumulative"]
        if type(number) is int and type(cumulative) is int and cumulative < number:
            self.error(
                self.issue_file,
                lines.value("cumulative"),
                _(
                    "'cumulative' (总第{cumulative}期) is smaller than 'number' (第{number}期): "
                    "the running count of all issues cannot be behind this year's number"
                ).format(cumulative=cumulative, number=number),
            )
            valid = False
        date, year = data.get("date"), numbers["year"]
        if isinstance(date, dt.date) and type(year) is int and date.year != year:
            self.warning(
                self.issue_file,
                lines.value("date"),
                _("the date {date} is not in the issue's year {year}").format(
                    date=date.isoformat(), year=year
                ),
            )
        return valid

    def article_files(self) -> list[Path]:
        """The articles in reading (file-name) order; see ``content.article_files``."""
        paths = content.article_files(self.folder)
        numbered = [p for p in paths if NUMBERED.fullmatch(p.stem)]
        widths = {len(p.stem) for p in numbered}
        if len(widths) > 1:
            names = ", ".join(p.name for p in numbered)
            zeros = "0" * (max(widths) - 1)
            self.warning(
                numbered[0],
                Position(1, 1),
                _(
                    "articles are read in file-name order, which puts {names} in that order "
                    "(10.md before 2.md): give the numbers the same width ({zeros}1.md, "
                    "{zeros}2.md, …)"
                ).format(names=names, zeros=zeros),
            )
        return paths

    def read_article(self, path: Path) -> Article | None:
        try:
            text = content.read_text(path)  # once: for the model and for the positions
            parts = content.parse_article(path, text)
        except CompositorError as error:
            self.content_error(error, path)
            return None
        file_lines = text.split("\n")
        front = TomlLines(path, file_lines[1 : parts.body_line - 2], first_line=2)
        self.spans.extend(front.strings())
        self.spans.extend(markdown_spans(path, file_lines, parts.body_line))
        for problem in parts.problems:
            self.content_error(problem, path)
        valid = self.check_keys(parts.meta, ARTICLE_SCHEMA, front)
        if not any(isinstance(block, Paragraph | ItemList) for block in parts.blocks):
            self.error(
                path,
                Position(parts.body_line, 1),
                _("article has no paragraphs: write the text after the +++ block"),
            )
            valid = False
        if not valid:
            return None
        meta = parts.meta
        self.check_layout_marks("credit", meta.get("credit", ""), front.value("credit"), path)
        lines = self.title_lines(meta["title"], front, path)
        if lines is None:
            return None
        article = Article(
            title="".join(lines),
            title_lines=lines if len(lines) > 1 else (),
            section=normalize_field("section", meta["section"], self.marks),
            blocks=parts.blocks,
            source=Source(path, 1),
            lead=meta.get("lead", "").strip(),
            credit=meta.get("credit", "").strip(),
        )
        self.article_lines[path] = front
        return article

    def title_lines(self, title, front: TomlLines, path: Path) -> tuple[str, ...] | None:
        """A title's lines: one for a string, the author's for a list of strings."""
        lines = [title] if isinstance(title, str) else title
        if lines and all(isinstance(line, str) and line.strip() for line in lines):
            return tuple(line.strip() for line in lines)
        self.error(
            path,
            front.value("title"),
            _('a title broken into lines is a list of its lines in quotes: title = ["…", "…"]'),
        )
        return None

    def check_layout_marks(self, kind: str, text, where: Position, path: Path | None = None):
        if not isinstance(text, str) or not text.strip():
            return
        stripped = strip_layout_marks(kind, text.strip(), self.marks)
        if stripped != text.strip():
            self.warning(
                path or self.issue_file,
                where,
                _(
                    "the layout prints {marks} itself: write {stripped!r}, not {typed!r} "
                    "(the build leaves them out so they are not printed twice)"
                ).format(
                    marks=describe_mark(kind, self.marks[kind]),
                    stripped=stripped,
                    typed=text.strip(),
                ),
            )

    # -- the issue as a whole

    def group(self, sections: list[_Section], articles: list[Article]) -> list[_Section] | None:
        """Articles belong to declared sections, in section order; no section is empty."""
        order = {section.title: n for n, section in enumerate(sections)}
        furthest = -1
        valid = True
        for article in articles:
            title = article.section
            front = self.article_lines[article.source.path]
            if title not in order:
                hint = difflib.get_close_matches(title, list(order), n=1, cutoff=0.5)
                self.error(
                    article.source.path,
                    front.value("section"),
                    (
                        _(
                            "article is in section {title!r}, which {file} does not declare; "
                            "did you mean {hint!r}?"
                        )
                        if hint
                        else _(
                            "article is in section {title!r}, which {file} does not declare "
                            "(declared: {declared})"
                        )
                    ).format(
                        title=title,
                        file=content.ISSUE_FILE,
                        hint=hint[0] if hint else "",
                        declared=", ".join(order),
                    ),
                )
                valid = False
                continue
            if order[title] < furthest:
                self.error(
                    article.source.path,
                    Position(1, 1),
                    _(
                        "article is out of order: files are read by name, and its section "
                        "{title!r} comes before the previous file's in {file}; rename the file "
                        "so that articles of one section are together and in section order"
                    ).format(title=title, file=content.ISSUE_FILE),
                )
                valid = False
            furthest = max(furthest, order[title])
            sections[order[title]].articles.append(article)
        for section in sections:
            if valid and not section.articles:
                self.warning(
                    self.issue_file,
                    section.where,
                    _("section {title!r} has no articles: write one or remove the section").format(
                        title=section.title
                    ),
                )
        return sections if valid else None

    def check_titles(self, articles: list[Article]) -> None:
        first_with: dict[str, Path] = {}
        for article in articles:
            title = article.title
            if title in first_with and content.PLACEHOLDER not in title:
                self.warning(
                    article.source.path,
                    self.article_lines[article.source.path].value("title"),
                    _("the title {title!r} is also the title of {file}").format(
                        title=title, file=first_with[title].name
                    ),
                )
            first_with.setdefault(title, article.source.path)

    def check_text(self) -> None:
        """Placeholders, and what the normaliser will change, wherever printed text is typed."""
        for span in self.spans:
            index = span.text.find(content.PLACEHOLDER)
            if index >= 0:
                where = span.position_of(index)
                self.findings.append(
                    Finding.at(
                        span.path,
                        where.line,
                        where.column,
                        Level.WARNING,
                        _(
                            "placeholder {placeholder} left by `compositor new`: replace it "
                            "with the text"
                        ).format(placeholder=content.PLACEHOLDER),
                        rule=PLACEHOLDER_RULE,
                    )
                )
            for change in changes(span.text):
                where = span.position_of(change.start)
                self.warning(span.path, where, change.message)
                end = span.position_of(change.end).column
                self.edits.append(
                    SourceEdit(
                        span.path,
                        where.line,
                        where.column,
                        end,
                        change.old,
                        change.new,
                        change.message,
                    )
                )
            for doubt in doubts(span.text):
                self.warning(span.path, span.position_of(doubt.index), doubt.message)


def placeholders(findings: tuple[Finding, ...]) -> tuple[Finding, ...]:
    """The placeholders ``compositor new`` wrote that are still in the issue."""
    return tuple(finding for finding in findings if finding.rule == PLACEHOLDER_RULE)


def refuse_placeholders(found: tuple[Finding, ...]) -> None:
    """Stop a press build while any placeholder is left (issue 24): a screen build only
    warns, as a draft may be shown before every article is in."""
    if not found:
        return
    first = found[0]
    places = "".join(f"\n  {f.path}:{max(f.line, 1)}:{max(f.column, 1)}" for f in found)
    raise content.ContentError(
        ngettext(
            "{count} placeholder {placeholder} left by `compositor new`: a press PDF is made "
            "only when each is replaced with the text:{places}",
            "{count} placeholders {placeholder} left by `compositor new`: a press PDF is made "
            "only when each is replaced with the text:{places}",
            len(found),
        ).format(count=len(found), placeholder=content.PLACEHOLDER, places=places),
        first.path,
        first.line,
        column=first.column,
    )


__all__ = [
    "Finding",
    "Level",
    "Reading",
    "SourceEdit",
    "placeholders",
    "publication_findings",
    "read_findings",
    "reading_order",
    "refuse_placeholders",
]
