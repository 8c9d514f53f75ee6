"""``compositor fonts``: list the shipped fonts, rebuild them, check an issue against them.

Mounted on the main command line as a sub-app (cli/__init__.py: ``app.add_typer(fonts_app)``).
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Annotated, cast

import typer

from compositor.errors import CompositorError
from compositor.fonts.fontset import DEFAULT_FONTS_DIR, Coverage, coverage_report, load_fontset

app = typer.Typer(
    name="fonts",
    help=(
        "The shipped fonts: list them (no subcommand), rebuild them, check an issue.\n\n"
        "Example: compositor fonts check content/torch/2022-17"
    ),
    invoke_without_command=True,
    pretty_exceptions_enable=False,
)

FontsDir = Annotated[
    Path, typer.Option("--fonts", help="Fonts folder with manifest.toml.", show_default=False)
]


def _fail(ctx: typer.Context, error: CompositorError) -> None:
    from compositor.cli import fail  # the main CLI's error reporting; imported late (it imports us)

    # typer makes every context a typer.Context; its click types find_root() as the base
    fail(cast(typer.Context, ctx.find_root()), error)


@app.callback()
def list_fonts(ctx: typer.Context, fonts: FontsDir = DEFAULT_FONTS_DIR) -> None:
    """List the shipped fonts: family, role, glyph count and hanzi coverage.

    Example: compositor fonts
    """
    if ctx.invoked_subcommand is not None:
        return
    try:
        report = coverage_report(load_fontset(fonts))
    except CompositorError as error:
        _fail(ctx, error)
    typer.echo(
        f"{'family':<24}{'role':<9}{'file':<28}{'glyphs':>7}  {'GB 2312 hanzi':<18}8105 list"
    )
    for row in report:
        typer.echo(_coverage_line(row))
    if any(row.tongyong is None for row in report):
        typer.echo("8105 list: the 通用规范汉字表 list is unavailable (pip install -e '.[fonts]')")


def _coverage_line(row: Coverage) -> str:
    font = row.font
    gb = _fraction(row.gb2312_hanzi, row.gb2312_hanzi_total)
    standard = "unavailable"
    if row.tongyong is not None:
        standard = _fraction(row.tongyong, row.tongyong_total)
    return f"{font.family:<24}{font.role:<9}{font.file:<28}{font.glyphs:>7}  {gb:<18}{standard}"


def _fraction(part: int, whole: int) -> str:
    return f"{part}/{whole} {100 * part / whole:.1f}%"


@app.command()
def build(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", help="Folder to write (default: the shipped fonts/).")
    ] = DEFAULT_FONTS_DIR,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Build into a temporary folder and check it is byte-identical to --out.",
        ),
    ] = False,
    face: Annotated[
        list[str] | None,
        typer.Option(
            "--face",
            help="Rebuild only the face of this role (repeatable: body, title, display, "
            "heading, kai, fallback); the others stay as they are in --out.",
        ),
    ] = None,
) -> None:
    """Regenerate the fonts from the Debian packages (about 2-3 min; needs the `fonts` extra).

    The packages: fonts-noto-cjk, fonts-noto-cjk-extra, fonts-lxgw-wenkai (the CJK faces),
    fonts-noto-core and fonts-noto-extra (the Latin glyphs the CJK faces lack), and
    fonts-hanazono (the fallback face for rare characters, 补字).

    Example: compositor fonts build --verify
    """
    from compositor.fonts.rebuild import FACES, build_fonts, faces_of

    started = time.perf_counter()
    try:
        faces = faces_of(face) if face else FACES
        others = out if face else None
        if verify:
            with tempfile.TemporaryDirectory(prefix="compositor-fonts-") as scratch:
                build_fonts(Path(scratch), faces, others)
                differences = _differences(Path(scratch), out)
        else:
            for font in build_fonts(out, faces, others):
                size = font.path.stat().st_size / 1e6
                typer.echo(f"wrote {font.path} ({font.glyphs} glyphs, {size:.1f} MB)")
    except CompositorError as error:
        _fail(ctx, error)
    elapsed = time.perf_counter() - started
    if not verify:
        typer.echo(f"built in {elapsed:.0f} s")
        return
    for difference in differences:
        typer.echo(f"differs: {difference}", err=True)
    if differences:
        raise typer.Exit(1)
    typer.echo(f"{out} is byte-identical to a fresh build ({elapsed:.0f} s)")


def _differences(fresh: Path, shipped: Path) -> list[str]:
    """Files that are missing from ``shipped`` or differ from ``fresh``."""
    differences = []
    for path in sorted(p for p in fresh.rglob("*") if p.is_file()):
        relative = path.relative_to(fresh)
        theirs = shipped / relative
        if not theirs.is_file() or _digest(theirs) != _digest(path):
            differences.append(str(relative))
    return differences


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@app.command()
def check(
    ctx: typer.Context,
    issue: Annotated[Path, typer.Argument(help="Issue folder, e.g. content/torch/2022-17.")],
    fonts: FontsDir = DEFAULT_FONTS_DIR,
) -> None:
    """List the characters of an issue that its layout's fonts do not cover (exit 2 if any).

    Example: compositor fonts check content/torch/2022-17
    """
    from compositor.content import read_issue
    from compositor.fonts.fontset import font_use
    from compositor.layout import layout_for

    try:
        model = read_issue(issue)
        use = font_use(model, load_fontset(fonts), layout_for(model).fonts)
    except CompositorError as error:
        _fail(ctx, error)
    for finding in (*use.uncovered, *use.fallbacks):
        typer.echo(str(finding))
    if use.uncovered:
        raise typer.Exit(2)
    typer.echo(f"{issue}: every character is covered by the shipped fonts")
