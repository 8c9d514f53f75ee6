"""The ``compositor`` command line. It only wires stages together.

Errors caused by input are printed as ``file:line: message`` with exit status 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import CompositorError
from .fontcli import app as fonts_app

app = typer.Typer(
    name="compositor",
    help="Typeset 火炬动态 and other Chinese bulletins from TOML + Markdown into print-ready PDF.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(fonts_app, name="fonts")


class Context:
    """Options shared by every command."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = Context(debug=debug)


def fail(ctx: typer.Context, error: CompositorError) -> None:
    """Report an input error the way an editor can act on it, then exit 2."""
    if ctx.obj and ctx.obj.debug:
        raise error
    typer.echo(f"error: {error}", err=True)
    raise typer.Exit(2)


@app.command()
def build(
    ctx: typer.Context,
    issue: Annotated[
        Path | None,
        typer.Argument(help="Issue folder (default: the bundled sample content/torch/2022-17)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="PDF to write (default: build/<issue>.pdf)."),
    ] = None,
) -> None:
    """Build an issue folder into a PDF.

    Example: compositor build content/torch/2022-17 -o out.pdf
    """
    from .build import SAMPLE_ISSUE, build_issue

    warn_if_slow_subsetting()
    try:
        result = build_issue(issue or SAMPLE_ISSUE, output)
    except CompositorError as error:
        fail(ctx, error)
    typer.echo(f"{result.path} ({result.pages} pages)")


def warn_if_slow_subsetting() -> None:
    from .weasy_seam import has_fast_subsetting

    if not has_fast_subsetting():
        typer.echo(
            "warning: libharfbuzz-subset is not installed; font subsetting falls back to "
            "fontTools and is 40-50x slower. Install it: apt-get install libharfbuzz-subset0",
            err=True,
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    legacy: Annotated[Path, typer.Argument(help="Plain text extracted from a printed issue.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="New issue folder, e.g. content/torch/2022-17.")
    ],
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat every ambiguity as an error.")
    ] = False,
) -> None:
    """Import a legacy plain-text issue into a new issue folder.

    Example: compositor import torch-2022-17.txt -o content/torch/2022-17
    """
    from .importer import import_legacy

    try:
        result = import_legacy(legacy, output, strict=strict)
    except CompositorError as error:
        fail(ctx, error)
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    articles = len(result.issue.articles)
    typer.echo(f"{output} ({articles} articles, {len(result.written)} files written)")


def main() -> None:
    app(prog_name="compositor")


if __name__ == "__main__":
    sys.exit(main())
