"""A corpus of faulty press files, and clean ones (issue 27): what a print shop's preflight
flags, ``preflight --press`` must flag, naming the fault and the page; what it accepts,
``preflight --press`` must pass.

Each faulty file is the sample, built as press PDF with one edit: a line of CSS added to
a copy of layouts/torch (text colours, a hairline, a banner stopped at the trim), or the
sample's press PDF edited with pikepdf (white set to overprint, a four-colour shading).
Ghostscript's separations (tiffsep, as a RIP makes the plates) show each fault for
itself, so every test asserts what the plates show as well as what preflight says.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, SAMPLE, run_cli
from pikepdf import Name
from PIL import Image

from compositor.build import build_issue
from compositor.preflight.press import inspect_press
from compositor.preflight.press_plates import plate_file, separate
from compositor.press.output import PressSettings
from compositor.press.pdfwalk import walk

# case → the CSS added to the end of the layout's style.css
CSS_CASES = {
    # case 1 of the issue: the grey-text rule once let both through
    "text-111111": "p { color: #111111; }",
    "text-111827": "p { color: #111827; }",
    "hairline": ".banner { border-top: 0.05pt solid var(--rule); }",
    "thin-rule": ".banner { border-top: 0.2pt solid var(--rule); }",
    # the banner widened to the trim edges (the page margin is 77.13pt), not to the bleed
    "no-bleed": ".banner { margin-left: -77.13pt; margin-right: -77.13pt; }",
    # clean: the banner translucent (case 6), a gradient of layout colours (case 8)
    "opacity": ".banner { opacity: 0.6; }",
    "gradient": ".banner { background: linear-gradient(to right, var(--text), var(--red)); }",
}
BANNER_PAGES = (1, 4, 9)  # the sample's section banners (火炬在行动, 聚焦二十大, 奋进新征程)


def build_with_css(folder: Path, name: str, css: str) -> Path:
    """The sample as PDF/X-4, laid out by a copy of the layouts with ``css`` added."""
    layouts = folder / name / "layouts"
    shutil.copytree(ROOT / "layouts", layouts)
    with (layouts / "torch" / "style.css").open("a", encoding="utf-8") as style:
        style.write(f"\n{css}\n")
    target = folder / f"{name}.pdf"
    build_issue(SAMPLE, target, press=PressSettings(), layout=str(layouts / "torch"))
    return target


def white_overprint(source: Path, target: Path) -> Path:
    """Case 4: every white fill (the banners' white titles) set to overprint."""
    with pikepdf.open(source) as pdf:
        for page in pdf.pages:
            resources = page.Resources
            state = pdf.make_indirect(pikepdf.Dictionary(OP=True, op=True, OPM=1))
            resources.ExtGState.WhiteOP = state
            for form in [page, *resources.get("/XObject", {}).values()]:
                _overprint_white(form, pdf)
        pdf.save(target)
    return target


def _overprint_white(owner, pdf) -> None:
    instructions = pikepdf.parse_content_stream(owner)
    edited = []
    for instruction in instructions:
        edited.append(instruction)
        operands = [float(v) for v in getattr(instruction, "operands", []) if _number(v)]
        if str(getattr(instruction, "operator", "")) in ("k", "scn") and operands == [0] * 4:
            edited.append(pikepdf.ContentStreamInstruction([Name.WhiteOP], pikepdf.Operator("gs")))
    data = pikepdf.unparse_content_stream(edited)
    if isinstance(owner, pikepdf.Page):
        owner.obj.Contents = pdf.make_stream(data)
    else:
        owner.write(data)


def _number(value) -> bool:
    return isinstance(value, int | float) or type(value).__name__ == "Decimal"


def heavy_shading(source: Path, target: Path) -> Path:
    """Case 5: an axial shading from C100 M100 Y100 K100 to nothing, on page 2."""
    with pikepdf.open(source) as pdf:
        page = pdf.pages[1]
        function = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1, 1],
                                      C1=[0, 0, 0, 0], N=1)  # fmt: skip
        shading = pdf.make_indirect(
            pikepdf.Dictionary(
                ShadingType=2,
                ColorSpace=Name.DeviceCMYK,
                Coords=[150, 0, 450, 0],
                Function=function,
                Extend=[True, True],
            )  # fmt: skip
        )
        page.Resources.Shading = pikepdf.Dictionary(Sh27=shading)
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q\nq 150 400 300 100 re W n /Sh27 sh Q\n"))
        pdf.save(target)
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, sample_x4) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    files = {name: build_with_css(folder, name, css) for name, css in CSS_CASES.items()}
    files["white-overprint"] = white_overprint(sample_x4, folder / "white-overprint.pdf")
    files["heavy-shading"] = heavy_shading(sample_x4, folder / "heavy-shading.pdf")
    files["x4"] = sample_x4
    return files


@pytest.fixture(scope="module")
def inspected(corpus):
    """Each file's press inspection, with the separations measured (no engines)."""
    return {name: inspect_press(path, separations=True) for name, path in corpus.items()}


@pytest.fixture(scope="module")
def plate_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plates")


@pytest.fixture(scope="module")
def plates(corpus, plate_dir):
    """Ghostscript's separations of each file: {name: [PagePlates]}; the plates are kept
    as PNG files in ``plate_dir / name``."""
    return {name: separate(path, keep=plate_dir / name).pages for name, path in corpus.items()}


def plate_pixels(tmp_root: Path, name: str, page: int, ink: str) -> list[int]:
    with Image.open(tmp_root / name / plate_file(page, ink)) as image:
        return list(image.tobytes())


def screened_share(corpus_plates: Path, name: str, page: int) -> float:
    """The share of a page's Black-plate ink at 90–96 % (screened, not solid)."""
    pixels = plate_pixels(corpus_plates, name, page, "Black")
    inked = [v for v in pixels if v < 250]
    return sum(1 for v in inked if 10 <= v <= 26) / len(inked)


def errors(inspection, rule: str) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for finding in inspection.findings:
        if finding.rule == rule and finding.severity == "error":
            found.setdefault(finding.page, []).append(finding.message)
    return found


# ------------------------------------------------------------------- false PASSes


@pytest.mark.parametrize(
    ("case", "shown"),
    [("text-111111", "screened black C0% M0% Y0% K93%"),
     ("text-111827", "four-colour black C85% M77% Y55% K71%")],
)  # fmt: skip
def test_small_text_not_in_solid_ink_fails(inspected, plates, plate_dir, case, shown):
    found = errors(inspected[case], "small-text-ink")
    assert not inspected[case].passed
    assert set(found) == set(range(1, 13)), found  # body text on every page
    assert any(f"10.5 pt text in {shown}" in m for m in found[2]), found[2]
    assert not errors(inspected["x4"], "small-text-ink")
    # What the plates show: the K100 text of the sample is on Black only; #111827's
    # text is on all four plates, #111111's on Black alone but screened (under 100 %).
    clean, edited = plates["x4"][1], plates[case][1]
    assert clean.coverage["Cyan"] == 0
    if case == "text-111827":
        assert edited.coverage["Cyan"] > 0.02
        # the text's own C85 M77 Y55 (nothing else on the page has cyan)
        assert edited.peak["Cyan"] == pytest.approx(85, abs=1.5)
        assert edited.peak["Magenta"] >= 76
    else:
        assert edited.coverage["Cyan"] == 0
        assert screened_share(plate_dir, case, 2) > 0.3  # the text: K93, a screen
        assert screened_share(plate_dir, "x4", 2) < 0.05


def test_four_colour_text_is_no_glyph_fault_for_the_engines(corpus):
    """MuPDF, simulating the page's overprint, draws #111827's C85 M77 Y55 K71 text as
    plates turned grey: its antialiased edges far darker than pdfium's, a pixel fatter as
    ink. The glyphs are there: a warning naming the grey, not "glyphs missing"."""
    findings = [
        f for f in inspect_press(corpus["text-111827"], engines=True).findings
        if f.rule == "engines"
    ]  # fmt: skip
    said = [f"{f.page}: {f.message}" for f in findings]
    assert not any("glyphs missing" in f.message for f in findings), said
    assert all(f.severity == "warning" for f in findings), said
    darker = {
        f.page
        for f in findings
        if f.message.startswith("MuPDF draws this page darker than pdfium")
        and "in the same shapes" in f.message
    }
    assert darker >= set(range(2, 13)), said  # the pages of body text


def test_a_hairline_fails_and_a_thin_rule_warns(inspected, plates):
    found = errors(inspected["hairline"], "line-weight")
    assert set(found) == set(BANNER_PAGES), found
    assert "0.05 pt thick, under 0.1 pt" in found[1][0]
    thin = [f for f in inspected["thin-rule"].findings if f.rule == "line-weight"]
    assert thin and all(f.severity == "warning" for f in thin)
    assert {f.page for f in thin} == set(BANNER_PAGES)
    assert "0.20 pt thick, under 0.25 pt" in thin[0].message
    assert inspected["thin-rule"].passed
    # At 50 dpi a 0.05 pt line is a row of faint pixels on the Black plate above the banner.
    assert plates["hairline"][0].coverage["Black"] > plates["x4"][0].coverage["Black"]


def test_a_banner_stopped_at_the_trim_fails(inspected, plates):
    found = errors(inspected["no-bleed"], "bleed-edge")
    assert set(found) == set(BANNER_PAGES), found
    assert "touches the trim at the left edge but stops short of the bleed" in found[1][0]
    assert not errors(inspected["x4"], "bleed-edge")
    # The plates (cut to the bleed box): the banner's magenta reaches the trim, 3 mm in.
    assert plates["no-bleed"][0].coverage["Magenta"] > plates["x4"][0].coverage["Magenta"]


def test_white_set_to_overprint_fails(inspected, plates):
    found = errors(inspected["white-overprint"], "overprint")
    assert set(found) >= set(BANNER_PAGES), found
    assert "white text set to overprint: it vanishes in print" in found[1][0]
    overprint = dict(inspected["white-overprint"].summary)["Overprint"]
    assert "text in C0% M0% Y0% K0%" in overprint
    # tiffsep honours overprint: the white title knocks nothing out of the red banner,
    # so there is more magenta on the page than in the sample.
    assert plates["white-overprint"][0].coverage["Magenta"] > plates["x4"][0].coverage["Magenta"]


def test_total_ink_of_a_shading_is_measured_on_the_plates(inspected, plates):
    found = errors(inspected["heavy-shading"], "total-ink")
    assert list(found) == [2], found
    assert found[2][0].startswith("400 % total ink on the plates")
    # The operators alone say 200 % (the summary of the colours set); the plates 400 %.
    assert "200 % at most" in dict(inspected["heavy-shading"].summary)["Total ink"]
    page = plates["heavy-shading"][1]
    assert page.total == pytest.approx(400, abs=2)
    assert all(page.peak[ink] > 98 for ink in ("Cyan", "Magenta", "Yellow", "Black"))


# ------------------------------------------------------------------- clean files


@pytest.mark.parametrize("case", ["x4", "opacity", "gradient"])
def test_clean_files_pass_the_press_checks(inspected, case):
    assert inspected[case].passed, [f for f in inspected[case].findings if f.severity == "error"]


def test_a_cmyk_gradient_of_layout_colours_is_a_cmyk_shading(corpus, plates):
    with pikepdf.open(corpus["gradient"]) as pdf:
        shadings = [item.obj for item in walk(pdf).shadings]
        # one per banner, each counted for the page that draws it (not page 1, whose
        # resources WeasyPrint shares with every page)
        assert [item.pages for item in walk(pdf).shadings] == [(page,) for page in BANNER_PAGES]
        functions = [s.Function.Functions[0] for s in shadings]
        assert shadings and all(s.ColorSpace == Name.DeviceCMYK for s in shadings)
        assert [list(map(float, f.C0)) + list(map(float, f.C1)) for f in functions][0] == [
            0, 0, 0, 1, 0, 1, 1, 0,
        ]  # fmt: skip
    page = plates["gradient"][0]
    assert page.total == pytest.approx(200, abs=2)  # K100 → M100 Y100: 100 + t % at most


def test_preflight_passes_a_translucent_banner_with_every_engine(corpus):
    """Case 6: the engines draw opacity in their own greys; that is not a glyph problem."""
    result = run_cli("preflight", str(corpus["opacity"]), "--press")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Engines:        poppler, MuPDF, Ghostscript draw and read it as pdfium" in result.stdout
    assert result.stdout.rstrip().endswith("PASS: 0 errors, 0 warnings")


def test_preflight_names_the_fault_and_page_and_keeps_reports(corpus, tmp_path):
    report = tmp_path / "report"
    findings = tmp_path / "findings.json"
    result = run_cli(
        "preflight", str(corpus["no-bleed"]), "--press",
        "--json", str(findings), "--report", str(report),
    )  # fmt: skip
    assert result.returncode == 1
    assert "ERROR   page 1    bleed-edge" in result.stdout
    assert result.stdout.rstrip().splitlines()[-1].startswith("FAIL")
    import json

    data = json.loads(findings.read_text(encoding="utf-8"))
    assert data["passed"] is False and data["verdict"].startswith("FAIL")
    assert {"page": 4, "rule": "bleed-edge", "severity": "error"}.items() <= next(
        f for f in data["findings"] if f["rule"] == "bleed-edge" and f["page"] == 4
    ).items()
    pngs = sorted(p.name for p in report.glob("page-01-*.png"))
    assert pngs == [f"page-01-{ink}.png" for ink in ("Black", "Cyan", "Magenta", "Yellow")]
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "page-12-Black.png" in page and "bleed-edge" in page
