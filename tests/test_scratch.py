"""Temporary folders of killed processes are removed by a later run (compositor/scratch.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from compositor.scratch import STALE_AFTER, remove_abandoned, scratch_folder

OLD = time.time() - 2 * STALE_AFTER


def gone_pid() -> int:
    """The number of a process that has ended."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def folder(temp: Path, name: str, modified: float) -> Path:
    made = temp / name
    made.mkdir()
    (made / "font.otf").write_bytes(b"font")
    os.utime(made, (modified, modified))
    return made


@pytest.fixture
def temp(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    return tmp_path


def test_only_old_folders_of_ended_processes_of_that_kind_are_removed(temp):
    dead = gone_pid()
    abandoned = folder(temp, f"compositor-fonts-{dead}-abc", OLD)
    recent = folder(temp, f"compositor-fonts-{dead}-def", time.time())
    running = folder(temp, f"compositor-fonts-{os.getpid()}-ghi", OLD)
    other_kind = folder(temp, f"compositor-diff-{dead}-jkl", OLD)
    not_ours = folder(temp, "compositor-fonts-setup", OLD)
    with scratch_folder("fonts") as made:
        assert Path(made).name.startswith(f"compositor-fonts-{os.getpid()}-")
        assert not abandoned.exists()
        assert all(kept.exists() for kept in (recent, running, other_kind, not_ours))
    assert not Path(made).exists()


def test_a_symlink_is_never_followed(temp, tmp_path_factory):
    target = tmp_path_factory.mktemp("elsewhere")
    (target / "keep.txt").write_text("keep")
    link = temp / f"compositor-fonts-{gone_pid()}-lnk"
    link.symlink_to(target)
    os.utime(link, (OLD, OLD), follow_symlinks=False)
    assert remove_abandoned("fonts") == []
    assert (target / "keep.txt").exists()


def test_a_killed_build_leaves_its_fonts_for_the_next_build_to_remove(tmp_path):
    """kill -9 during a build leaves WeasyPrint's 18 MB of font copies; the next build
    removes them once they are old enough."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    command = [sys.executable, "-m", "compositor", "build", str(DATA / "mini" / "2023-01")]
    build = subprocess.Popen(
        [*command, "-o", str(tmp_path / "killed.pdf")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    fonts = []
    while not fonts and build.poll() is None and time.monotonic() < deadline:
        fonts = [f for f in temp.glob("compositor-fonts-*") if any(f.iterdir())]
        time.sleep(0.01)
    build.send_signal(signal.SIGKILL)
    build.wait()
    assert fonts, "the build ended before its fonts were copied"
    left = fonts[0]
    assert left.name.startswith(f"compositor-fonts-{build.pid}-") and any(left.iterdir())
    os.utime(left, (OLD, OLD))

    again = subprocess.run(
        [*command, "-o", str(tmp_path / "again.pdf")], cwd=ROOT, env=env, capture_output=True
    )
    assert again.returncode == 0, again.stderr
    assert list(temp.iterdir()) == []
