"""Press colour (issue 18, defect 13): near-neutral greys on black only, total ink
within the layout's limit, no C/M/Y in text, and nothing hidden in soft masks or forms.

The PDFs here are built by hand with pikepdf, so that each one holds exactly the
colour under test; the crafted page goes through the real WeasyPrint → press path.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name
from test_press import content_streams
from test_spot_colours import press

from compositor.errors import LayoutError
from compositor.layout import load_layout
from compositor.preflight.press import check_press
from compositor.press.cmyk import CmykConverter, convert_to_cmyk
from compositor.press.icc import load_output_profile
from compositor.press.output import PressJob, PressSettings
from compositor.press.pdfwalk import walk

ROOT = Path(__file__).resolve().parent.parent


def one_page(content: bytes) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(200, 200))
    page.obj.Contents = pdf.make_stream(content)
    page.obj.Resources = pikepdf.Dictionary()
    if b" Tf " in content:  # a standard font, not embedded: the rule under test is colour
        font = pikepdf.Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
        page.obj.Resources.Font = pikepdf.Dictionary(F1=font)
    return pdf


def findings(pdf: pikepdf.Pdf, tmp_path: Path, **options) -> dict[str, list[str]]:
    path = tmp_path / "test.pdf"
    pdf.save(path)
    rules: dict[str, list[str]] = {}
    for finding in check_press(path, **options):
        rules.setdefault(finding.rule, []).append(finding.message)
    return rules


def fills(path_or_bytes) -> set[tuple[float, ...]]:
    with pikepdf.open(path_or_bytes) as pdf:
        return {
            tuple(float(v) for v in instruction.operands)
            for _, _, instructions in content_streams(pdf)
            for instruction in instructions
            if str(instruction.operator) in ("k", "K")
        }


def test_near_neutral_css_colours_print_on_black_only(tmp_path):
    body = (
        '<p style="color: #1a1a1b">near-black text</p>'
        '<p style="color: #807f7f; border-top: 1pt solid #7f7f80">mid grey, grey rule</p>'
        '<p style="color: #336699">blue stays blue</p>'
    )
    path = tmp_path / "greys.pdf"
    path.write_bytes(press(body))
    colours = fills(path)
    blue = [f for f in colours if f[0] > 0.5 and f[1] > 0.3]
    assert len(blue) == 1, colours  # #336699 through the output profile
    greys = [f for f in colours if f not in blue]
    assert len(greys) >= 2, colours  # the near-black and the mid grey
    for c, m, y, _k in greys:
        assert (c, m, y) == (0, 0, 0), colours  # was C71 M67 Y65 K78 and C51 M44 Y44 K8
    # Same lightness as the grey: #1a1a1b is about K90, #807f7f about K50.
    assert any(0.88 < k < 0.91 for *_, k in greys), colours
    assert any(0.48 < k < 0.52 for *_, k in greys), colours
    assert all(sum(colour) <= 3.0 for colour in colours)
    assert check_press(path) == []


def test_preflight_reports_total_ink_above_the_limit(tmp_path):
    pdf = one_page(b"0.9 0.85 0.8 0.9 k 10 10 50 50 re f 0 0 0 1 k 70 10 50 50 re f")
    report = findings(pdf, tmp_path)
    assert len(report.get("total-ink", [])) == 1, report
    assert "345 % total ink, above the 300 % limit" in report["total-ink"][0]
    # The layout's limit decides: 350 % lets it pass, 200 % still stops it.
    assert "total-ink" not in findings(pdf, tmp_path, max_ink=350)
    assert "total-ink" in findings(pdf, tmp_path, max_ink=200)


def test_preflight_reads_the_inks_of_a_picture_with_a_soft_mask(tmp_path):
    """A CMYK picture with transparency (a soft mask, as PDF/X-4 keeps it) carries its
    inks all the same; decoded with its mask composited in it came back as RGBA, and its
    400 % passed unseen."""
    pdf = one_page(b"q 100 0 0 100 50 50 cm /Im1 Do Q")
    picture = {"Type": Name.XObject, "Subtype": Name.Image, "Width": 8, "Height": 8}
    picture["BitsPerComponent"] = 8
    mask = pdf.make_stream(bytes([128]) * 64, ColorSpace=Name.DeviceGray, **picture)
    image = pdf.make_stream(bytes([255]) * 256, ColorSpace=Name.DeviceCMYK, SMask=mask, **picture)
    pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(Im1=image)
    report = findings(pdf, tmp_path)
    assert any("400 % total ink" in message for message in report.get("total-ink", [])), report


def test_preflight_reports_grey_text_built_from_process_inks(tmp_path):
    text = b"BT /F1 12 Tf 10 100 Td (grey) Tj ET"
    rich = one_page(b"0.71 0.67 0.65 0.78 k " + text)  # what #1a1a1b used to become
    assert "cmy-text" in findings(rich, tmp_path)
    tinted = one_page(b"0.1 0 0 0.5 k " + text)
    assert "cmy-text" in findings(tinted, tmp_path)
    for clean in (b"0 0 0 1 k ", b"0 0 0 0.5 k ", b"0 1 1 0 k "):  # black, grey, red
        report = findings(one_page(clean + text), tmp_path)
        assert "cmy-text" not in report and "rich-black-text" not in report, clean


def test_preflight_reads_an_inline_stencil_mask_by_its_fill_colour(tmp_path):
    """An inline image mask (BI /IM true) has no colour space of its own: it paints the
    fill colour. An inline picture in RGB is still reported as one."""
    stencil = b"q 20 0 0 20 10 10 cm BI /IM true /W 8 /H 1 /BPC 1 ID \xaa EI Q"
    report = findings(one_page(b"1 0 0 rg " + stencil), tmp_path)
    assert any("fill colour (rg)" in message for message in report.get("rgb", [])), report
    assert not any("inline image" in m for messages in report.values() for m in messages)
    picture = b"q 20 0 0 20 10 10 cm BI /W 1 /H 1 /BPC 8 /CS /RGB ID \xff\x00\x00 EI Q"
    report = findings(one_page(picture), tmp_path)
    assert any("inline image" in message for message in report.get("rgb", [])), report


def soft_masked(pdf: pikepdf.Pdf, mask_content: bytes) -> pikepdf.Pdf:
    """A page whose graphics state has a luminosity soft mask drawn by ``mask_content``."""
    group = pdf.make_stream(mask_content)
    group.Type, group.Subtype, group.BBox = Name.XObject, Name.Form, [0, 0, 200, 200]
    group.Group = pikepdf.Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)
    mask = pikepdf.Dictionary(Type=Name.Mask, S=Name.Luminosity, G=group, BC=[1, 1, 1])
    state = pikepdf.Dictionary(Type=Name.ExtGState, SMask=mask)
    pdf.pages[0].obj.Resources.ExtGState = pikepdf.Dictionary(GS1=state)
    return pdf


def test_preflight_looks_inside_soft_masks(tmp_path):
    pdf = soft_masked(one_page(b"/GS1 gs 0 0 0 1 k 10 10 50 50 re f"), b"1 0 0 rg 0 0 200 200 re f")
    report = findings(pdf, tmp_path)
    assert any("soft mask" in message for message in report.get("rgb", [])), report


def test_preflight_looks_inside_nested_forms(tmp_path):
    pdf = one_page(b"/Fm1 Do")
    inner = pdf.make_stream(b"0 0 1 rg 0 0 10 10 re f")
    inner.Type, inner.Subtype, inner.BBox = Name.XObject, Name.Form, [0, 0, 10, 10]
    outer = pdf.make_stream(b"/Fm2 Do")
    outer.Type, outer.Subtype, outer.BBox = Name.XObject, Name.Form, [0, 0, 10, 10]
    outer.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm2=inner))
    pdf.pages[0].obj.Resources.XObject = pikepdf.Dictionary(Fm1=outer)
    report = findings(pdf, tmp_path)
    assert any("form /Fm2" in message for message in report.get("rgb", [])), report


def test_press_conversion_turns_a_soft_masks_rgb_into_grey_of_the_same_luminosity(tmp_path):
    pdf = soft_masked(one_page(b"/GS1 gs 0 0 0 1 k 10 10 50 50 re f"), b"1 0 0 rg 0 0 200 200 re f")
    convert_to_cmyk(walk(pdf), CmykConverter(load_output_profile(None)))
    mask = pdf.pages[0].obj.Resources.ExtGState.GS1.SMask
    operators = [
        (str(i.operator), [float(v) for v in i.operands])
        for i in pikepdf.parse_content_stream(mask.G)
    ]
    assert ("g", [0.3]) in operators, operators  # red's luminosity: 0.3 × 1
    assert str(mask.G.Group.CS) == "/DeviceGray"
    assert [float(v) for v in mask.BC] == [1.0]
    assert "rgb" not in findings(pdf, tmp_path)


def test_the_layout_sets_the_total_ink_limit(tmp_path):
    layout_dir = tmp_path / "layout"
    source = ROOT / "layouts" / "torch"
    layout_dir.mkdir()
    for item in source.iterdir():
        (layout_dir / item.name).write_bytes(item.read_bytes())
    manifest = layout_dir / "layout.toml"
    text = manifest.read_text(encoding="utf-8")
    assert "max_ink = 300" in text, "fixture changed"
    assert PressJob.plan(PressSettings(), load_layout(source)).max_ink == 300
    manifest.write_text(text.replace("max_ink = 300", "max_ink = 260"), "utf-8")
    job = PressJob.plan(PressSettings(), load_layout(layout_dir))
    assert job.max_ink == 260
    manifest.write_text(text.replace("max_ink = 300", 'max_ink = "lots"'), "utf-8")
    with pytest.raises(LayoutError, match="max_ink"):
        load_layout(layout_dir)
