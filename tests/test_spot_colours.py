"""Two-colour press jobs (issue 16, point 1): the layout's spot ink as a /Separation.

Pages are rendered from small HTML through the real WeasyPrint → press path and read
back with pikepdf (colour spaces and operators) and Ghostscript's tiffsep (plates).
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import SAMPLE, press_page, run_cli
from PIL import Image

from compositor.errors import LayoutError
from compositor.fonts.fontset import load_fontset
from compositor.layout import load_layout
from compositor.paths import FONTS_DIR
from compositor.preflight.press import check_press
from compositor.press.output import PressJob, PressSettings
from compositor.render.html import font_face_css

ROOT = Path(__file__).resolve().parent.parent
SPOT = "PANTONE 485 C"
LAYOUT = ROOT / "layouts" / "torch"
GS = shutil.which("gs") or "gs (install ghostscript: bash .ci/setup --test)"


def press(body: str, **settings) -> bytes:
    """A page of ``body`` built as a press PDF with the torch layout and ``settings``."""
    # Text in a shipped font, named as the layout names it.
    body_font = load_fontset(FONTS_DIR).path_of(load_layout(LAYOUT).fonts["body"])
    css = (
        font_face_css({"body": body_font})
        + "@page { size: 210mm 297mm; margin: 20mm; }"
        + " body { margin: 0; font-family: role-body; } div { height: 10mm; }"
    )
    return press_page(body, css, PressSettings(**settings))


def paints(data: bytes) -> list[tuple[str, str, tuple[float, ...]]]:
    """(colour space, operator, values) of every colour set on the first page."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        spaces = page.obj.Resources.get("/ColorSpace", {})
        space = {False: "/DeviceGray", True: "/DeviceGray"}
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            stroke = operator.isupper()
            if operator in ("cs", "CS"):
                name = instruction.operands[0]
                named = spaces.get(str(name))
                if isinstance(named, pikepdf.Array) and named[0] == "/Separation":
                    space[stroke] = "Separation " + str(named[1])[1:]
                else:
                    space[stroke] = str(name)
            elif operator in ("k", "K"):
                values = tuple(float(v) for v in instruction.operands)
                found.append(("/DeviceCMYK", operator, values))
            elif operator in ("sc", "scn", "SC", "SCN"):
                values = tuple(float(v) for v in instruction.operands)
                found.append((space[stroke], operator, values))
    return found


def png(colour) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


RED_THINGS = (
    '<p style="color: device-cmyk(0 1 1 0)">红色标题</p>'
    '<div style="border-top: 2pt solid device-cmyk(0 1 1 0)"></div>'
    '<div style="background: device-cmyk(0 0.2 0.2 0)"></div>'  # a 20 % tint
    '<div style="background: device-cmyk(0 1 1 0); opacity: 0.5"></div>'
    '<p style="color: device-cmyk(0 0 0 1)">黑色正文</p>'
)


def test_every_use_of_the_spot_colour_is_painted_in_its_separation():
    data = press(RED_THINGS, inks="black,spot")
    used = paints(data)
    spot = {values for space, _, values in used if space == f"Separation {SPOT}"}
    assert spot == {(1.0,), (0.2,)}, used  # text, rule, opacity block: 1; the tint: 0.2
    process = [values for space, _, values in used if space == "/DeviceCMYK"]
    assert all(values[:3] == (0, 0, 0) for values in process), process  # black and paper
    assert (0, 0, 0, 1) in process
    with pikepdf.open(io.BytesIO(data)) as pdf:
        spaces = [
            s for s in pdf.pages[0].obj.Resources.ColorSpace.values() if s[0] == "/Separation"
        ]
        assert len(spaces) == 1
        separation = spaces[0]
        assert separation[1] == pikepdf.Name("/" + SPOT)
        assert separation[2] == "/DeviceCMYK"
        transform = separation[3]
        assert int(transform.FunctionType) == 2
        assert [float(v) for v in transform.C0] == [0, 0, 0, 0]
        assert [float(v) for v in transform.C1] == [0, 1, 1, 0]  # the layout's CMYK
        states = pdf.pages[0].obj.Resources.ExtGState.values()
        assert any(float(state.get("/ca", 1)) == 0.5 for state in states)  # opacity kept


def test_four_colour_stays_process_colour():
    used = paints(press(RED_THINGS))
    assert not any(space.startswith("Separation") for space, _, _ in used), used
    assert ("/DeviceCMYK", "scn", (0, 1, 1, 0)) in used


def test_a_colour_outside_the_inks_is_refused_or_converted_to_black():
    body = (
        '<p style="color: #336699">蓝色</p>'
        f'<img src="{png((200, 30, 40))}" style="width: 20mm">' + RED_THINGS
    )
    with pytest.raises(LayoutError) as refused:
        press(body, inks="black,spot")
    message = str(refused.value)
    assert "page 1" in message and "--convert-to-inks" in message
    assert f"Black, {SPOT}" in message
    assert "text in C" in message  # the blue text, said as an editor sees it
    with pytest.raises(LayoutError, match=r"a colour image \(8 × 8 pixels\)"):
        press(f'<img src="{png((200, 30, 40))}">', inks="black,spot")
    data = press(body, inks="black,spot", convert_to_inks=True)
    process = [v for space, _, v in paints(data) if space == "/DeviceCMYK"]
    assert all(values[:3] == (0, 0, 0) for values in process), process
    assert any(0.3 < values[3] < 0.9 for values in process)  # the blue: a mid black
    with pikepdf.open(io.BytesIO(data)) as pdf:
        image = next(
            x for x in pdf.pages[0].obj.Resources.XObject.values() if x.Subtype == "/Image"
        )
        cyan, magenta, yellow, black = pikepdf.PdfImage(image).as_pil_image().split()
        assert cyan.getextrema() == magenta.getextrema() == yellow.getextrema() == (0, 0)
        assert black.getextrema()[1] > 0


def test_plates_of_a_two_colour_page_with_marks(tmp_path):
    """Crop marks print on every plate (registration); the page itself on two only."""
    path = tmp_path / "marks.pdf"
    path.write_bytes(press(RED_THINGS, inks="black,spot", marks=True))
    subprocess.run(
        [GS, "-q", "-dSAFER", "-sDEVICE=tiffsep", "-r72", "-o", str(tmp_path / "p%d.tif"), path],
        check=True,
        timeout=120,
    )
    plates = {
        re.fullmatch(r"p1\((.+)\)\.tif", p.name)[1]: Image.open(p).convert("L")
        for p in tmp_path.glob("p1(*).tif")
    }
    assert set(plates) == {"Cyan", "Magenta", "Yellow", "Black", SPOT}
    with pikepdf.open(path) as pdf:
        bleed = [float(v) for v in pdf.pages[0].obj.BleedBox]
        media = [float(v) for v in pdf.pages[0].obj.MediaBox]
    inside = (
        round(bleed[0] - media[0]),
        round(media[3] - bleed[3]),
        round(bleed[2] - media[0]),
        round(media[3] - bleed[1]),
    )
    for ink, plate in plates.items():
        outer = plate.copy()
        outer.paste(255, inside)  # blank the page: what is left are the marks
        assert outer.getextrema()[0] < 128, ink  # every plate has the marks
        page = plate.crop(inside)
        if ink in ("Cyan", "Magenta", "Yellow"):
            assert page.getextrema() == (255, 255), ink
        else:
            assert page.getextrema()[0] < 128, ink
    assert check_press(path) == []


def test_inks_option_errors(tmp_path):
    out = str(tmp_path / "out.pdf")
    result = run_cli("build", str(SAMPLE), "--inks", "black,spot", "-o", out)
    assert result.returncode == 2 and "--press" in result.stderr
    result = run_cli("build", str(SAMPLE), "--press", "--inks", "rainbow", "-o", out)
    assert result.returncode == 2 and "unknown inks 'rainbow'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("build", str(SAMPLE), "--press", "--convert-to-inks", "-o", out)
    assert result.returncode == 2 and "goes with --inks black,spot" in result.stderr


def test_a_two_colour_job_needs_a_spot_ink_in_the_layout(tmp_path):
    layout_dir = tmp_path / "layout"
    layout_dir.mkdir()
    for item in (ROOT / "layouts" / "torch").iterdir():
        (layout_dir / item.name).write_bytes(item.read_bytes())
    manifest = layout_dir / "layout.toml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(re.sub(r'spot = "[^"]*", ', "", text), encoding="utf-8")
    with pytest.raises(LayoutError, match="needs a spot ink"):
        PressJob.plan(PressSettings(inks="black,spot"), load_layout(layout_dir))
