"""``compositor build --press``: the sample as PDF/X-4 and PDF/X-1a, read back with pikepdf.

Each press variant is built once per module through the real CLI. The checks here
walk the files themselves (they do not reuse compositor's own PDF walker), so a bug
shared by the converter and the preflight cannot hide.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE, press_page, read_pdf, run_cli, squash
from PIL import Image

from compositor.errors import LayoutError
from compositor.layout import load_layout
from compositor.preflight.press import check_press
from compositor.press.icc import DEFAULT_PROFILE, load_output_profile, read_icc_header
from compositor.press.output import PressSettings

ROOT = Path(__file__).resolve().parent.parent
POINTS_PER_MM = 72 / 25.4
A4 = (210 * POINTS_PER_MM, 297 * POINTS_PER_MM)
COLOPHON = "科技部火炬高技术产业开发中心"
EDITORS = "责任编辑"
TOLERANCE = 0.01  # points


def build(out: Path, *options: str) -> Path:
    result = run_cli("build", str(SAMPLE), "-o", str(out), *options)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def x4(tmp_path_factory) -> Path:
    """PDF/X-4 with every default: 3 mm bleed, no marks, no padding."""
    return build(tmp_path_factory.mktemp("press") / "x4.pdf", "--press")


@pytest.fixture(scope="module")
def x1a(tmp_path_factory) -> Path:
    """PDF/X-1a with crop marks, a 5 mm bleed (beyond WeasyPrint's 10 pt) and --pad-to 8
    (the sample's 12 pages are a multiple of 4: 8 makes it pad)."""
    out = tmp_path_factory.mktemp("press") / "x1a.pdf"
    return build(out, "--press", "--pdf-x", "1a", "--marks", "--bleed", "5", "--pad-to", "8")


@pytest.fixture(params=["x4", "x1a"])
def press_pdf(request) -> Path:
    return request.getfixturevalue(request.param)


def box(page: pikepdf.Page, name: str) -> tuple[float, float, float, float]:
    return tuple(float(v) for v in page.obj[name])


def assert_box(actual, expected) -> None:
    assert all(abs(a - e) < TOLERANCE for a, e in zip(actual, expected, strict=True)), (
        actual,
        expected,
    )


def content_streams(pdf: pikepdf.Pdf):
    """(page number, resources, instructions) of every page and nested form XObject."""
    seen = set()

    def forms(number, resources):
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                inner = xobject.get("/Resources", resources)
                yield number, inner, pikepdf.parse_content_stream(xobject)
                yield from forms(number, inner)

    for number, page in enumerate(pdf.pages, start=1):
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        yield number, resources, pikepdf.parse_content_stream(page)
        yield from forms(number, resources)


def images(pdf: pikepdf.Pdf):
    for page in pdf.pages:
        for xobject in page.obj.get("/Resources", {}).get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Image":
                yield xobject


# ------------------------------------------------------------------- PDF/X keys


def test_x4_declares_pdfx4(x4):
    with pikepdf.open(x4) as pdf:
        assert pdf.pdf_version == "1.6"
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.docinfo.Trapped == pikepdf.Name("/False")
        xmp = pdf.Root.Metadata.read_bytes().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert "<xmpMM:VersionID>1</xmpMM:VersionID>" in xmp
    assert "<xmp:CreateDate>2022-10-18T00:00:00Z</xmp:CreateDate>" in xmp  # the issue date
    # Content-derived ids: name-based (version 5) uuids, never WeasyPrint's random uuid4.
    ids = re.findall(r"<xmpMM:(?:Document|Instance)ID>uuid:([0-9a-f-]{36})<", xmp)
    assert len(ids) == 2 and all(i[14] == "5" for i in ids), ids


def test_x1a_declares_pdfx1a(x1a):
    with pikepdf.open(x1a) as pdf:
        assert pdf.pdf_version == "1.4"
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-1a:2003"
        assert pdf.docinfo.Trapped == pikepdf.Name("/False")
        for key in ("/Title", "/CreationDate", "/ModDate"):
            assert key in pdf.docinfo
        assert "/ID" in pdf.trailer


def test_output_intent_is_the_cmyk_profile(press_pdf):
    with pikepdf.open(press_pdf) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier)
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4
        data = profile.read_bytes()
    header = read_icc_header(data)
    assert (header.colour_space, header.device_class) == ("CMYK", "prtr")
    assert data == DEFAULT_PROFILE.read_bytes()


# ------------------------------------------------------------------ boxes, marks


def test_x4_boxes_are_a4_with_3mm_bleed_on_every_page(x4):
    bleed = 3 * POINTS_PER_MM
    expected_bleed = (-bleed, -bleed, A4[0] + bleed, A4[1] + bleed)
    with pikepdf.open(x4) as pdf:
        for page in pdf.pages:
            assert_box(box(page, "/TrimBox"), (0, 0, *A4))
            assert_box(box(page, "/BleedBox"), expected_bleed)
            assert_box(box(page, "/MediaBox"), expected_bleed)  # no marks: nothing beyond


def test_bleed_option_goes_beyond_weasyprints_10pt_and_marks_widen_the_media(x1a):
    bleed = 5 * POINTS_PER_MM  # 14.2 pt
    with pikepdf.open(x1a) as pdf:
        for page in pdf.pages:
            assert_box(box(page, "/TrimBox"), (0, 0, *A4))
            assert_box(box(page, "/BleedBox"), (-bleed, -bleed, A4[0] + bleed, A4[1] + bleed))
            media = box(page, "/MediaBox")
            assert media[0] < -bleed - 5 * POINTS_PER_MM and media[2] > A4[0] + bleed + 5


def test_crop_marks_print_outside_the_bleed_in_line_with_the_trim(x1a):
    """Render the first page whole and look at the paper: ink only where marks belong."""
    scale = 4 / POINTS_PER_MM  # 4 pixels per mm
    with pikepdf.open(x1a) as pdf:
        media = box(pdf.pages[0], "/MediaBox")
        bleed = box(pdf.pages[0], "/BleedBox")
    document = pdfium.PdfDocument(str(x1a))
    image = document[0].render(scale=scale).to_pil().convert("L")
    document.close()

    def pixel(x_pt: float, y_pt: float) -> int:  # PDF coordinates → image pixel
        return image.getpixel((round((x_pt - media[0]) * scale), round((media[3] - y_pt) * scale)))

    # Bleed strip (trim edge → bleed edge) along the left side is bare paper: no mark in it.
    for y in range(0, int(A4[1]), 5):
        for x in (bleed[0] + 1, -1.0):
            assert pixel(x, y) > 250, (x, y)
    # A vertical mark continues the left trim edge below the bleed, a horizontal one the
    # bottom trim edge left of the bleed.
    below = [pixel(0, y) for y in range(int(media[1]) + 1, int(bleed[1]))]
    left = [pixel(x, 0) for x in range(int(media[0]) + 1, int(bleed[0]))]
    assert min(below) < 128 and min(left) < 128


def test_screen_pdf_has_no_bleed_or_marks(sample_pdf):
    with pikepdf.open(sample_pdf.path) as pdf:
        for page in pdf.pages:
            assert_box(box(page, "/MediaBox"), (0, 0, *A4))


# ------------------------------------------------------------------------ colour


def test_every_colour_is_cmyk(press_pdf):
    with pikepdf.open(press_pdf) as pdf:
        for number, resources, instructions in content_streams(pdf):
            # Crop marks print on every plate: the /All separation (registration colour).
            registration = [
                name
                for name, space in resources.get("/ColorSpace", {}).items()
                if isinstance(space, pikepdf.Array) and list(space[:2]) == ["/Separation", "/All"]
            ]
            for instruction in instructions:
                operator = str(instruction.operator)
                assert operator not in ("rg", "RG", "g", "G"), (number, operator)
                if operator in ("cs", "CS"):
                    space = instruction.operands[0]
                    assert space in ("/DeviceCMYK", "/Pattern", *registration), number
            for name, space in resources.get("/ColorSpace", {}).items():
                assert space == "/DeviceCMYK" or name in registration, (number, name, space)
        for image in images(pdf):
            assert image.ColorSpace == "/DeviceCMYK"
        for page in pdf.pages:
            assert "/Annots" not in page.obj  # links mean nothing on paper (and PDF/X bans them)
            assert page.obj.get("/Group", {}).get("/CS", "/DeviceCMYK") == "/DeviceCMYK"


def test_text_is_in_the_layouts_cmyk_colours_and_black_text_is_k_only(press_pdf):
    layout = load_layout(ROOT / "layouts" / "torch")
    palette = {tuple(v / 100 for v in colour.cmyk) for colour in layout.colours}
    used = set()
    with pikepdf.open(press_pdf) as pdf:
        for _, _, instructions in content_streams(pdf):
            fill = None
            for instruction in instructions:
                operator = str(instruction.operator)
                if operator in ("k", "scn", "sc") and len(instruction.operands) == 4:
                    fill = tuple(float(v) for v in instruction.operands)
                elif operator in ("Tj", "TJ"):
                    used.add(fill)
    assert used <= palette, used - palette
    assert (0.0, 0.0, 0.0, 1.0) in used  # body text: K100, never rich black
    assert (0.0, 1.0, 1.0, 0.0) in used  # the masthead red


# ------------------------------------------------------------------ fonts, structure


def test_fonts_are_embedded_and_none_is_type3(press_pdf):
    opentype = press_pdf.name == "x4.pdf"  # PDF 1.4 (X-1a) has no OpenType font programs
    with pikepdf.open(press_pdf) as pdf:
        fonts = {
            font.objgen: font
            for page in pdf.pages
            for font in page.obj.Resources.get("/Font", {}).values()
        }
        assert fonts
        for font in fonts.values():
            assert font.Subtype != "/Type3"
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.FontDescriptor
                programs = [descriptor.get(k) for k in ("/FontFile", "/FontFile2", "/FontFile3")]
                programs = [p for p in programs if p is not None]
                assert programs, f"{font.BaseFont} is not embedded"
                if "/FontFile3" in descriptor and not opentype:
                    assert descriptor.FontFile3.Subtype == "/CIDFontType0C"


def test_x1a_has_no_transparency(x1a):
    with pikepdf.open(x1a) as pdf:
        for page in pdf.pages:
            assert "/Group" not in page.obj
            resources = page.obj.Resources
            for state in resources.get("/ExtGState", {}).values():
                assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1
                assert state.get("/SMask", "/None") == "/None"
                assert state.get("/BM", "/Normal") in ("/Normal", "/Compatible")
        for image in images(pdf):
            assert "/SMask" not in image


def test_x1a_text_reads_back_through_the_bare_cff_fonts(x1a, sample_pdf):
    """Re-embedded fonts must still map glyphs to the right characters and shapes."""
    press_text = squash("".join(read_pdf(x1a).pages))
    assert squash(sample_pdf.pages[1]) in press_text
    document = pdfium.PdfDocument(str(x1a))
    inked = document[0].render(scale=0.5).to_pil().convert("L").histogram()[:128]
    document.close()
    assert sum(inked) > 5000  # the Han text is drawn, not blank boxes


def test_qpdf_finds_no_structural_error(press_pdf):
    result = subprocess.run(["qpdf", "--check", str(press_pdf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


# -------------------------------------------------------------- reproducibility


def test_press_builds_are_byte_identical(x4, tmp_path):
    again = build(tmp_path / "again.pdf", "--press")
    assert again.read_bytes() == x4.read_bytes()


def test_screen_builds_are_byte_identical(sample_pdf, tmp_path):
    result = run_cli("build", str(SAMPLE), "-o", str(tmp_path / "again.pdf"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "again.pdf").read_bytes() == sample_pdf.path.read_bytes()


# ------------------------------------------------------------------------ pages


def test_press_keeps_the_screen_pages(x4, sample_pdf):
    assert read_pdf(x4).pages == sample_pdf.pages


def test_pad_to_8_adds_blank_pages_before_the_colophon_page(x1a, sample_pdf):
    pages = read_pdf(x1a).pages
    assert len(pages) % 8 == 0 and len(pages) > sample_pdf.page_count
    last = squash(pages[-1])
    assert COLOPHON in last and EDITORS in last
    blanks = [number for number, text in enumerate(pages, start=1) if not text.strip()]
    assert blanks and blanks == list(range(blanks[0], len(pages)))  # contiguous, before last
    # The text before the blanks is the whole issue, in order.
    screen_body = squash("".join(sample_pdf.pages)).split(EDITORS)[0]
    assert squash(pages[blanks[0] - 2]).split("火炬动态·")[0] in screen_body


# ------------------------------------------------------------------- preflight


def test_press_checks_find_nothing_in_our_pdfs(press_pdf):
    assert check_press(press_pdf) == []


def test_preflight_press_passes_on_our_pdfs(press_pdf):
    result = run_cli("preflight", str(press_pdf), "--press")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS: 0 errors, 0 warnings" in result.stdout and "CMYK only" in result.stdout


def test_preflight_press_fails_a_screen_pdf(sample_pdf):
    result = run_cli("preflight", str(sample_pdf.path), "--press")
    assert result.returncode == 1, result.stdout + result.stderr
    report = result.stdout
    for rule in ("pdfx-version", "output-intent", "rgb", "annotations"):
        assert rule in report, rule
    assert "FAIL" in report


# ------------------------------------------- what the sample layout does not use


def png(mode: str, colour) -> str:
    buffer = io.BytesIO()
    Image.new(mode, (8, 8), colour).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def crafted(pdf_x: str, body: str) -> bytes:
    """A page outside the layout's palette: RGB CSS colours, images, a band to the edge."""
    css = (
        "@page { size: 210mm 297mm; margin: 20mm; } body { margin: 0; }"
        # The designers' hook: reach the trim edge, then the bleed, with var(--bleed, 0mm).
        ".band { background: #e50012; height: 15mm;"
        " margin: calc(-20mm - var(--bleed, 0mm)) calc(-20mm - var(--bleed, 0mm)) 0; }"
    )
    return press_page(body, css, PressSettings(pdf_x=pdf_x))


def test_rgb_css_colours_and_images_become_cmyk_and_greys_k_only(tmp_path):
    body = (
        '<div class="band"></div><p>default black</p>'
        '<p style="color: #336699; border: 1pt solid #808080">blue text, grey rule</p>'
        f'<img src="{png("RGB", (200, 30, 40))}"><img src="{png("L", 128)}">'
        f'<img src="{png("RGBA", (0, 0, 255, 100))}"><a href="#x">a link</a>'
    )
    path = tmp_path / "crafted.pdf"
    path.write_bytes(crafted("4", body))
    fills = set()
    with pikepdf.open(path) as pdf:
        for _, _, instructions in content_streams(pdf):
            for instruction in instructions:
                assert str(instruction.operator) not in ("rg", "RG", "g", "G")
                if str(instruction.operator) in ("k", "K"):
                    fills.add(tuple(float(v) for v in instruction.operands))
        converted = list(images(pdf))
        assert len(converted) == 3
        assert all(image.ColorSpace == "/DeviceCMYK" for image in converted)
        assert sum("/SMask" in image for image in converted) == 1  # X-4 keeps the alpha
        assert "/Annots" not in pdf.pages[0].obj
    assert (0, 0, 0, 1) in fills  # WeasyPrint's default black → K100, not rich black
    assert (0, 0, 0, 0.498) in fills  # #808080 → K50 only
    blue = [f for f in fills if f[0] > 0.5 and f[1] > 0.3 and f[2] < 0.5]
    assert blue, fills  # #336699 through the output profile
    # The band reaches into the bleed: the paper above the trim edge is red.
    document = pdfium.PdfDocument(str(path))
    image = document[0].render(scale=2).to_pil()
    document.close()
    red, green, blue_channel = image.getpixel((image.width // 2, 2))  # 1 mm into the bleed
    assert red > 200 and green < 80 and blue_channel < 80


def test_x1a_refuses_an_image_with_alpha():
    body = f'<img src="{png("RGBA", (0, 0, 255, 100))}">'
    with pytest.raises(LayoutError, match="alpha channel"):
        crafted("1a", body)


def test_a_layout_profile_must_be_cmyk(tmp_path):
    from PIL import ImageCms

    srgb = tmp_path / "srgb.icc"
    srgb.write_bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    with pytest.raises(LayoutError, match="CMYK output"):
        load_output_profile(srgb)


def test_press_options_need_press():
    result = run_cli("build", str(SAMPLE), "--marks", "-o", "/dev/null")
    assert result.returncode == 2
    assert "--press" in result.stderr
