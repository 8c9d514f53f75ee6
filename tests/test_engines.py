"""Every PDF engine draws and reads our PDFs as pdfium does (portable PDF).

The sample in its three outputs and every test issue under tests/data are drawn by
poppler, MuPDF and Ghostscript and compared with pdfium page by page; their text, as
pdftotext and mutool extract it, must be pdfium's. The engines are installed by
`.ci/setup --test`; a missing one fails these tests rather than skipping them.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SAMPLE, draw_pictures, run_cli, weasy_write
from fontTools import subset
from fontTools.ttLib import TTFont

from compositor.preflight.engines import ENGINES, compare_engines, format_engine_report
from compositor.preflight.press import inspect_press

OUTPUTS = {
    "screen": (),
    "pdf-x-4": ("--press",),
    "pdf-x-1a": ("--press", "--pdf-x", "1a"),
}
# tests/data/figures has no pictures until make_images draws them (and PDF/X-1a refuses
# its PNG with transparency): tests/test_figures.py draws it with every engine itself.
TEST_ISSUES = sorted(
    path.parent for path in DATA.glob("*/*/issue.toml") if path.parent.parent.name != "figures"
)
CASES = [(SAMPLE, output) for output in OUTPUTS] + [
    (issue, output) for issue in TEST_ISSUES for output in OUTPUTS
]
SONG = ROOT / "fonts" / "CompositorSong-Regular.otf"


def case_id(case) -> str:
    issue, output = case
    return f"{issue.parent.name}-{issue.name}-{output}"


SAMPLE_FIXTURES = {"screen": "sample_pdf", "pdf-x-4": "sample_x4", "pdf-x-1a": "sample_x1a"}


@pytest.fixture(scope="module", params=CASES, ids=case_id)
def built(request, tmp_path_factory) -> Path:
    issue, output = request.param
    if issue == SAMPLE:  # built once for the whole session
        found = request.getfixturevalue(SAMPLE_FIXTURES[output])
        return getattr(found, "path", found)
    work = tmp_path_factory.mktemp("engines")
    target = work / f"{case_id(request.param)}.pdf"
    if (issue.parent / "make_images.py").exists():  # its pictures are drawn, not committed
        shutil.copytree(issue.parent, work / issue.parent.name)
        issue = work / issue.parent.name / issue.name
        draw_pictures(issue)
    result = run_cli("build", str(issue), "-o", str(target), *OUTPUTS[output])
    assert result.returncode == 0, result.stderr
    return target


def test_the_test_issues_are_found():
    assert {issue.parent.name for issue in TEST_ISSUES} >= {"mini", "hostile"}


def test_every_engine_draws_and_reads_our_pdfs_as_pdfium_does(built):
    results = compare_engines(built)
    report = "\n".join(format_engine_report(results))
    assert [result.engine for result in results] == [engine.name for engine in ENGINES]
    for result in results:
        assert result.available, report
        assert not result.different_pages, report
        assert not result.warnings, report
        assert result.text_problems == [], report
    assert all(result.text_checked for result in results if result.engine != "Ghostscript")


def test_shipped_cff_faces_have_a_cid_for_each_glyph_id():
    """The cause of the defect, checked at the source: CID n must be glyph n."""
    for path in sorted((ROOT / "fonts").glob("*.otf")):
        font = TTFont(path)
        top = font["CFF "].cff.topDictIndex[0]
        assert hasattr(top, "ROS"), path.name
        order = font.getGlyphOrder()
        assert order[1:] == [f"cid{gid:05d}" for gid in range(1, len(order))], path.name


def test_the_comparison_catches_a_face_whose_cids_are_not_its_glyph_ids(tmp_path):
    """A face as the shipped ones were before: subsetting keeps the old CIDs."""
    text = "国家高新区科技创新发展研讨会在北京召开"
    font = TTFont(SONG)
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True, layout_features=[]))
    subsetter.populate(text=text)
    subsetter.subset(font)
    shuffled = tmp_path / "shuffled.otf"
    font.save(shuffled)
    assert TTFont(shuffled).getGlyphOrder()[1] != "cid00001"  # CIDs kept, glyphs renumbered
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: f; src: url({shuffled.as_uri()}) }}
      @page {{ size: 200pt 100pt; margin: 10pt }} p {{ font: 14pt f }}
    </style><p>{text}</p></html>"""
    pdf = weasy_write(html, tmp_path / "shuffled.pdf")
    results = {result.engine: result for result in compare_engines(pdf)}
    assert results["poppler"].agrees  # reads codes as glyph ids, like pdfium
    assert results["MuPDF"].different_pages or results["MuPDF"].warnings
    assert results["Ghostscript"].different_pages
    # Glyphs missing (MuPDF cannot load them) or drawn as others (Ghostscript) are other
    # shapes, never the same shapes in another grey.
    for engine in ("MuPDF", "Ghostscript"):
        assert all(page.tone is None for page in results[engine].different_pages)


def test_press_preflight_fails_a_pdf_an_engine_draws_differently(tmp_path):
    text = "国家高新区科技创新发展研讨会在北京召开"
    font = TTFont(SONG)
    subsetter = subset.Subsetter(subset.Options(notdef_outline=True, layout_features=[]))
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(tmp_path / "shuffled.otf")
    html = f"""<html lang="zh-CN"><style>
      @font-face {{ font-family: f; src: url({(tmp_path / "shuffled.otf").as_uri()}) }}
      @page {{ size: 200pt 100pt; margin: 10pt }} p {{ font: 14pt f }}
    </style><p>{text}</p></html>"""
    pdf = weasy_write(html, tmp_path / "shuffled.pdf")
    findings = [f for f in inspect_press(pdf, engines=True).findings if f.rule == "engines"]
    assert any("Ghostscript draws this page differently" in f.message for f in findings)
    assert any(
        f.message.startswith("MuPDF draws this page differently")
        and "in other shapes: glyphs missing or wrong?" in f.message
        for f in findings
    ), [f.message for f in findings]
    assert all(f.severity == "error" for f in findings)
    assert not [f for f in inspect_press(pdf).findings if f.rule == "engines"]  # only on request


def test_press_preflight_of_the_sample_names_the_engines_that_agree(sample_x4):
    result = run_cli("preflight", str(sample_x4), "--press")
    assert result.returncode == 0, result.stdout
    assert "Engines:        poppler, MuPDF, Ghostscript draw and read it as pdfium" in result.stdout


# --- a check that cannot check says so (issue 26) ------------------------------------------


def preflight_with_path(pdf: Path, path: Path):
    """``preflight --press`` with PATH holding only ``path`` (the engines it links)."""
    return run_cli("preflight", str(pdf), "--press", env={**os.environ, "PATH": str(path)})


def test_preflight_press_without_the_engines_exits_2_naming_them(sample_x4, tmp_path):
    result = preflight_with_path(sample_x4, tmp_path)
    last = result.stdout.rstrip().splitlines()[-1]
    assert result.returncode == 2, result.stdout
    assert last.startswith("INCOMPLETE: 0 errors"), last
    for engine in ENGINES:
        assert f"{engine.name} (apt-get install {engine.package})" in last, last
    assert not any(line.startswith("PASS") for line in result.stdout.splitlines())
    assert "not checked with poppler, MuPDF, Ghostscript (not installed)" in result.stdout


def test_preflight_press_with_one_engine_names_the_others(sample_x4, tmp_path):
    (tmp_path / "gs").symlink_to(shutil.which("gs"))
    result = preflight_with_path(sample_x4, tmp_path)
    last = result.stdout.rstrip().splitlines()[-1]
    assert result.returncode == 2, result.stdout
    assert "poppler (apt-get install poppler-utils)" in last
    assert "MuPDF (apt-get install mupdf-tools)" in last
    assert "Ghostscript" not in last  # it drew the file, as pdfium does
    assert "Ghostscript draw and read it as pdfium" in result.stdout


def test_without_the_engines_a_faulty_file_still_fails_and_exits_2(sample_pdf, tmp_path):
    """A screen PDF is no PDF/X: FAIL, and exit 2 as the engine check was not made."""
    result = preflight_with_path(sample_pdf.path, tmp_path)
    last = result.stdout.rstrip().splitlines()[-1]
    assert result.returncode == 2, result.stdout
    assert last.startswith("FAIL") and "not checked: poppler" in last, last
