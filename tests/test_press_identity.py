"""Press files say truly what they are and where things are (issue 27): objects on the
pages that draw them, pictures by file and article, the output condition by its
registered name, black overprinting, the plates of a black + spot job, gradients of
layout colours in CMYK.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA, ROOT, SAMPLE, draw_pictures, press_page, run_cli
from pikepdf import Name
from PIL import Image

from compositor.errors import LayoutError
from compositor.layout import load_layout
from compositor.preflight.press import inspect_press
from compositor.preflight.press_plates import plate_file, separate
from compositor.press.cmyk import PressRefused
from compositor.press.icc import DEFAULT_PROFILE
from compositor.press.output import PressSettings
from compositor.render.html import colour_css

ARTICLE = "火炬中心召开高新区工作座谈会"  # tests/data/figures/2023-02/01.md
CHART_ARTICLE = "2022年国家高新区主要经济指标"  # 02.md


@pytest.fixture(scope="module")
def figures_x4(tmp_path_factory) -> Path:
    """The pictures test issue (four CMYK pictures on pages 2-4) as PDF/X-4."""
    work = tmp_path_factory.mktemp("figures")
    shutil.copytree(DATA / "figures", work / "figures")
    issue = work / "figures" / "2023-02"
    draw_pictures(issue)
    target = work / "figures.pdf"
    result = run_cli("build", str(issue), "--press", "-o", str(target))
    assert result.returncode == 0, result.stderr
    return target


def test_inks_are_counted_on_the_pages_that_draw_them(figures_x4):
    """WeasyPrint lists every picture in page 1's resources; only pages 2-4 draw one."""
    summary = dict(inspect_press(figures_x4).summary)
    with_cyan = [n for n in range(1, 7) if "Cyan" in summary[f"  page {n}"]]
    plates = separate(figures_x4).pages
    assert with_cyan == [p.page for p in plates if p.coverage["Cyan"] > 0] == [2, 3, 4]


def test_pictures_are_named_by_file_and_article_on_their_page(figures_x4):
    inspection = inspect_press(figures_x4, max_ink=250)
    heavy = [f for f in inspection.findings if f.rule == "total-ink"]
    assert [(f.page, f.message.split(":")[0]) for f in heavy] == [
        (4, f"picture chart.png ({CHART_ARTICLE})")
    ]
    summary = dict(inspection.summary)
    assert summary["  image 3"].startswith(f"page 3, picture park-cmyk.jpg ({ARTICLE}), 1800×1200")
    assert "/i" not in "".join(f.message for f in inspection.findings)


# ------------------------------------------------------------------ output condition


def renamed_profile(description: str) -> bytes:
    """Ghostscript's CMYK profile with another description tag: a stand-in for a shop's
    registered profile (FOGRA39, Japan Color 2001 Coated are not redistributable)."""
    data = bytearray(DEFAULT_PROFILE.read_bytes())
    text = description.encode("ascii") + b"\0"
    tag = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(8) + bytes(3 + 67)
    offset = len(data) + (-len(data) % 4)
    data += bytes(offset - len(data)) + tag
    (count,) = struct.unpack(">I", data[128:132])
    for entry in range(128 + 4, 128 + 4 + 12 * count, 12):
        if data[entry : entry + 4] == b"desc":
            data[entry + 4 : entry + 12] = struct.pack(">II", offset, len(tag))
    data[0:4] = struct.pack(">I", len(data))
    data[84:100] = bytes(16)  # no profile id (an MD5 of the original)
    return bytes(data)


@pytest.fixture(scope="module")
def japan_color(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("jc")
    profile = folder / "JapanColor2001Coated.icc"
    profile.write_bytes(renamed_profile("Japan Color 2001 Coated"))
    target = folder / "jc.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "--profile", str(profile), "-o", str(target))
    assert result.returncode == 0, result.stderr
    return target


def test_a_registered_profile_declares_its_condition_and_ink_limit(japan_color):
    with pikepdf.open(japan_color) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "JC200103"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "Japan Color 2001 Coated" in str(intent.OutputCondition)
        assert intent.DestOutputProfile.read_bytes() == renamed_profile("Japan Color 2001 Coated")
    summary = dict(inspect_press(japan_color).summary)
    assert summary["Total ink"] == "200 % at most (limit 350 %)"
    assert summary["Output intent"].startswith("Japan Color 2001 Coated — JC200103")


def test_the_default_profile_is_named_as_what_it_is(sample_x4):
    with pikepdf.open(sample_x4) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.OutputConditionIdentifier) == "Custom"
        assert str(intent.OutputCondition) == "Artifex CMYK SWOP Profile"
    assert dict(inspect_press(sample_x4).summary)["Total ink"].endswith("(limit 300 %)")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "coated-offset" not in readme and "Artifex CMYK SWOP Profile" in readme


# ------------------------------------------------------------------ black overprint


TORCH = load_layout(ROOT / "layouts" / "torch")
BLACK_ON_RED = (
    "@page { size: 210mm 297mm; margin: 20mm; } body { margin: 0; }"
    ".band { background: var(--red); padding: 10mm; font-size: 40pt; color: var(--text); }"
)


@pytest.fixture(scope="module")
def black_on_red(tmp_path_factory) -> dict[bool, Path]:
    """Black type on a red band, built with black overprinting (the default) and not."""
    folder = tmp_path_factory.mktemp("overprint")
    files = {}
    for overprint in (True, False):
        css = colour_css(TORCH, press=True) + BLACK_ON_RED
        pdf = press_page(
            '<div class="band">火炬</div>', css, PressSettings(overprint_black=overprint)
        )
        files[overprint] = folder / f"overprint-{overprint}.pdf"
        files[overprint].write_bytes(pdf)
    return files


def test_black_overprints_by_default_and_knocks_out_when_asked(black_on_red, tmp_path):
    under_black = {}
    for overprint, path in black_on_red.items():
        separate(path, keep=tmp_path / str(overprint))
        plates = {}
        for ink in ("Black", "Magenta"):
            with Image.open(tmp_path / str(overprint) / plate_file(1, ink)) as plate:
                plates[ink] = plate.tobytes()
        solid_black = [i for i, v in enumerate(plates["Black"]) if v == 0]
        assert len(solid_black) > 200  # the letters
        full = sum(plates["Magenta"][i] == 0 for i in solid_black)
        under_black[overprint] = full / len(solid_black)
        summary = dict(inspect_press(path).summary)["Overprint"]
        assert ("text in C0% M0% Y0% K100%" in summary) is overprint
        assert ("set to overprint by the build" in summary) is overprint
        assert inspect_press(path).passed
    # Overprinting, the red runs on under the black letters; knocked out, it stops there.
    assert under_black[True] > 0.95
    assert under_black[False] < 0.05


def test_only_black_overprints(black_on_red):
    with pikepdf.open(black_on_red[True]) as pdf:
        states = pdf.pages[0].Resources.ExtGState
        on = [n for n, s in states.items() if s.get("/op") is True]
        assert on and all(states[n].OPM == 1 for n in on)
    from compositor.press.painted import painted

    with pikepdf.open(black_on_red[True]) as pdf:
        for item in painted(pdf):
            if item.colour is not None and item.kind in ("text", "fill"):
                black = tuple(round(v, 4) for v in item.colour.values) == (0, 0, 0, 1)
                assert item.overprint is black, item


# ------------------------------------------------------------------ black + spot


@pytest.fixture(scope="module")
def two_colour(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("2c")
    clean = folder / "2c.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "--inks", "black,spot", "-o", str(clean))
    assert result.returncode == 0, result.stderr
    cyan = folder / "2c-cyan.pdf"
    with pikepdf.open(clean) as pdf:
        page = pdf.pages[2]
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(b"Q\nq 1 0 0 0 k 100 100 50 50 re f Q\n"))
        pdf.save(cyan)
    return {"clean": clean, "cyan": cyan}


def test_a_black_and_spot_file_passes_with_its_plates(two_colour):
    inspection = inspect_press(two_colour["clean"], separations=True)
    assert inspection.passed, [f for f in inspection.findings if f.severity == "error"]
    assert dict(inspection.summary)["Plates"].startswith("Black, PANTONE 485 C (Ghostscript")


def test_ink_on_another_plate_fails_a_black_and_spot_file(two_colour, sample_x4):
    inspection = inspect_press(two_colour["cyan"], separations=True)  # the inks recorded
    plates = [f for f in inspection.findings if f.rule == "plates"]
    assert [f.page for f in plates] == [3]
    assert "ink on the Cyan plate" in plates[0].message
    assert "fill in C100% M0% Y0% K0%" in plates[0].message
    # A four-colour file checked as black + spot: its red is on Magenta and Yellow.
    four = inspect_press(sample_x4, separations=True, inks="black,spot")
    pages = {f.page for f in four.findings if f.rule == "plates"}
    assert pages == {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert any("text in C0% M100% Y100% K0%" in f.message for f in four.findings)


def test_plates_of_a_pdf_without_trim_or_bleed_box_are_measured_on_its_media_box(tmp_path):
    """A PDF made elsewhere may have only a MediaBox: its whole page is what prints."""
    pdf_path = tmp_path / "media-only.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(100, 100))
        page = pdf.pages[0]
        assert "/TrimBox" not in page.obj and "/BleedBox" not in page.obj
        page.contents_add(pdf.make_stream(b"0 0 0 1 k 0 0 50 100 re f\n"))  # left half K
        pdf.save(pdf_path)
    [plates] = separate(pdf_path, dpi=72).pages
    assert plates.coverage["Black"] == pytest.approx(0.5, abs=0.03)
    assert plates.total == pytest.approx(100, abs=1)
    assert plates.total_at[0] < 50 * 25.4 / 72  # in the left half (mm)


# ------------------------------------------------------------------ gradients


def test_an_rgb_gradient_is_refused_with_what_to_write_instead():
    css = ".b { height: 20mm; background: linear-gradient(to right, #336699, #e50012); }"
    with pytest.raises(PressRefused, match=r"linear-gradient\(to right, var\(--red\)"):
        press_page('<div class="b"></div>', css, PressSettings())


def test_a_gradient_mixing_cmyk_and_rgb_says_so():
    css = colour_css(TORCH, press=True) + (
        ".b { height: 20mm; background: linear-gradient(to right, var(--red), #336699); }"
    )
    with pytest.raises(LayoutError, match="mixes CMYK colours with other colours"):
        press_page('<div class="b"></div>', css, PressSettings())


def test_a_cmyk_gradient_prints_its_colours_exactly(tmp_path):
    css = colour_css(TORCH, press=True) + (
        ".b { height: 20mm; background: linear-gradient(to bottom, var(--red), var(--paper)); }"
    )
    path = tmp_path / "gradient.pdf"
    path.write_bytes(press_page('<div class="b"></div>', css, PressSettings()))
    with pikepdf.open(path) as pdf:
        from compositor.press.pdfwalk import walk

        (shading,) = walk(pdf).shadings
        function = shading.obj.Function.Functions[0]
        assert shading.obj.ColorSpace == Name.DeviceCMYK
        assert [float(v) for v in function.C0] == [0, 1, 1, 0]
        assert [float(v) for v in function.C1] == [0, 0, 0, 0]
