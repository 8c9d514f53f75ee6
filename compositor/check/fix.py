"""``compositor check --fix`` and ``--diff``: what the normaliser changes, written into
the files where it was typed, so that the source says what the PDF prints.

The edits are the validator's (content/validate.py ``Reading.edits``), each the change
``check`` warns about. A file is rewritten only where an edit says: its other bytes, its
line endings (CRLF, CR or LF, as each line has it), a UTF-8 BOM and its permissions are
kept. The new file is written next to the old one and renamed over it, so that a reader
sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tempfile
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from compositor.content.validate import SourceEdit
from compositor.errors import ContentError
from compositor.i18n import _

BOM = b"\xef\xbb\xbf"
_LINE_END = re.compile(r"(\r\n|\r|\n)")  # what content.read_text reads as a line end


@dataclass(frozen=True)
class FileFix:
    """One file's text before and after its edits."""

    path: Path
    before: str
    after: str
    bom: bool
    edits: tuple[SourceEdit, ...]

    def unified_diff(self) -> str:
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=self._label("a"),
            tofile=self._label("b"),
        )
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)

    def _label(self, side: str) -> str:
        """git's a/ and b/ for a relative path (patch -p1 applies it); an absolute one as is."""
        return str(self.path) if self.path.is_absolute() else f"{side}/{self.path}"


def plan_fixes(edits: tuple[SourceEdit, ...]) -> list[FileFix]:
    """The files the edits change, each read once and edited in memory."""
    ordered = sorted(edits, key=lambda e: (str(e.path), e.line, e.column))
    return [_plan(path, tuple(group)) for path, group in groupby(ordered, key=lambda e: e.path)]


def _plan(path: Path, edits: tuple[SourceEdit, ...]) -> FileFix:
    data = path.read_bytes()
    bom = data.startswith(BOM)
    before = data[len(BOM) if bom else 0 :].decode("utf-8")
    parts = _LINE_END.split(before)  # line, end, line, end, …, last line
    for edit in sorted(edits, key=lambda e: (e.line, e.column), reverse=True):
        index = 2 * (edit.line - 1)
        line = parts[index]
        start, end = edit.column - 1, edit.end_column - 1
        if not 0 <= start <= end <= len(line):
            raise ContentError(
                _("the file changed while it was checked: run check --fix again"),
                path,
                edit.line,
            )
        parts[index] = line[:start] + edit.new + line[end:]
    return FileFix(path, before, "".join(parts), bom, edits)


def write_fix(fix: FileFix) -> None:
    """Replace the file with its fixed text, atomically, keeping its permissions."""
    data = (BOM if fix.bom else b"") + fix.after.encode("utf-8")
    mode = stat.S_IMODE(fix.path.stat().st_mode)
    handle, temporary = tempfile.mkstemp(prefix=f".{fix.path.name}.", dir=fix.path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, fix.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def describe(edit: SourceEdit) -> str:
    """One line per change ``--fix`` makes, as ``check`` prints a finding."""
    return _("{path}:{line}:{column}: fixed: {old!r} → {new!r}").format(
        path=edit.path, line=edit.line, column=edit.column, old=edit.old, new=edit.new
    )


__all__ = ["FileFix", "describe", "plan_fixes", "write_fix"]
