"""Where builds may write: the rules that keep a PDF from landing on an editor's files.

An output path typed by hand (``-o``) is easily a source file (``-o 2022-17/13.md``) or
a folder of content; and a batch of two copies of one issue would write both to the
same ``<publication>-<year>-<number>.pdf``. Both are refused before anything is built.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from compositor.content import ISSUE_FILE, PUBLICATION_FILE
from compositor.errors import CompositorError
from compositor.i18n import _


class TargetError(CompositorError):
    """An output path or a set of outputs that would overwrite something."""


def content_folder_around(path: Path) -> Path | None:
    """The nearest folder holding ``path`` that is an issue or publication folder
    (it has an issue.toml or publication.toml), or None."""
    for folder in Path(path).resolve().parents:
        if (folder / ISSUE_FILE).is_file() or (folder / PUBLICATION_FILE).is_file():
            return folder
    return None


def check_pdf_target(target: Path) -> None:
    """Refuse an output file that is not a ``.pdf`` or that lies inside content."""
    target = Path(target)
    check_outside_content(target)
    # An existing folder is named as such when the PDF is written (pdf.write_atomically).
    if target.suffix.lower() != ".pdf" and not target.is_dir():
        raise TargetError(
            _(
                "the output must be a file ending in .pdf (so that no source file is "
                "overwritten), e.g. {example}"
            ).format(example=target.with_suffix(".pdf").name),
            target,
        )


def check_outside_content(target: Path) -> None:
    """Refuse an output path (file or folder) inside an issue or publication folder."""
    folder = content_folder_around(Path(target) / "x")  # a folder counts as inside itself
    if folder is not None:
        raise TargetError(
            _(
                "would write into the content folder {folder}: write the PDF outside the "
                "content, e.g. build/"
            ).format(folder=folder),
            target,
        )


def check_distinct_outputs(folders_and_names: Iterable[tuple[Path, str]]) -> None:
    """Refuse a batch in which two issue folders would write the same file name."""
    first: dict[str, Path] = {}
    for folder, name in folders_and_names:
        if name in first:
            raise TargetError(
                _(
                    "{first} and {folder} are the same issue (both {name}): a batch would "
                    "write one over the other; remove the copy or change its year/number"
                ).format(first=first[name], folder=folder, name=name)
            )
        first[name] = folder
