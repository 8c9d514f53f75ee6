"""A failed build never destroys a good PDF, and never leaves a half-written one."""

from __future__ import annotations

import errno
import os
import shutil
import stat
from pathlib import Path

import pytest
from conftest import DATA, run_cli
from typer.testing import CliRunner

import compositor.render.pdf
from compositor.build import build_issue
from compositor.cli import app
from compositor.render.pdf import OutputError, write_atomically


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


@pytest.fixture(scope="module")
def good_pdf(tmp_path_factory) -> bytes:
    """A PDF from a successful build of the test publication (built once)."""
    out = tmp_path_factory.mktemp("good") / "issue.pdf"
    result = run_cli("build", str(DATA / "mini" / "2023-01"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


@pytest.fixture
def built(good_pdf: bytes, tmp_path: Path) -> Path:
    """The previous build's PDF, in a folder of its own."""
    out = tmp_path / "out" / "issue.pdf"
    out.parent.mkdir()
    out.write_bytes(good_pdf)
    return out


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name != "issue.pdf")


def test_a_failed_build_leaves_the_previous_pdf_byte_identical(issue, built):
    before = built.read_bytes()
    article = issue / "01.md"
    article.write_text(article.read_text(encoding="utf-8").replace("+++\n", "", 1), "utf-8")
    result = run_cli("build", str(issue), "-o", str(built))
    assert result.returncode == 2
    assert "01.md:1:" in result.stderr
    assert built.read_bytes() == before
    assert leftovers(built.parent) == []


def test_a_build_failing_at_the_fonts_leaves_the_previous_pdf_byte_identical(issue, built):
    """Content that reads fine but cannot be printed fails later in the pipeline."""
    before = built.read_bytes()
    with (issue / "02.md").open("a", encoding="utf-8") as article:
        article.write("\n私用区字符\ue000。\n")
    result = run_cli("build", str(issue), "-o", str(built))
    assert result.returncode == 2
    assert "U+E000" in result.stderr
    assert built.read_bytes() == before
    assert leftovers(built.parent) == []


class DiskFullHalfway:
    """A file stream that writes half of what it is given, then fails like a full disk."""

    def __init__(self, stream, seen: list[tuple[Path, int]], folder: Path) -> None:
        self.stream, self.seen, self.folder = stream, seen, folder

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.stream.close()

    def fileno(self) -> int:
        return self.stream.fileno()

    def write(self, data: bytes) -> None:
        self.stream.write(data[: len(data) // 2])
        self.stream.flush()
        # The half-written temporary file really exists at this point.
        self.seen.extend((p, p.stat().st_size) for p in self.folder.glob("*.tmp"))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_write_failing_halfway_leaves_no_temporary_file_and_the_old_pdf(
    issue, built, monkeypatch
):
    before = built.read_bytes()
    edit = issue / "01.md"
    edit.write_text(edit.read_text(encoding="utf-8").replace("1月5日", "1月6日"), "utf-8")
    seen: list[tuple[Path, int]] = []
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        compositor.render.pdf.os,
        "fdopen",
        lambda fd, mode: DiskFullHalfway(real_fdopen(fd, mode), seen, built.parent),
    )
    with pytest.raises(OutputError) as failed:
        build_issue(issue, built)
    assert "No space left on device" in str(failed.value)
    assert failed.value.path == built
    [(temporary, size)] = seen
    assert size > 1000
    assert not temporary.exists()
    assert built.read_bytes() == before
    assert leftovers(built.parent) == []


def test_a_failing_rename_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "issue.pdf"
    target.write_bytes(b"old")

    def refuse(*args) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(compositor.render.pdf.os, "replace", refuse)
    with pytest.raises(OutputError):
        write_atomically(b"new", target)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_an_interrupt_while_writing_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "issue.pdf"
    target.write_bytes(b"old")

    def interrupt(fd) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(compositor.render.pdf.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(b"new", target)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_the_pdf_is_readable_by_others(tmp_path):
    """mkstemp creates 0600 files; the renamed PDF must not keep that."""
    write_atomically(b"%PDF", tmp_path / "issue.pdf")
    assert stat.S_IMODE((tmp_path / "issue.pdf").stat().st_mode) == 0o644


@pytest.mark.parametrize("where", ["file/issue.pdf", "folder"])
def test_an_unwritable_output_is_a_clean_error(where, issue, tmp_path):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    result = CliRunner().invoke(app, ["build", str(issue), "-o", str(tmp_path / where)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {tmp_path / where}: cannot write the PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "folder", "mini"]
    assert list((tmp_path / "folder").iterdir()) == []


def test_an_existing_folder_as_output_is_named_as_one(issue, tmp_path):
    (tmp_path / "folder").mkdir()
    result = CliRunner().invoke(app, ["build", str(issue), "-o", str(tmp_path / "folder")])
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"error: {tmp_path / 'folder'}: cannot write the PDF: this is a folder; give a file "
        f"name, e.g. {tmp_path / 'folder' / 'issue.pdf'}\n"
    )
