"""The ``compositor`` command line. It only wires stages together.

Errors caused by input are printed as ``file:line: message`` with exit status 2;
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import gc
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn, TypedDict

import typer
from typer.core import MarkupMode

from compositor.cli.fonts import app as fonts_app
from compositor.errors import CompositorError
from compositor.i18n import LANGUAGES, _, language, ngettext, use_language
from compositor.press.pdfx import PdfXChoice
from compositor.render.standards import PdfStandardChoice


class _HelpMarkup(TypedDict, total=False):
    rich_markup_mode: MarkupMode


# Typer's rich help tables wrap only at spaces and cut a longer run of Chinese with "…":
# in Chinese, help is laid out by Click, which breaks long runs instead of cutting them.
CHINESE_HELP: _HelpMarkup = {"rich_markup_mode": None} if language() == "zh" else {}

app = typer.Typer(
    **CHINESE_HELP,
    name="compositor",
    help=_(
        "Typeset 火炬动态 and other Chinese bulletins from TOML + Markdown into print-ready PDF."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(fonts_app, name="fonts")


def choose_language(value: str | None) -> str | None:
    """--lang: the language of every message from here on (and of worker processes)."""
    if value is not None:
        if value not in LANGUAGES:
            raise typer.BadParameter(f"{value!r}: use one of {', '.join(LANGUAGES)}")
        use_language(value)
    return value


# Accepted before the command (compositor --lang zh check …) and after it (check … --lang zh).
Language = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        callback=choose_language,
        is_eager=True,
        help=_(
            "Language of the messages: zh (简体中文) or en. Default: from LC_ALL, "
            "LC_MESSAGES or LANG (zh_CN → zh)."
        ),
    ),
]


class Context:
    """Options shared by every command."""

    def __init__(self, debug: bool) -> None:
        self.debug = debug


def show_version(value: bool) -> None:
    if value:
        from compositor import __version__

        typer.echo(f"compositor {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help=_("Show tracebacks on errors."))] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help=_("Print the version and exit.")
        ),
    ] = False,
    lang: Language = None,
) -> None:
    ctx.obj = Context(debug=debug)


def fail(ctx: typer.Context, error: CompositorError) -> NoReturn:
    """Report an input error the way an editor can act on it, then exit 2."""
    if ctx.obj and ctx.obj.debug:
        raise error
    typer.echo(_("error: {error}").format(error=error), err=True)
    raise typer.Exit(2)


@app.command(
    help=_(
        "Build an issue folder into a PDF, or several issues in parallel.\n\n"
        "Example: compositor build content/torch/2022-17 -o out.pdf\n\n"
        "Example: compositor build content/torch/* -j 2 -o build/all\n\n"
        "Example: compositor build content/torch/2022-17 --press --pad-to 4 -o "
        "press.pdf\n\n"
        "Example: compositor build content/torch/2022-17 --press --inks black,spot -o "
        "2c.pdf\n\n"
        "Example: compositor build content/torch/2022-17 --booklet -o sheets.pdf\n\n"
        "Example: compositor build content/torch/2022-17 --layout jianbao -o brief.pdf"
    )
)
def build(
    ctx: typer.Context,
    issues: Annotated[
        list[Path] | None,
        typer.Argument(
            help=_(
                "Issue folder(s) (default: the bundled sample content/torch/2022-17). "
                "Several are built in parallel; files among them (publication.toml) are skipped."
            )
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help=_(
                "PDF to write (default: build/<issue>.pdf). With several issues: the folder "
                "to write them to (default: build/)."
            ),
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("-j", "--jobs", min=1, help=_("Issues built at once (default: all cores).")),
    ] = None,
    press: Annotated[
        bool,
        typer.Option("--press", help=_("The PDF/X file for the printer: CMYK, bleed, profile.")),
    ] = False,
    pdf_x: Annotated[
        PdfXChoice | None,
        typer.Option("--pdf-x", help=_("With --press: PDF/X-4 (default) or PDF/X-1a:2003.")),
    ] = None,
    pdf_standard: Annotated[
        PdfStandardChoice | None,
        typer.Option(
            "--pdf-standard",
            help=_(
                "The screen edition: tagged PDF/UA-1 + PDF/A-2a (default, ua1-a2a), PDF/UA-1 "
                "alone (ua1), untagged PDF/A-2b (a2b) or a plain untagged PDF (none)."
            ),
        ),
    ] = None,
    marks: Annotated[
        bool, typer.Option("--marks", help=_("With --press: crop marks outside the bleed."))
    ] = False,
    bleed: Annotated[
        float | None,
        typer.Option(
            "--bleed", min=0, max=20, metavar="MM", help=_("With --press: bleed (default: 3 mm).")
        ),
    ] = None,
    inks: Annotated[
        str | None,
        typer.Option(
            "--inks",
            metavar="INKS",
            help=_(
                "With --press: 'process' (four-colour CMYK) or 'black,spot' (two-colour: "
                "black plus the layout's spot inks). Default: the layout's [press] inks."
            ),
        ),
    ] = None,
    convert_to_inks: Annotated[
        bool,
        typer.Option(
            "--convert-to-inks",
            help=_("With --inks black,spot: print other colours in black instead of refusing."),
        ),
    ] = False,
    allow_low_res: Annotated[
        bool,
        typer.Option(
            "--allow-low-res",
            help=_("With --press: print pictures under 150 ppi instead of stopping."),
        ),
    ] = False,
    no_overprint_black: Annotated[
        bool,
        typer.Option(
            "--no-overprint-black",
            help=_("With --press: 100 % K text and rules knock out instead of overprinting."),
        ),
    ] = False,
    profile: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            exists=True,
            dir_okay=False,
            metavar="ICC",
            help=_(
                "With --press: the print shop's CMYK profile (default: the layout's). A "
                "registered one (ISO Coated v2 / FOGRA39, Japan Color 2001 Coated) is "
                "declared by its registered name and brings its ink limit."
            ),
        ),
    ] = None,
    pad_to: Annotated[
        int | None,
        typer.Option(
            "--pad-to",
            min=1,
            metavar="N",
            help=_("Blank pages before the back page up to a multiple of N pages (4: folded)."),
        ),
    ] = None,
    booklet: Annotated[
        bool,
        typer.Option(
            "--booklet",
            help=_(
                "Pages 2-up on A3 sheets in saddle-stitch order: print duplex, flip on "
                "the short edge, fold, staple. With --press: crop and fold marks."
            ),
        ),
    ] = False,
    lang: Language = None,
    creep: Annotated[
        float | None,
        typer.Option(
            "--creep",
            min=0,
            max=5,
            metavar="MM",
            help=_(
                "With --booklet: move inner pages towards the spine, up to MM on the "
                "innermost sheet, for thick booklets."
            ),
        ),
    ] = None,
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout",
            metavar="NAME",
            help=_(
                "Set the issue in this layout (a name from `compositor layouts`, or a "
                "layout folder) instead of its publication's."
            ),
        ),
    ] = None,
) -> None:
    with imports_for_the_process():
        from compositor.weasy.importing import import_weasyprint

        import_weasyprint()  # first: importing .build would load WeasyPrint the slow way
        from compositor.build import BUILD_DIR, SAMPLE_ISSUE, build_issue

    if not press and (
        pdf_x
        or marks
        or bleed is not None
        or inks
        or convert_to_inks
        or allow_low_res
        or profile
        or no_overprint_black
    ):
        raise typer.BadParameter(
            _(
                "--pdf-x, --marks, --bleed, --inks, --convert-to-inks, --allow-low-res, "
                "--profile and --no-overprint-black go with --press"
            )
        )
    if press and pdf_standard:
        raise typer.BadParameter(
            _("--pdf-standard is for the screen edition; --press uses --pdf-x")
        )
    warn_if_slow_subsetting()
    if creep is not None and not booklet:
        raise typer.BadParameter(_("--creep goes with --booklet"))
    options: dict = {"pad_to": pad_to}  # keyword options of build_issue, for each issue
    if layout:
        options["layout"] = layout
    if pdf_standard:
        options["standard"] = pdf_standard.value
    if booklet:
        from compositor.press.booklet import Booklet

        options["booklet"] = Booklet(creep_mm=creep or 0.0)
    if press:
        from compositor.press.output import PressSettings  # pikepdf: only for press builds

        options["press"] = PressSettings(
            pdf_x=pdf_x.value if pdf_x else "4",
            marks=marks,
            bleed_mm=bleed,
            inks=inks.replace(" ", "") if inks else None,
            convert_to_inks=convert_to_inks,
            allow_low_res=allow_low_res,
            profile=profile.resolve() if profile else None,
            overprint_black=not no_overprint_black,
        )
    if issues and len(issues) > 1:
        from compositor.cli.batch import run_batch
        from compositor.targets import check_outside_content

        try:
            if output is not None:  # the default build/ is wherever the editor stands
                check_outside_content(output)
            outcomes = run_batch(issues, output or BUILD_DIR, jobs, options)
        except CompositorError as error:
            fail(ctx, error)
        raise typer.Exit(0 if all(outcome.ok for outcome in outcomes) else 2)
    try:
        result = build_issue(issues[0] if issues else SAMPLE_ISSUE, output, **options)
    except CompositorError as error:
        fail(ctx, error)
    for warning in result.picture_warnings:  # pictures under 300 ppi (issue 14)
        typer.echo(str(warning), err=True)
    for warning in result.placeholders:  # 待填写 (issue 24); --press refuses them
        typer.echo(str(warning), err=True)
    if press and pdf_x is PdfXChoice.x1a:  # issue 28: X-4 keeps the tags, X-1a cannot
        typer.echo(
            _(
                "note: PDF/X-1a (PDF 1.3) is untagged by nature: a screen reader cannot read "
                "it; publish the screen edition (build without --press) online"
            ),
            err=True,
        )
    typer.echo(
        ngettext("{path} ({count} page)", "{path} ({count} pages)", result.pages).format(
            path=result.path, count=result.pages
        )
    )


@app.command(
    "layouts",
    help=_(
        "List the layouts an issue can be built in (build --layout NAME), with their "
        "descriptions.\n\n"
        "Example: compositor layouts"
    ),
)
def list_layouts(ctx: typer.Context) -> None:
    from compositor.layout import layouts

    try:
        found = layouts()
    except CompositorError as error:
        fail(ctx, error)
    width = max(len(layout.name) for layout in found)
    for layout in found:
        typer.echo(f"{layout.folder.name:<{width}}  {layout.description}")


@app.command(
    help=_(
        "Start the next issue from the latest one: numbers, date, sections, "
        "editors.\n\n"
        "Example: compositor new content/torch --date 2022-11-08"
    )
)
def new(
    ctx: typer.Context,
    publication: Annotated[
        Path, typer.Argument(help=_("Publication folder holding the issues, e.g. content/torch."))
    ],
    date: Annotated[
        datetime | None,
        typer.Option("--date", formats=["%Y-%m-%d"], help=_("Issue date (default: today).")),
    ] = None,
    lang: Language = None,
) -> None:
    from compositor.cli.new import new_issue, next_steps

    try:
        created = new_issue(publication, date.date() if date else None)
    except CompositorError as error:
        fail(ctx, error)
    typer.echo("\n".join(next_steps(created)))


@app.command(
    help=_(
        "List every problem of an issue without building it, as file:line:column: "
        "level: message.\n\n"
        "Exit status: 0 clean, 1 warnings only (with --strict), 2 errors.\n\n"
        "Example: compositor check content/torch/2022-17 --strict"
    )
)
def check(
    ctx: typer.Context,
    issue: Annotated[Path, typer.Argument(help=_("Issue folder to check."))],
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Exit 1 on warnings too (errors always exit 2)."))
    ] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help=_(
                "Write what the build converts (quotes, 。, ……, full-width marks, half-width "
                "digits, stray spaces) into the files, then check again."
            ),
        ),
    ] = False,
    show_diff: Annotated[
        bool, typer.Option("--diff", help=_("Show what --fix would change, as a unified diff."))
    ] = False,
    lang: Language = None,
) -> None:
    from compositor.check.report import check_issue, format_report

    report = check_issue(issue)
    if fix or show_diff:
        report = _fix_typing(ctx, issue, report, write=fix, show_diff=show_diff)
    for line in format_report(report):
        typer.echo(line)
    raise typer.Exit(report.exit_code(strict))


def _fix_typing(ctx: typer.Context, issue: Path, report, write: bool, show_diff: bool):
    """``check --fix``/``--diff``: the normaliser's changes shown, or written and checked
    again (the report returned is of the files as they are now)."""
    from compositor.check.fix import describe, plan_fixes, write_fix
    from compositor.check.report import check_issue

    try:
        fixes = plan_fixes(report.edits)
        for planned in fixes:
            if show_diff:
                typer.echo(planned.unified_diff(), nl=False)
            if write:
                write_fix(planned)
                for edit in planned.edits:
                    typer.echo(describe(edit))
    except (CompositorError, OSError, UnicodeDecodeError) as error:
        fail(ctx, error if isinstance(error, CompositorError) else CompositorError(str(error)))
    return check_issue(issue) if write else report


@app.command(
    help=_(
        "Rebuild the PDF every time a file of the issue (or its layout) is saved.\n\n"
        "Example: compositor watch content/torch/2022-17 -o preview.pdf"
    )
)
def watch(
    ctx: typer.Context,
    issue: Annotated[Path, typer.Argument(help=_("Issue folder to watch."))],
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help=_("PDF to write (default: build/<issue>.pdf).")),
    ] = None,
    lang: Language = None,
) -> None:
    with imports_for_the_process():
        from compositor.weasy.importing import import_weasyprint

        import_weasyprint()  # first: importing .watch would load WeasyPrint the slow way
        from compositor.watch import watch as watch_issue

    try:
        watch_issue(issue, output, echo=typer.echo, debug=ctx.obj.debug, stop=INTERRUPTED)
    except CompositorError as error:
        fail(ctx, error)


@app.command(
    help=_(
        "Show the issue's pages in the browser, rebuilt on every save; click a line to find "
        "its source (set COMPOSITOR_EDITOR, e.g. 'code -g {file}:{line}:{column}', to open "
        "it).\n\n"
        "Example: compositor preview content/torch/2022-17"
    )
)
def preview(
    ctx: typer.Context,
    issue: Annotated[Path, typer.Argument(help=_("Issue folder to preview."))],
    port: Annotated[int, typer.Option(help=_("Port to listen on (default: a free one)."))] = 0,
    host: Annotated[
        str,
        typer.Option(help=_("Address to listen on; any but 127.0.0.1 lets others connect.")),
    ] = "127.0.0.1",
    against: Annotated[
        Path | None,
        typer.Option(help=_("An approved PDF: the regions that differ from it are highlighted.")),
    ] = None,
    no_open: Annotated[bool, typer.Option("--no-open", help=_("Do not open the browser."))] = False,
) -> None:
    with imports_for_the_process():
        from compositor.weasy.importing import import_weasyprint

        import_weasyprint()
        # (not `from compositor.cli import preview`: that name is this command)
        from compositor.cli.preview import loopback, start, stop_running
        from compositor.cli.preview import watch as watch_preview

    if not loopback(host):
        typer.echo(
            _(
                "warning: listening on {host}: other machines can reach the preview "
                "(it still needs the token printed below)"
            ).format(host=host),
            err=True,
        )
    try:
        running = start(issue, host=host, port=port, against=against)
    except (CompositorError, OSError) as error:
        fail(ctx, error if isinstance(error, CompositorError) else CompositorError(str(error)))
    if running.preview.error:
        typer.echo(running.preview.error, err=True)
    typer.echo(f"preview: {running.url}")
    typer.echo(_("watching {issue} for changes (Ctrl+C to stop)").format(issue=issue))
    if not no_open:
        import webbrowser

        webbrowser.open(running.url)
    try:
        watch_preview(running, echo=typer.echo, stop=INTERRUPTED)
    finally:
        stop_running(running)


@app.command(
    help=_(
        "Compare two issues page by page. Exit status: 0 identical, 1 different, 2 "
        "error.\n\n"
        "Example: compositor diff old.pdf new.pdf --out build/diff"
    )
)
def diff(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(help=_("The old PDF, or an issue folder to build."))],
    new: Annotated[Path, typer.Argument(help=_("The new PDF, or an issue folder to build."))],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help=_("Write side-by-side PNGs of changed pages and index.html here.")
        ),
    ] = None,
    dpi: Annotated[
        int | None, typer.Option("--dpi", min=20, max=600, help=_("Resolution (default 100)."))
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("Print a JSON summary."))] = False,
) -> None:
    from compositor.cli.diff import run_diff

    try:
        status = run_diff(old, new, out_dir=out, dpi=dpi, as_json=as_json)
    except CompositorError as error:
        fail(ctx, error)
    raise typer.Exit(status)


def _keep_press_reports(pdf: Path, inspection, line: str, json_file, report_dir) -> None:
    """``--json FILE`` and ``--report DIR`` of ``preflight --press``."""
    from compositor.preflight.press_report import write_html, write_json

    if json_file is not None:
        write_json(json_file, pdf, inspection, line)
        typer.echo(_("findings written to {file}").format(file=json_file))
    if report_dir is not None:
        page = write_html(report_dir, pdf, inspection, line)
        typer.echo(_("separations report: {page}").format(page=page))


@app.command(
    help=_(
        "Check the Chinese typesetting of a PDF: justified lines, 避头尾, punctuation, "
        "spacing.\n\n"
        "With --press, also the PDF/X checks: keys, output intent, boxes, CMYK only "
        "(soft masks and forms included), grey and black text in K only, total ink, "
        "fonts, transparency, the inks each page uses, and that poppler, MuPDF and "
        "Ghostscript draw and read every page as pdfium does (Ghostscript is the base "
        "of many RIPs); the last line is then the one verdict, PASS, FAIL or INCOMPLETE, "
        "for all of it. Exit status: 0 nothing to fix (warnings, and information on what "
        "the make-up did on purpose, do not count), 1 a finding to fix (each says what "
        "to do), 2 unreadable file, or a check that could not be made (--press without "
        "Ghostscript, MuPDF or poppler: it names them).\n\n"
        "Example: compositor preflight build/torch-2022-17.pdf\n\n"
        "Example: compositor preflight press.pdf --press\n\n"
        "Example: compositor preflight build/torch-2022-17.pdf --accessible"
    )
)
def preflight(
    ctx: typer.Context,
    pdf: Annotated[
        Path,
        typer.Argument(exists=True, dir_okay=False, help=_("Any PDF, ours or made elsewhere.")),
    ],
    press: Annotated[
        bool,
        typer.Option("--press", help=_("Also check it is a PDF/X file a print shop accepts.")),
    ] = False,
    max_ink: Annotated[
        float | None,
        typer.Option(
            "--max-ink",
            min=100,
            max=400,
            metavar="PERCENT",
            help=_(
                "With --press: total ink limit (the layout's [press] max_ink; default: the "
                "registered output condition's the file declares, e.g. 330 for FOGRA39, "
                "else 300)."
            ),
        ),
    ] = None,
    small_text: Annotated[
        float | None,
        typer.Option(
            "--small-text",
            min=0,
            metavar="PT",
            help=_(
                "With --press: type under this size must be solid ink on one plate "
                "(default: the layout's [press] small_text_pt the build recorded, else 12)."
            ),
        ),
    ] = None,
    inks: Annotated[
        str | None,
        typer.Option(
            "--inks",
            metavar="INKS",
            help=_(
                "With --press: 'black,spot' fails ink on the cyan, magenta or yellow plate "
                "(default: the inks the build recorded)."
            ),
        ),
    ] = None,
    json_file: Annotated[
        Path | None,
        typer.Option("--json", metavar="FILE", help=_("With --press: write the findings as JSON.")),
    ] = None,
    report_dir: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="DIR",
            file_okay=False,
            help=_("With --press: a PNG per plate per page and an HTML page showing them."),
        ),
    ] = None,
    accessible: Annotated[
        bool,
        typer.Option(
            "--accessible",
            help=_(
                "Also check its structure tree as a screen reader reads it: pictures "
                "without captions or alt text, tables without a header row, headings."
            ),
        ),
    ] = False,
    lang: Language = None,
) -> None:
    from compositor.preflight.typography import format_report
    from compositor.preflight.typography import preflight as check_typesetting

    if not press and (small_text is not None or inks or json_file or report_dir):
        raise typer.BadParameter("--small-text, --inks, --json and --report go with --press")
    if inks and inks.replace(" ", "") not in ("process", "black,spot"):
        raise typer.BadParameter(f"unknown inks {inks!r}: choose process or black,spot")
    try:
        report = check_typesetting(pdf)
    except CompositorError as error:
        fail(ctx, error)
    for line in format_report(report):
        typer.echo(line)
    status = report.exit_code
    if press:
        from compositor.preflight.press import (
            exit_status,
            format_press_report,
            inspect_press,
            verdict,
        )
        from compositor.preflight.typography import ERROR

        try:
            inspection = inspect_press(
                pdf,
                max_ink,
                engines=True,
                separations=True,
                small_text_pt=small_text,
                inks=inks.replace(" ", "") if inks else None,
                previews=report_dir,
            )
        except CompositorError as error:
            fail(ctx, error)
        typer.echo("\n" + format_press_report(pdf, inspection) + "\n")
        line = verdict(inspection, typesetting_errors=len(report.of(ERROR)))
        _keep_press_reports(pdf, inspection, line, json_file, report_dir)
        typer.echo(line)  # the one verdict: typesetting, press and engines together
        status = exit_status(inspection, typesetting_errors=len(report.of(ERROR)))
    if accessible:
        from compositor.preflight.accessibility import ERROR as A11Y_ERROR
        from compositor.preflight.accessibility import format_accessibility, inspect_accessibility

        problems = inspect_accessibility(pdf)
        typer.echo("\n" + "\n".join(format_accessibility(pdf, problems)))
        if any(problem.severity == A11Y_ERROR for problem in problems):
            status = max(status, 1)
    raise typer.Exit(status)


# Allocations between two passes of the cyclic garbage collector in a build process
# (Python's default is 700): see imports_for_the_process.
BUILD_COLLECTOR_THRESHOLD = 10_000


@contextmanager
def imports_for_the_process() -> Iterator[None]:
    """Import WeasyPrint and the pipeline without the cyclic garbage collector's work,
    and space the collector's passes for a build.

    Importing creates some hundred thousand objects (WeasyPrint's, fontTools', cffi's)
    that live as long as the process, never garbage. While they are created, the
    collector walks the growing heap again and again; afterwards every full collection
    of a build walks them too: 0.075 s of CPU in a cold build of the sample, two thirds
    of all its collections (raw WeasyPrint's whole run collects for 0.03 s). So the
    collector pauses for the imports, and ``gc.freeze`` then moves what they made out
    of its sight.

    A build's own objects mostly live until its PDF is written (the boxes of every
    page), so the collector's young passes find little garbage and its full passes walk
    the whole layout: with the default threshold (a pass every 700 allocations) a
    300-page issue spent 6.8 s of 30 s collecting, 0.38 s a full pass. A pass every
    ``BUILD_COLLECTOR_THRESHOLD`` allocations found the same garbage (peak RSS 381 MB,
    was 375 MB; the sample's unchanged) for 2.1 s; on the sample it saves 0.015 s.

    Only a process that has not imported WeasyPrint yet (a command-line run) is
    changed, once: one that has (one that built before, as a test run or a program
    calling ``app`` many times) may hold garbage of its own that freezing would keep
    for good, so its collector is left alone.
    """
    if "weasyprint" in sys.modules:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
    gc.freeze()
    _young, *older = gc.get_threshold()
    gc.set_threshold(BUILD_COLLECTOR_THRESHOLD, *older)


def warn_if_slow_subsetting() -> None:
    from compositor.weasy.fonts import has_fast_subsetting

    if not has_fast_subsetting():
        typer.echo(
            _(
                "warning: libharfbuzz-subset is not installed; font subsetting falls back to "
                "fontTools and is 40-50x slower. Install it: apt-get install libharfbuzz-subset0"
            ),
            err=True,
        )


@app.command(
    "import",
    help=_(
        "Import a legacy issue (text or PDF) into a new issue folder, or a Word article "
        "into one.\n\n"
        "Example: compositor import torch-2022-17.txt -o content/torch/2022-17\n\n"
        "Example: compositor import torch-2022-17.pdf -o content/torch/2022-17\n\n"
        "Example: compositor import 供稿.docx --into content/torch/2022-17 --section "
        "火炬在行动"
    ),
)
def import_(
    ctx: typer.Context,
    source: Annotated[
        Path,
        typer.Argument(
            help=_(
                "Plain text extracted from a printed issue, a past issue's PDF, or a Word "
                "contribution (.docx; .doc/.wps with LibreOffice)."
            )
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help=_("New issue folder (text or PDF), e.g. content/torch/2022-17.")
        ),
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help=_("Word or plain-text contribution: the existing issue folder to add it to."),
        ),
    ] = None,
    section: Annotated[
        str | None,
        typer.Option(
            "--section", help=_("Word file: the section (needed if the issue has several).")
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help=_("Treat every ambiguity as an error."))
    ] = False,
    lang: Language = None,
) -> None:
    from compositor.importer.word import is_plain_text, is_word_file

    # A .txt with --into is a contribution typed as text; with -o, a legacy issue's text.
    if is_word_file(source) or (is_plain_text(source) and into is not None):
        if output is not None or into is None:
            raise typer.BadParameter(
                _("a Word file is added to an existing issue: use --into FOLDER")
            )
        if strict:
            raise typer.BadParameter(_("--strict goes with a legacy text or PDF, not a Word file"))
        from compositor.importer.contribution import import_contribution

        try:
            added = import_contribution(source, into, section)
        except CompositorError as error:
            fail(ctx, error)
        for line in added.report():
            typer.echo(line, err=True)
        typer.echo(
            _("{article} (section {section})").format(article=added.article, section=added.section)
        )
        return
    if output is None or into is not None or section is not None:
        raise typer.BadParameter(_("a legacy issue is imported into a new folder: use -o FOLDER"))
    from compositor.importer.pdftext import is_pdf
    from compositor.importer.run import import_legacy

    try:
        if is_pdf(source):
            from compositor.importer.pdftext import import_pdf

            result = import_pdf(source, output, strict=strict)
        else:
            result = import_legacy(source, output, strict=strict)
    except CompositorError as error:
        fail(ctx, error)
    for warning in result.warnings:
        typer.echo(str(warning), err=True)
    articles = ngettext("{count} article", "{count} articles", len(result.issue.articles))
    files = ngettext("{count} file written", "{count} files written", len(result.written))
    typer.echo(
        _("{folder} ({articles}, {files})").format(
            folder=output,
            articles=articles.format(count=len(result.issue.articles)),
            files=files.format(count=len(result.written)),
        )
    )


def main() -> None:
    # SIGTERM (`kill`, a closed session, a CI time-out) ends a command as Ctrl+C does:
    # the `with` blocks unwind, so no font copies or half-written files stay behind.
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    app(prog_name="compositor")


@dataclass
class Interrupted:
    """Set by SIGTERM and Ctrl+C; ``watch`` and ``preview`` stop on it (watchfiles'
    ``stop_event``). A plain flag, not a ``threading.Event``: ``Event.set`` takes a lock,
    and a second Ctrl+C handled while the first held it would wait forever."""

    signalled: bool = False

    def set(self) -> None:
        self.signalled = True

    def is_set(self) -> bool:
        return self.signalled


INTERRUPTED = Interrupted()


def _interrupted(_signal_number, _frame) -> None:
    # Python loses a KeyboardInterrupt raised while it runs a weakref callback or a
    # destructor (it prints "Exception ignored"): importlib runs one after each module it
    # imports, as when the preview imports watchfiles right after printing its address,
    # and the preview went on watching. The flag ends the watch loops all the same.
    INTERRUPTED.set()
    raise KeyboardInterrupt


if __name__ == "__main__":
    main()
