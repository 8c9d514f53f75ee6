"""``compositor import``: a legacy plain-text issue → a buildable issue folder.

One entry point, ``import_legacy``. It reads the legacy text (compositor.importer.parse),
writes the issue folder and, if the publication has none yet, publication.toml
(compositor.importer.write), then proves the result:

* the written files read back (compositor.content) to exactly the text intended;
* nothing was lost: the body of the legacy file and the body rebuilt from the
  written files hold the same characters in the same order, compared after
  normalisation with whitespace removed. Masthead, table of contents and
  colophon lines are each consumed whole by the reader, or it fails.

Files are written to a staging folder next to the target and moved into place
only once both checks pass, so a failed import leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path

from compositor.content import PUBLICATION_FILE, read_issue, read_publication
from compositor.errors import ContentError
from compositor.i18n import N_, _
from compositor.importer.parse import (
    ImportWarning,
    LegacyIssue,
    Line,
    parse_legacy,
    read_legacy_text,
)
from compositor.importer.write import (
    COLOPHON_FIELDS,
    issue_files,
    publication_toml,
    write_files,
)
from compositor.model import Issue, Publication, Section
from compositor.text.normalize import fold_for_comparison

# Legacy text comes from 火炬动态, whose layout folder is layouts/torch.
DEFAULT_LAYOUT = "torch"

__all__ = ["ImportResult", "ImportWarning", "import_legacy"]


@dataclass(frozen=True)
class ImportResult:
    issue: Issue  # as read back from the written folder
    written: tuple[Path, ...]
    warnings: tuple[ImportWarning, ...]


def import_legacy(path: Path, out_dir: Path, *, strict: bool = False) -> ImportResult:
    """Import the legacy issue at ``path`` into the new issue folder ``out_dir``.

    ``out_dir.parent`` is the publication folder: its publication.toml is written
    from the colophon if missing, else compared with it (differences are warnings;
    differing 责任编辑 become this issue's ``editors``). With ``strict``, any
    ambiguity the importer had to guess at is an error instead of a warning.
    """
    path, out_dir = Path(path), Path(out_dir)
    legacy = parse_legacy(read_legacy_text(path), path)
    _refuse_to_overwrite(out_dir)
    root = out_dir.parent
    publication, editors, differences = _publication(legacy, root, path)
    warnings = (*legacy.warnings, *differences)
    if strict:
        _fail_on_ambiguity(warnings, path)
    issue = Issue(
        publication=publication,
        year=legacy.masthead.year,
        number=legacy.masthead.number,
        cumulative=legacy.masthead.cumulative,
        date=legacy.masthead.date,
        sections=legacy.sections,
        folder=out_dir,
        editors=editors,
    )
    files = issue_files(issue, note=f"Imported from {path.name} by `compositor import`.")
    pub_text = None if (root / PUBLICATION_FILE).exists() else publication_toml(publication)
    written = _write_checked(legacy, issue, files, pub_text, out_dir, path)
    return ImportResult(read_issue(out_dir), tuple(written), warnings)


# The colophon's fields by the labels an editor knows them by (地址, 邮编, …).
COLOPHON_LABELS = dict(COLOPHON_FIELDS)


def _refuse_to_overwrite(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ContentError(
            _(
                "the output folder already exists and is not empty: import into a new folder "
                "(or remove this one first)"
            ),
            out_dir,
        )


def _publication(
    legacy: LegacyIssue, root: Path, path: Path
) -> tuple[Publication, tuple[str, ...], list[ImportWarning]]:
    """The publication facts to use, this issue's 责任编辑 override, and the differences."""
    masthead, colophon = legacy.masthead, legacy.colophon
    imported = Publication(
        title=masthead.title,
        publisher=masthead.publisher,
        layout=DEFAULT_LAYOUT,
        colophon=colophon.colophon,
        root=root,
    )
    if not (root / PUBLICATION_FILE).exists():
        return imported, (), []
    existing = read_publication(root)
    differences = []

    def differ(name: str, theirs, ours, line: int) -> None:
        differences.append(
            ImportWarning(
                path,
                line,
                _("{name} is {ours!r} here but {theirs!r} in {file}; kept {kept}").format(
                    name=name,
                    ours=ours,
                    theirs=theirs,
                    file=root / PUBLICATION_FILE,
                    kept=PUBLICATION_FILE,
                ),
                ambiguous=False,
            )
        )

    if existing.title != imported.title:
        differ(_("the masthead title"), existing.title, imported.title, masthead.title_line)
    if existing.publisher != imported.publisher:
        differ(_("the publisher"), existing.publisher, imported.publisher, masthead.publisher_line)
    for field in fields(existing.colophon):
        theirs = getattr(existing.colophon, field.name)
        ours = getattr(imported.colophon, field.name)
        if field.name != "editors" and theirs != ours:
            label = _("the colophon's {label}").format(label=COLOPHON_LABELS[field.name])
            differ(label, theirs, ours, colophon.lines[field.name])
    editors: tuple[str, ...] = ()
    if existing.colophon.editors != imported.colophon.editors:
        editors = imported.colophon.editors
        differences.append(
            ImportWarning(
                path,
                colophon.lines["editors"],
                _(
                    "责任编辑 {ours} differ from {file}'s {theirs}; written as this issue's editors"
                ).format(
                    ours=" ".join(editors),
                    file=PUBLICATION_FILE,
                    theirs=" ".join(existing.colophon.editors),
                ),
                ambiguous=False,
            )
        )
    return existing, editors, differences


def _fail_on_ambiguity(warnings: tuple[ImportWarning, ...], path: Path) -> None:
    ambiguous = [warning for warning in warnings if warning.ambiguous]
    if ambiguous:
        first, rest = ambiguous[0], ambiguous[1:]
        also = "".join(
            _("\n  also {path}:{line}: {message}").format(
                path=warning.path, line=warning.line, message=warning.message
            )
            for warning in rest
        )
        message = _("{message}; --strict makes this an error{also}").format(
            message=first.message, also=also
        )
        raise ContentError(message, path, first.line)


def _write_checked(
    legacy: LegacyIssue,
    issue: Issue,
    files: dict[str, str],
    publication_text: str | None,
    out_dir: Path,
    path: Path,
) -> list[Path]:
    """Write into a staging folder, check it reads back faithfully, then move it into place."""
    root = out_dir.parent
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.import-", dir=root))
    try:
        staged_pub = staging / PUBLICATION_FILE
        if publication_text is None:
            shutil.copyfile(root / PUBLICATION_FILE, staged_pub)
        else:
            staged_pub.write_text(publication_text, encoding="utf-8")
        staged_issue = staging / out_dir.name
        write_files(staged_issue, files)
        read_back = _read_staged(staged_issue, legacy, issue, path)
        _check_read_back(issue, read_back, path)
        _check_nothing_lost(legacy.body, read_back.sections, path)
        if out_dir.exists():
            out_dir.rmdir()  # empty, see _refuse_to_overwrite
        os.replace(staged_issue, out_dir)
        written = [out_dir / name for name in files]
        if publication_text is not None:
            os.replace(staged_pub, root / PUBLICATION_FILE)
            written.insert(0, root / PUBLICATION_FILE)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _read_staged(staged: Path, legacy: LegacyIssue, issue: Issue, path: Path) -> Issue:
    """Read the written folder with the one validator the build uses; what it refuses
    (e.g. 总第5期 behind 第12期) is reported at the legacy line it came from."""
    try:
        return read_issue(staged)
    except ContentError as error:
        names = [name for name in issue_files(issue) if name.endswith(".md")]
        lines = {PUBLICATION_FILE: legacy.colophon.lines.get("address", 0)}
        lines |= {"issue.toml": legacy.masthead.line}
        lines |= {n: a.source.line for n, a in zip(names, issue.articles, strict=True)}
        line = lines.get(error.path.name, 0) if error.path else 0
        raise ContentError(
            _("the imported issue would not build: {error}").format(error=error.message),
            path,
            line,
        ) from None


def _check_read_back(intended: Issue, read_back: Issue, path: Path) -> None:
    """The written files must say exactly what the importer meant them to say."""
    # (what, as meant, as read back, line): values of many kinds, compared with ``!=``.
    pairs: list[tuple[str, object, object, int]] = [
        (N_("publication"), intended.publication.colophon, read_back.publication.colophon, 0),
        (N_("editors"), intended.editors, read_back.editors, 0),
    ]
    for ours, theirs in zip(intended.sections, read_back.sections, strict=True):
        line = ours.source.line
        pairs.append(
            (N_("section"), (ours.title, ours.subtitle), (theirs.title, theirs.subtitle), line)
        )
        for a, b in zip(ours.articles, theirs.articles, strict=True):
            line = a.source.line
            pairs.append(
                (N_("article"), (a.title, a.lead, a.credit), (b.title, b.lead, b.credit), line)
            )
            pairs.append((N_("blocks"), len(a.blocks), len(b.blocks), line))
            for x, y in zip(a.blocks, b.blocks, strict=False):
                pairs.append((N_("block"), (x.kind, x.text), (y.kind, y.text), x.source.line))
    for what, meant, read, line in pairs:
        if meant != read:
            raise ContentError(
                _(
                    "cannot write this {what} faithfully: meant {ours!r}, the written file reads "
                    "back as {theirs!r}"
                ).format(what=_(what), ours=meant, theirs=read),
                path,
                line,
            )


def _check_nothing_lost(body: tuple[Line, ...], sections: tuple[Section, ...], path: Path) -> None:
    """Every character of the legacy body is in the written issue, in order, and nothing more."""
    expected, owners = _folded_with_lines(body)
    produced = fold_for_comparison("".join(_body_text(sections)))
    if expected == produced:
        return
    at = next(
        (i for i, (a, b) in enumerate(zip(expected, produced, strict=False)) if a != b),
        min(len(expected), len(produced)),
    )
    line = owners[min(at, len(owners) - 1)] if owners else 0
    got = produced[at : at + 20] or _("(nothing)")
    raise ContentError(
        _("text could not be placed: from {expected!r} on, the output reads {got!r}").format(
            expected=expected[at : at + 20], got=got
        ),
        path,
        line,
    )


def _folded_with_lines(lines: tuple[Line, ...]) -> tuple[str, list[int]]:
    """The folded text of ``lines`` and, per folded character, the line it came from."""
    text: list[str] = []
    owners: list[int] = []
    for line in lines:
        folded = fold_for_comparison(line.text)
        text.append(folded)
        owners.extend([line.number] * len(folded))
    return "".join(text), owners


def _body_text(sections: tuple[Section, ...]):
    """The body as the legacy file prints it: banners, titles, leads, blocks, credits.

    Section subtitles are left out on both sides: the reader matched them against
    the table of contents, and a section may print one in the body or not.
    """
    for section in sections:
        yield section.title
        for article in section.articles:
            yield article.title
            yield article.lead
            for block in article.blocks:
                yield block.text
            if article.credit:
                yield f"(供稿:{article.credit})"
