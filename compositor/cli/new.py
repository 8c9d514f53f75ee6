"""``compositor new``: start the next issue of a publication from its latest one.

The new folder carries over what rarely changes (sections, per-issue editors) and
numbers the issue: 第N期 +1 within a year, back to 第1期 in a new year, while 总第
always continues. Each section gets one placeholder article whose text is marked
待填写, which ``compositor check`` reports until the editor has replaced it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from compositor.content import (
    ISSUE_FILE,
    PLACEHOLDER,
    PUBLICATION_FILE,
    load_toml,
    read_issue,
)
from compositor.errors import CompositorError, ContentError
from compositor.i18n import _
from compositor.importer.write import issue_toml, toml_string
from compositor.model import Issue


class ScaffoldError(CompositorError):
    """The next issue cannot be created (no previous issue, a clash, a bad date)."""


@dataclass(frozen=True)
class NewIssue:
    """What ``new_issue`` created, for the message that tells the editor what to do next."""

    folder: Path
    previous: Path
    issue: Issue
    articles: tuple[Path, ...]


def new_issue(publication: Path, date: dt.date | None = None) -> NewIssue:
    """Create the folder of the issue after the latest one in ``publication``."""
    publication = Path(publication)
    if not (publication / PUBLICATION_FILE).is_file():
        raise ScaffoldError(
            _(
                "not a publication folder (no {file}); give the folder that holds the issues, "
                "e.g. content/torch"
            ).format(file=PUBLICATION_FILE),
            publication,
        )
    previous_folder = latest_issue_folder(publication)
    previous = read_issue(previous_folder)
    issue = next_issue(previous, date or dt.date.today())
    target = publication / folder_name(issue)
    if target.exists():
        raise ScaffoldError(
            _(
                "this issue already exists; new never overwrites an issue (pick another --date "
                "or remove the folder)"
            ),
            target,
        )
    issue = dataclasses.replace(issue, folder=target)
    files = issue_files(issue, previous_folder.name)
    write_folder(target, files)
    articles = tuple(target / name for name in files if name.endswith(".md"))
    return NewIssue(folder=target, previous=previous_folder, issue=issue, articles=articles)


def latest_issue_folder(publication: Path) -> Path:
    """The issue folder with the highest (year, number) according to its issue.toml."""
    folders = [
        child
        for child in publication.iterdir()
        if child.is_dir() and not child.name.startswith(".") and (child / ISSUE_FILE).is_file()
    ]
    if not folders:
        raise ScaffoldError(
            _(
                "no issue here to start from: create the first issue by hand or with "
                "`compositor import` (see docs/编辑指南.md)"
            ),
            publication,
        )
    return max(folders, key=issue_number)


def issue_number(folder: Path) -> tuple[int, int]:
    path = folder / ISSUE_FILE
    data = load_toml(path)
    year, number = data.get("year"), data.get("number")
    if not (type(year) is int and type(number) is int):  # bool is an int subclass
        raise ContentError(_("year and number must be whole numbers"), path)
    return year, number


def next_issue(previous: Issue, date: dt.date) -> Issue:
    """The numbers and date of the issue after ``previous``, with its sections and editors."""
    if date <= previous.date:
        raise ScaffoldError(
            _(
                "the date {date} is not after the latest issue's date {previous}; pass the new "
                "issue's date with --date"
            ).format(date=date.isoformat(), previous=previous.date.isoformat()),
            previous.folder / ISSUE_FILE,
        )
    new_year = date.year != previous.year
    sections = tuple(dataclasses.replace(section, articles=()) for section in previous.sections)
    return dataclasses.replace(
        previous,
        year=date.year,
        number=1 if new_year else previous.number + 1,
        cumulative=previous.cumulative + 1,
        date=date,
        sections=sections,
    )


def folder_name(issue: Issue) -> str:
    """``2022-18``: year and the number within the year, two digits so folders sort."""
    return f"{issue.year}-{issue.number:02d}"


def issue_files(issue: Issue, previous_name: str) -> dict[str, str]:
    """issue.toml and one placeholder article per section: {file name: text}."""
    note = f"由 compositor new 根据 {previous_name} 生成：请核对日期、栏目和责任编辑。"
    files = {ISSUE_FILE: issue_toml(issue, note=note)}
    for number, section in enumerate(issue.sections, start=1):
        files[f"{number:02d}.md"] = placeholder_article(section.title)
    return files


def placeholder_article(section: str) -> str:
    """An article that reads and builds, and that ``check`` flags until it is written."""
    return (
        "+++\n"
        f"section = {toml_string(section)}\n"
        f'title = "{PLACEHOLDER}：文章标题"\n'
        '# lead = "导语（可选）"\n'
        '# credit = "供稿单位（可选）"\n'
        "+++\n"
        "\n"
        f"{PLACEHOLDER}：正文。每段之间空一行；“## ”开头的一行是小标题。\n"
    )


def write_folder(target: Path, files: dict[str, str]) -> None:
    """Write the files into a hidden folder beside ``target``, then rename it into place,
    so an interrupted ``new`` never leaves a half-made issue behind."""
    staging = _staging_folder(target)
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _staging_folder(target: Path) -> Path:
    """A new, empty hidden folder beside ``target``, made with the user's umask (0755
    under the usual 022) like the files in it: ``tempfile.mkdtemp`` would make it 0700,
    and the issue folder it becomes would open to its owner alone."""
    for _attempt in range(100):
        staging = target.parent / f".new-{target.name}-{secrets.token_hex(4)}"
        try:
            staging.mkdir(mode=0o777)  # the umask takes its share off, as for any folder
        except FileExistsError:
            continue
        return staging
    raise FileExistsError(f"no free staging folder name beside {target}")


def next_steps(created: NewIssue) -> list[str]:
    """What the CLI prints after ``new``: where the issue is and what to edit, in order.
    The commands are quoted for the shell, so that they can be pasted as they are."""
    issue = created.issue
    folder = created.folder
    names = [path.name for path in created.articles]
    articles = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]}"
    quoted = shlex.quote(str(folder))
    return [
        _("created {folder} ({label}, {date}) from {previous}").format(
            folder=folder, label=issue.label, date=issue.date_label, previous=created.previous.name
        ),
        _("next:"),
        _("  1. check the date, sections and editors in {file}").format(file=folder / ISSUE_FILE),
        _(
            "  2. write the articles ({articles}), one file per article, and replace every "
            "{placeholder} (copy a file for more articles in a section)"
        ).format(articles=articles, placeholder=PLACEHOLDER),
        f"  3. compositor check {quoted}",
        _("  4. compositor watch {folder}    # rebuilds the PDF on every save").format(
            folder=quoted
        ),
    ]
