"""What every script and shell relies on: --version, --help examples, completion, the API."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer
from conftest import DATA, ROOT, copy_mini, run_cli

import compositor
from compositor.cli import app


def command_paths() -> list[list[str]]:
    """Every command and sub-command, as the words typed after `compositor`."""

    def walk(group, prefix: list[str]) -> list[list[str]]:
        found = []
        for name, command in getattr(group, "commands", {}).items():
            found.append([*prefix, name])
            found.extend(walk(command, [*prefix, name]))
        return found

    return walk(typer.main.get_command(app), [])


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout == f"compositor {compositor.__version__}\n"


def test_every_command_help_shows_an_example():
    paths = command_paths()
    assert {"build", "new", "check", "watch"} <= {path[0] for path in paths}
    for path in paths:
        result = run_cli(*path, "--help", env={**os.environ, "COLUMNS": "200"})
        assert result.returncode == 0, (path, result.stderr)
        command = f"compositor {' '.join(path)}"
        assert f"Example: {command}" in result.stdout, f"`{command} --help` shows no example"


def test_the_example_in_check_help_runs():
    help_text = run_cli("check", "--help", env={**os.environ, "COLUMNS": "200"}).stdout
    example = next(line for line in help_text.splitlines() if "Example:" in line)
    words = example.split("Example: compositor ")[1].strip(" │").split()
    assert run_cli(*words).returncode == 0


def test_shell_completion_completes_command_names():
    env = {
        **os.environ,
        "_COMPOSITOR_COMPLETE": "complete_bash",
        "COMP_WORDS": "compositor wa",
        "COMP_CWORD": "1",
    }
    result = run_cli(env=env)
    assert result.stdout.split() == ["watch"]


def test_python_api_from_any_folder(tmp_path: Path):
    """`from compositor import build_issue` works in a script run outside the repository."""
    out = tmp_path / "api.pdf"
    script = (
        "from compositor import build_issue\n"
        f"result = build_issue({str(DATA / 'mini' / '2023-01')!r}, {str(out)!r})\n"
        "print(result.path, result.pages)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{out} 2\n"
    assert out.read_bytes().startswith(b"%PDF-")


def test_dot_inside_the_issue_folder_is_that_issue(tmp_path: Path):
    """An editor working in the issue folder types `compositor check .` and `build .`:
    the publication is the folder above, and the default PDF is named after it."""
    issue = copy_mini(tmp_path)
    checked = run_cli("check", ".", cwd=issue)
    assert checked.returncode == 0, checked.stdout
    built = run_cli("build", ".", cwd=issue)
    assert built.returncode == 0, built.stderr
    assert built.stdout == "build/mini-2023-01.pdf (2 pages)\n"
    assert (issue / "build" / "mini-2023-01.pdf").read_bytes().startswith(b"%PDF-")


def test_a_command_line_run_freezes_its_imports_and_a_test_process_is_left_alone():
    import gc

    import weasyprint  # noqa: F401  -- as in any process that built before

    from compositor.cli import imports_for_the_process

    frozen, enabled, threshold = gc.get_freeze_count(), gc.isenabled(), gc.get_threshold()
    with imports_for_the_process():  # WeasyPrint is already imported here
        assert gc.isenabled() == enabled
    assert gc.get_freeze_count() == frozen and gc.isenabled() == enabled
    assert gc.get_threshold() == threshold
    fresh = (
        "import gc\n"
        "from compositor.cli import BUILD_COLLECTOR_THRESHOLD, imports_for_the_process\n"
        "default = gc.get_threshold()\n"
        "with imports_for_the_process():\n"
        "    assert not gc.isenabled()\n"
        "    import weasyprint\n"
        "assert gc.isenabled() and gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
        "assert gc.get_threshold() == (BUILD_COLLECTOR_THRESHOLD, *default[1:])\n"
        "assert BUILD_COLLECTOR_THRESHOLD > default[0]\n"
    )
    subprocess.run([sys.executable, "-c", fresh], check=True, env=os.environ)


def test_a_command_imports_no_cli_extras_it_does_not_use():
    """Every command pays for what the CLI framework imports: rich (only for help, in
    typer 0.19+) and pydantic (typer 0.29+ builds a validator per parameter, +0.06 s;
    pyproject.toml keeps typer below 0.29)."""
    code = (
        "import sys\n"
        "from compositor.cli import main\n"
        "sys.argv = ['compositor', 'check', 'tests/data/mini/2023-01']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "print(sorted(name for name in ('pydantic', 'rich') if name in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
