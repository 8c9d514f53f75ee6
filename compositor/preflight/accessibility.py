"""``compositor preflight --accessible``: a tagged PDF's structure, in an editor's terms.

The validators (outloud, pdfua, veraPDF) speak of ISO clauses and structure types; an
editor acts on "the picture on page 3 has no caption". This reads any PDF's structure
tree and names what a screen reader would stumble on, with what to change in the
content. It checks what the content decides; the rest (artifacts, link annotations,
metadata) is the typesetter's and is checked by tests/test_accessible.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compositor.i18n import _
from compositor.preflight.findings import Level

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    page: int | None  # as printed (from 1); None: the document as a whole
    what: str
    fix: str
    severity: str = ERROR
    example: str = ""


@dataclass(frozen=True)
class Element:
    kind: str
    page: int | None
    alt: str
    children: tuple[Element, ...]

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def inspect_accessibility(path: Path) -> list[Problem]:
    """What keeps the PDF at ``path`` from reading well aloud."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return [
                Problem(
                    None,
                    _(
                        "the PDF is not tagged: a screen reader cannot tell headings, "
                        "paragraphs, pictures and tables apart"
                    ),
                    _(
                        "build the screen edition with the default --pdf-standard (ua1-a2a); "
                        "press (PDF/X-1a) files and booklet sheets are untagged by nature"
                    ),
                )
            ]
        problems = _document_problems(pdf)
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        root = _element(pdf.Root.StructTreeRoot, None, pages)
    return problems + _figure_problems(root) + _table_problems(root) + _heading_problems(root)


def _document_problems(pdf) -> list[Problem]:
    problems = []
    if not str(pdf.Root.get("/Lang", "")):
        problems.append(
            Problem(None, _("the PDF does not say its language"), _("the layout's <html lang>"))
        )
    if not str(pdf.docinfo.get("/Title", "")):
        problems.append(Problem(None, _("the PDF has no title"), _("the layout's <title>")))
    return problems


def _element(node, page, pages) -> Element:
    import pikepdf

    if "/Pg" in node:
        page = pages.get(node.Pg.objgen, page)
    kids = node.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    children = tuple(
        _element(kid, page, pages)
        for kid in kids
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid
    )
    return Element(str(node.get("/S", "/Root"))[1:], page, str(node.get("/Alt", "")), children)


def _figure_problems(root: Element) -> list[Problem]:
    problems = []
    for parent in root.walk():
        captioned = any(child.kind == "Caption" for child in parent.children)
        for figure in (child for child in parent.children if child.kind == "Figure"):
            if not figure.alt.strip():
                problems.append(
                    Problem(
                        figure.page,
                        _("a picture has no text for a screen reader"),
                        # {{ }}: a literal brace, as the editor types it
                        _('write its caption in ![图1　…](file), or {{alt="…"}} after it').format(),
                    )
                )
            if not captioned:
                problems.append(
                    Problem(
                        figure.page,
                        _("a picture without a caption (图注)"),
                        _("write the caption between the brackets: ![图1　…](file)"),
                        WARNING,
                        figure.alt,
                    )
                )
    return problems


def _table_problems(root: Element) -> list[Problem]:
    return [
        Problem(
            table.page,
            _(
                "a table without a header row (表头): a screen reader cannot say which column "
                "a number belongs to"
            ),
            _("put the column names in the row above the |---| line"),
        )
        for table in root.walk()
        if table.kind == "Table" and not any(cell.kind == "TH" for cell in table.walk())
    ]


def _heading_problems(root: Element) -> list[Problem]:
    problems, level = [], 0
    for node in root.walk():
        if len(node.kind) == 2 and node.kind[0] == "H" and node.kind[1].isdigit():
            found = int(node.kind[1])
            if found > level + 1:
                problems.append(
                    Problem(
                        node.page,
                        _(
                            "a heading skips a level (H{level} to H{found}): the list of "
                            "headings no longer reads like the contents"
                        ).format(level=level, found=found),
                        _("a ## subhead belongs inside an article, under its title"),
                    )
                )
            level = found
    return problems


def format_accessibility(path: Path, problems: list[Problem]) -> list[str]:
    """The report as ``compositor preflight --accessible`` prints it."""
    lines = [_("Accessibility preflight: {path}").format(path=path)]
    for problem in problems:
        where = _("page {page}").format(page=problem.page) if problem.page else _("document")
        example = _(": «{example}»").format(example=problem.example)
        example = example if problem.example else ""
        note = _(" ({level})").format(level=Level(problem.severity).label)
        note = note if problem.severity != ERROR else ""
        lines += [
            _("  {where}: {problem}").format(where=where, problem=f"{problem.what}{example}{note}"),
            _("    what to do: {advice}").format(advice=problem.fix),
        ]
    errors = sum(problem.severity == ERROR for problem in problems)
    warnings = len(problems) - errors
    said = _("{count} warning(s)").format(count=warnings)
    if errors:
        lines.append(
            _("{errors} accessibility problem(s) to fix, {warnings}").format(
                errors=errors, warnings=said
            )
        )
    else:
        lines.append(_("accessible structure: clean ({warnings})").format(warnings=said))
    return lines
