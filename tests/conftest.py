"""Shared fixtures: the sample issue is rendered once per test session."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content" / "torch" / "2022-17"
SEED = ROOT / "tests" / "data" / "legacy" / "torch-2022-17.txt"
LAYOUTS = ROOT / "layouts"
DATA = ROOT / "tests" / "data"

# The tests read the English messages unless a test asks for Chinese (tests/test_i18n.py):
# a developer whose LANG is zh_CN would otherwise see the suite fail. COMPOSITOR_LANG is
# what --lang sets; it outranks LC_ALL/LC_MESSAGES/LANG, in this process and the CLI runs.
os.environ["COMPOSITOR_LANG"] = "en"


def chinese_env(**variables: str) -> dict:
    """The environment of a CLI run whose language comes from the locale variables given
    (COMPOSITOR_LANG and the others removed), e.g. ``chinese_env(LANG="zh_CN.UTF-8")``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COMPOSITOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    }
    return {**env, **variables}


FULL_TO_ASCII = str.maketrans("，：；（）！？", ",:;()!?")


def squash(text: str) -> str:
    """Compare texts modulo punctuation width and whitespace (the seed flattened both)."""
    return re.sub(r"\s+", "", text.translate(FULL_TO_ASCII))


def copy_mini(tmp_path: Path) -> Path:
    """A writable copy of the small test publication tests/data/mini; returns its issue folder."""
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "2023-01"


def draw_pictures(issue: Path) -> None:
    """Draw the pictures of a copy of a test issue of tests/data/NAME, whose publication
    folder has a make_images.py (no picture is committed). The script is run from
    tests/data, where it may import its neighbours' (the copy has none)."""
    import importlib.util

    script = DATA / issue.parent.name / "make_images.py"
    spec = importlib.util.spec_from_file_location(f"make_images_{issue.parent.name}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.make_images(issue)


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a fixture file, failing loudly if the fixture changed."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@dataclass(frozen=True)
class RenderedPdf:
    path: Path
    pages: list[str]  # extracted text per page

    @property
    def page_count(self) -> int:
        return len(self.pages)


def read_pdf(path: Path) -> RenderedPdf:
    document = pdfium.PdfDocument(str(path))
    try:
        pages = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return RenderedPdf(path=path, pages=pages)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the real CLI in a subprocess, as an editor would."""
    return subprocess.run(
        [sys.executable, "-m", "compositor", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=600,
    )


# `python -c` in place of `python -m compositor`: SIGTERM comes while Python runs a weakref
# callback, just before the patched function (the watch loop) starts. The handler's
# KeyboardInterrupt is lost there (Python prints "Exception ignored"), as when importlib's
# callbacks run during the preview's first import of watchfiles.
LOST_INTERRUPT = """
import importlib, signal, sys, weakref
from compositor.weasy.importing import import_weasyprint
import_weasyprint()  # before importing the watch module, as the CLI does
from compositor.cli import main
module_name, name = sys.argv.pop(1).rsplit(".", 1)
module = importlib.import_module(module_name)
watch = getattr(module, name)
class Mortal: pass
def interrupted_watch(*args, **options):
    mortal = Mortal()
    ref = weakref.ref(mortal, lambda _ref: signal.raise_signal(signal.SIGTERM))
    del mortal
    return watch(*args, **options)
setattr(module, name, interrupted_watch)
sys.argv[0] = "compositor"
main()
"""


def cli_losing_an_interrupt(function: str, *args: str) -> list[str]:
    """The command line of `compositor *args` whose SIGTERM, sent just before
    ``function`` (module.name) runs, raises a KeyboardInterrupt that Python loses."""
    return [sys.executable, "-X", "faulthandler", "-c", LOST_INTERRUPT, function, *args]


def terminated(process: subprocess.Popen, seconds: float = 30) -> str:
    """SIGTERM ``process`` (a `python -X faulthandler` command) and its stderr once it
    ended; if it does not end within ``seconds``, fail with every thread's stack."""
    process.terminate()
    return ended(process, seconds)


def ended(process: subprocess.Popen, seconds: float = 30) -> str:
    """The stderr of ``process`` once it ends; if it does not within ``seconds``, fail
    with every thread's stack (faulthandler prints them on SIGABRT)."""
    try:
        _output, errors = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        _output, errors = process.communicate(timeout=30)
        pytest.fail(f"the command did not end within {seconds} s; its stderr:\n{errors}")
    return errors


@contextmanager
def shipped_fonts_only() -> Iterator[object]:
    """A WeasyPrint font configuration that sees only @font-face fonts, as builds do.

    Tests that lay out HTML with plain WeasyPrint use it, so that no machine font ever
    takes part (a fresh machine has no CJK font; a developer's may have several).
    """
    from compositor.render.pdf import shipped_faces
    from compositor.weasy.fonts import shipped_font_configuration

    with tempfile.TemporaryDirectory(prefix="compositor-test-fonts-") as folder:
        yield shipped_font_configuration(Path(folder), shipped_faces(ROOT / "fonts"))


def weasy_render(html: str, **options):
    """Lay out ``html`` with plain WeasyPrint and only the fonts its @font-face rules name."""
    import weasyprint

    with shipped_fonts_only() as font_config:
        return weasyprint.HTML(string=html, **options).render(font_config=font_config)


def weasy_write(html: str, target: Path) -> Path:
    with shipped_fonts_only() as font_config:
        import weasyprint

        weasyprint.HTML(string=html).render(font_config=font_config).write_pdf(target)
    return target


def press_page(body: str, css: str, settings) -> bytes:
    """A page of ``body`` styled by ``css``, made a press PDF with the torch layout and
    ``settings`` (press.output.PressSettings): for what the sample does not show."""
    from compositor.layout import load_layout
    from compositor.press.output import PressJob, make_press_pdf
    from compositor.render.html import Rendered
    from compositor.render.pdf import content_identifier, write_pdf

    layout = load_layout(ROOT / "layouts" / "torch")
    html = (
        '<!DOCTYPE html><html><head><title>t</title><meta name="dcterms.created" '
        'content="2023-01-05T00:00:00Z"><meta name="dcterms.modified" '
        f'content="2023-01-05T00:00:00Z"></head><body>{body}</body></html>'
    )
    rendered = Rendered(html=html, css=css, stylesheets=(), base_url=ROOT.as_uri() + "/")
    job = PressJob.plan(settings, layout)
    rendered = job.prepare(rendered)
    rendition = write_pdf(
        rendered,
        allowed_roots=(ROOT,),
        identifier=content_identifier(rendered.html, rendered.css),
        variant=job.variant,
    )
    return make_press_pdf(rendition.pdf, job)


def shipped_as_upstream(role: str, fontset, **changes):
    """A face spec that cuts one of our own fonts again (needs no Debian package)."""
    from compositor.fonts.rebuild import Face

    font = fontset.by_role(role)
    face = Face(
        role=role,
        family="Rebuilt Face",
        typographic_family="Rebuilt Face",
        style="Regular",
        package="test-package",
        upstream_file=font.path,
        upstream_name=font.family,
        member=None,
        reserved_names=("Compositor",),
    )
    return dataclasses.replace(face, **changes)


def pytest_addoption(parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the sample as rendered now (approves its pages).",
    )


@pytest.fixture(scope="session")
def sample_pdf(tmp_path_factory) -> RenderedPdf:
    """The sample issue built once through the CLI, read back with pdfium."""
    out = tmp_path_factory.mktemp("sample") / "torch-2022-17.pdf"
    result = run_cli("build", str(SAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return read_pdf(out)


@pytest.fixture(scope="session")
def sample_x4(tmp_path_factory) -> Path:
    """The sample's press PDF (PDF/X-4, 3 mm bleed), built once through the CLI."""
    out = tmp_path_factory.mktemp("sample-x4") / "torch-2022-17-x4.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def sample_x1a(tmp_path_factory) -> Path:
    """The sample as PDF/X-1a (fonts re-embedded as CFF), built once through the CLI."""
    out = tmp_path_factory.mktemp("sample-x1a") / "torch-2022-17-x1a.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "--pdf-x", "1a", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out


def embedded_font_families(path) -> list[tuple[str, str | None]]:
    """(PDF font name, family inside the embedded font file or None) for every font used."""
    found = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for _, font in page.resources.get("/Font", {}).items():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                stream = next(
                    (
                        descriptor[k]
                        for k in ("/FontFile", "/FontFile2", "/FontFile3")
                        if k in descriptor
                    ),
                    None,
                )
                family = None
                if stream is not None:
                    data = stream.read_bytes()
                    if str(stream.get("/Subtype", "")) == "/CIDFontType0C":
                        cff = CFFFontSet()
                        cff.decompile(io.BytesIO(data), None)
                        family = cff.fontNames[0]
                    else:
                        family = TTFont(io.BytesIO(data)).get("name").getDebugName(1)
                found.append((str(font.BaseFont), family))
    return found


# --- both layouts (issue 26) ------------------------------------------------------------


@dataclass(frozen=True)
class LayoutSample:
    """A layout's sample issue, and what only its back page (colophon, 版记) prints."""

    name: str
    issue: Path
    back_page: str


LAYOUT_SAMPLES = (
    LayoutSample("torch", SAMPLE, "责任编辑"),
    LayoutSample("jianbao", ROOT / "content" / "jianbao" / "2022-17", "共印200份"),
)
# One build of each kind per layout and session: the options of `compositor build`.
BUILD_KINDS = {
    "screen": (),
    "press": ("--press",),
    "pad4": ("--pad-to", "4"),
    "pad8": ("--pad-to", "8"),
    "booklet": ("--booklet",),
    "press-booklet": ("--booklet", "--press"),
}


class LayoutBuilds:
    """A layout's sample built once per kind (BUILD_KINDS), on first use."""

    def __init__(self, sample: LayoutSample, folder: Path) -> None:
        self.sample = sample
        self.folder = folder
        self.built: dict[str, Path] = {}

    def __getitem__(self, kind: str) -> Path:
        if kind not in self.built:
            target = self.folder / f"{self.sample.name}-{kind}.pdf"
            result = run_cli("build", str(self.sample.issue), *BUILD_KINDS[kind], "-o", str(target))
            assert result.returncode == 0, result.stderr
            self.built[kind] = target
        return self.built[kind]


@pytest.fixture(scope="session")
def every_layout_builds(tmp_path_factory) -> dict[str, LayoutBuilds]:
    folder = tmp_path_factory.mktemp("layouts")
    return {sample.name: LayoutBuilds(sample, folder) for sample in LAYOUT_SAMPLES}


@pytest.fixture(scope="session", params=[sample.name for sample in LAYOUT_SAMPLES])
def layout_builds(request, every_layout_builds) -> LayoutBuilds:
    """The sample of each layout (parametrised: the test runs once per layout)."""
    builds = every_layout_builds[request.param]
    if request.param == "torch":  # the session builds these anyway: not twice
        builds.built.setdefault("screen", request.getfixturevalue("sample_pdf").path)
        builds.built.setdefault("press", request.getfixturevalue("sample_x4"))
    return builds
