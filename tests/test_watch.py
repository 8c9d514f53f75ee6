"""`compositor watch`: a save rebuilds the PDF; an error is printed and watching goes on."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import (
    DATA,
    ROOT,
    cli_losing_an_interrupt,
    copy_mini,
    ended,
    read_pdf,
    run_cli,
    squash,
)

START_TIMEOUT = 60  # the first build includes importing WeasyPrint
EVENT_TIMEOUT = 20


class Watcher:
    """`compositor watch` in a subprocess, its output lines readable with a timeout."""

    def __init__(self, issue: Path, output: Path, env: dict | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "compositor", "watch", str(issue), "-o", str(output)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, prefix: str, timeout: float = EVENT_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=deadline - time.monotonic())
            except queue.Empty:
                break
            self.seen.append(line)
            if line.startswith(prefix):
                return line
        raise AssertionError(f"no line starting {prefix!r} within {timeout} s; got {self.seen}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


@pytest.fixture
def watcher(issue: Path, tmp_path: Path) -> Iterator[Watcher]:
    running = Watcher(issue, tmp_path / "preview.pdf")
    try:
        running.wait_for("built", timeout=START_TIMEOUT)
        running.wait_for("watching")
        yield running
    finally:
        running.stop()


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def test_a_save_rebuilds_the_pdf(watcher, issue, tmp_path):
    append(issue / "02.md", "\n监视测试：保存之后立即重建。\n")
    line = watcher.wait_for("rebuilt")
    assert line.startswith(f"rebuilt {tmp_path / 'preview.pdf'} (2 pages) in ")
    assert watcher.seen[-2] == "changed: 02.md"
    text = squash("".join(read_pdf(tmp_path / "preview.pdf").pages))
    assert squash("监视测试：保存之后立即重建。") in text


def test_an_error_is_printed_and_watching_goes_on(watcher, issue, tmp_path):
    toml = issue / "issue.toml"
    good = toml.read_text(encoding="utf-8")
    toml.write_text(good.replace("number = 1", "number = = 1"), encoding="utf-8")
    assert watcher.wait_for("error:").startswith(f"error: {toml}:2: malformed TOML")
    assert watcher.process.poll() is None

    toml.write_text(good.replace("year = 2023", "year = 2023  # 改回来了"), encoding="utf-8")
    watcher.wait_for("rebuilt")
    assert "2023年第1期" in squash(read_pdf(tmp_path / "preview.pdf").pages[0])


def test_files_the_pdf_is_not_made_from_are_ignored(watcher, issue):
    (issue / "notes.txt").write_text("编辑备忘", encoding="utf-8")
    (issue / ".01.md.swp").write_bytes(b"vim swap")
    append(issue / "01.md", "\n又一段。\n")
    watcher.wait_for("rebuilt")
    assert [line for line in watcher.seen if line.startswith("changed")] == ["changed: 01.md"]


def test_a_folder_that_does_not_exist_is_an_error_not_a_traceback(tmp_path):
    result = run_cli("watch", str(tmp_path / "2023-01"))
    assert result.returncode == 2
    assert (
        result.stderr
        == f"error: {tmp_path / '2023-01'}: is not an issue folder (no such directory)\n"
    )


def test_a_changed_picture_rebuilds_but_another_issues_does_not(tmp_path):
    """Pictures are sources too (issue 14), in the issue folder or a folder under it."""
    from compositor.watch import Rebuilder

    folder = copy_mini(tmp_path)
    rebuilder = Rebuilder(folder)
    assert rebuilder.is_source((folder / "photos" / "a.JPG").resolve())
    assert rebuilder.is_source((folder / "chart.svg").resolve())
    assert not rebuilder.is_source((folder.parent / "2023-02" / "a.jpg").resolve())
    assert not rebuilder.is_source((folder / "out.pdf").resolve())


def test_a_terminated_watch_leaves_nothing_in_the_temp_directory(issue, tmp_path):
    """SIGTERM (a closed session, `kill`) ends watch as Ctrl+C does: its font copies go."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    running = Watcher(issue, tmp_path / "preview.pdf", env={**os.environ, "TMPDIR": str(temp)})
    try:
        running.wait_for("built", timeout=START_TIMEOUT)
        running.wait_for("watching")
        assert list(temp.iterdir())  # the session's font copies, while it runs
    finally:
        running.stop()
    assert sorted(path.name for path in temp.iterdir()) == []


def test_a_sigterm_whose_interrupt_python_loses_still_stops_watch(issue, tmp_path):
    """Python loses a KeyboardInterrupt raised in a weakref callback (importlib runs one
    after each import): watch stops on SIGTERM all the same, its font copies gone."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    command = cli_losing_an_interrupt(
        "compositor.watch.watch", "watch", str(issue), "-o", str(tmp_path / "preview.pdf")
    )
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors = ended(process, START_TIMEOUT)  # the SIGTERM comes by itself, before the build
    assert "Exception ignored" in errors and "KeyboardInterrupt" in errors  # it was lost
    assert sorted(path.name for path in temp.iterdir()) == []
