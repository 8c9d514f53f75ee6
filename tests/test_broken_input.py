"""Broken content files: one `file:line: message` saying what to do, exit 2, no traceback.

Complements tests/test_content_errors.py (missing keys, unknown sections, malformed
TOML and front matter, wrong types, GBK articles, --debug) with the rest of issue 9's
list. The CLI runs in-process here to keep the many cases fast; a failure that is not
a CompositorError would surface as a non-SystemExit exception.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DATA, ROOT, read_pdf, squash
from typer.testing import CliRunner

from compositor.cli import app


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


def build(issue: Path):
    out = issue.parent.parent / "out.pdf"  # beside the publication: never inside content
    return CliRunner().invoke(app, ["build", str(issue), "-o", str(out)])


def fails(issue: Path) -> str:
    result = build(issue)
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and result.output.count("\n") == 1
    assert not (issue.parent.parent / "out.pdf").exists()
    return result.output


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


# (what is broken, how, where the message must point, words that say what to do)
CASES: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "impossible date": (
        lambda i: replace(i / "issue.toml", "date = 2023-01-05", "date = 2022-02-30"),
        "issue.toml:4:",
        "must exist",
    ),
    "quoted date": (
        lambda i: replace(i / "issue.toml", "date = 2023-01-05", 'date = "2023-01-05"'),
        "issue.toml:4:",
        "no quotes",
    ),
    "time for a date": (
        lambda i: replace(i / "issue.toml", "date = 2023-01-05", "date = 10:00:00"),
        "issue.toml:4:",
        "a date like 2022-10-18",
    ),
    "true for a year": (
        lambda i: replace(i / "issue.toml", "year = 2023", "year = true"),
        "issue.toml:1:",
        "whole number",
    ),
    "text for a list": (
        lambda i: replace(i / "issue.toml", 'editors = ["叶伟"]', 'editors = "叶伟"'),
        "issue.toml:5:",
        "a list [ ... ]",
    ),
    "number for a title": (
        lambda i: replace(i / "01.md", 'title = "科技部', 'title = 2023 # "科技部'),
        "01.md:3:",
        '"string"',
    ),
    "unquoted text": (
        lambda i: replace(i / "issue.toml", 'title = "火炬在行动"', "title = 火炬在行动"),
        "issue.toml:8:",
        "double quotes",
    ),
    "key set twice": (
        lambda i: replace(i / "01.md", "credit =", 'title = "again"\ncredit ='),
        "01.md:4:",
        "set twice",
    ),
    "unclosed front matter": (
        lambda i: replace(i / "02.md", "+++\n\n十年来", "\n十年来"),
        "02.md:1:",
        "never closed",
    ),
    "empty article": (lambda i: (i / "02.md").write_bytes(b""), "02.md:1:", "starts with a +++"),
    "deeply nested TOML": (
        lambda i: replace(i / "issue.toml", "year = 2023", "x = " + "[" * 5000 + "]" * 5000),
        "issue.toml:",
        "nested too deeply",
    ),
    "no issue.toml": (lambda i: (i / "issue.toml").unlink(), "2023-01:", "needs one"),
    "no publication.toml": (
        lambda i: (i.parent / "publication.toml").unlink(),
        "mini:",
        "masthead and colophon",
    ),
    "missing issue folder": (lambda i: shutil.rmtree(i), "2023-01:", "no such directory"),
    "a file for the issue folder": (
        lambda i: (shutil.rmtree(i), i.write_text("x")),
        "2023-01:",
        "is a file, not an issue folder",
    ),
    "folder for an article": (lambda i: (i / "03.md").mkdir(), "03.md:", "not a file"),
    "folder for issue.toml": (lambda i: replace_folder(i / "issue.toml"), "issue.toml:", "folder"),
    "folder for publication.toml": (
        lambda i: replace_folder(i.parent / "publication.toml"),
        "publication.toml:",
        "folder",
    ),
    "binary article": (
        lambda i: (i / "03.md").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        "03.md:3:",  # where the first NUL byte is
        "save it as UTF-8",
    ),
    "GBK issue.toml": (
        lambda i: (i / "issue.toml").write_bytes(
            (i / "issue.toml").read_text(encoding="utf-8").encode("gbk")
        ),
        "issue.toml:8:",  # 叶伟 in GBK on line 5 happens to be valid UTF-8 (Ҷΰ)
        "re-save it as UTF-8",
    ),
    "lone surrogate": (
        lambda i: (i / "02.md").write_bytes(
            (i / "02.md").read_bytes() + "\n\n\n孤\ud800字\n".encode("utf-8", "surrogatepass")
        ),
        "02.md:15:",
        "re-save it as UTF-8",
    ),
    "layout as a path": (
        lambda i: replace(i.parent / "publication.toml", '"torch"', '"../../../etc"'),
        "publication.toml:3:",
        "name of a folder under layouts/",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_broken_input_is_one_clear_message(case, issue):
    breaks, where, advice = CASES[case]
    breaks(issue)
    message = fails(issue)
    assert f"{where} " in message
    assert advice in message


def test_unreadable_file_says_so(issue, monkeypatch):
    """We run as root in CI, where chmod 000 does not stop reading: fail the read instead."""
    real_read_bytes = Path.read_bytes
    unreadable = issue / "01.md"

    def read_bytes(path: Path) -> bytes:
        if path == unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    message = fails(issue)
    assert f"{unreadable}: cannot read the file (Permission denied)" in message
    assert "you may read it" in message


@pytest.mark.parametrize("epoch", ["99999999999999", "yesterday", "-1"])
def test_a_malformed_source_date_epoch_stops_the_build(issue, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    message = fails(issue)
    assert message.startswith(f"error: SOURCE_DATE_EPOCH={epoch!r} is not a time")


def test_a_pipe_named_like_an_article_is_refused_not_waited_on(issue):
    os.mkfifo(issue / "03.md")
    result = subprocess.run(
        [sys.executable, "-m", "compositor", "build", str(issue), "-o", str(issue / "out.pdf")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,  # without the check, reading the pipe blocks forever
    )
    assert result.returncode == 2
    assert f"{issue / '03.md'}: this is a device or pipe" in result.stderr


def test_a_utf8_bom_and_windows_line_ends_are_accepted(issue):
    for name in ("issue.toml", "01.md"):
        data = (issue / name).read_bytes()
        (issue / name).write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    result = build(issue)
    assert result.exit_code == 0, result.output
    text = "".join(read_pdf(issue.parent.parent / "out.pdf").pages)
    assert "科技部火炬中心召开2023年工作会议" in squash(text)
    assert "\ufeff" not in text
