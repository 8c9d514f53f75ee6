"""Plates, as a print shop's RIP makes them: Ghostscript's tiffsep device separates the
press PDF into one greyscale image per ink (0 = full ink, 255 = none).

The truth to compare with is the screen PDF of the same issue, rendered by pdfium in
RGB: what is red there (masthead title, rules, banners, TOC section titles) must be on
the spot plate in a two-colour job and nowhere else; what is dark there (the text)
must be on the black plate only, in two-colour and in four-colour jobs alike.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import SAMPLE, run_cli
from PIL import Image, ImageChops, ImageFilter

GS = shutil.which("gs") or "gs (install ghostscript: bash .ci/setup --test)"

PX_PER_MM = 4  # 101.6 dpi: whole pixels per mm, so the 3 mm bleed is exactly 12 px
DPI = PX_PER_MM * 25.4
BLEED_PX = 3 * PX_PER_MM
SPOT = "PANTONE 485 C"  # layouts/torch/layout.toml: red = { spot = … }
PROCESS = ("Cyan", "Magenta", "Yellow", "Black")
INKED = 200  # a plate pixel darker than this carries ink (antialiased edges are lighter)
CELL = 2 * PX_PER_MM  # compared in 2 mm cells: renderers differ by a pixel at edges, and
# Ghostscript 10.0 draws some of today's CID fonts as .notdef boxes (issue 12), a glyph's
# em square instead of its outline.


def separate(pdf: Path, out: Path) -> dict[int, dict[str, Image.Image]]:
    """{page: {ink: plate image cropped to the trim}} from gs -sDEVICE=tiffsep."""
    out.mkdir()
    subprocess.run(
        [GS, "-q", "-dSAFER", "-sDEVICE=tiffsep", f"-r{DPI}", "-o", str(out / "p%d.tif"), pdf],
        check=True,
        timeout=300,
    )
    plates: dict[int, dict[str, Image.Image]] = {}
    for path in out.glob("p*(*).tif"):
        match = re.fullmatch(r"p(\d+)\((.+)\)\.tif", path.name)
        image = Image.open(path).convert("L")
        trim = (BLEED_PX, BLEED_PX, image.width - BLEED_PX, image.height - BLEED_PX)
        plates.setdefault(int(match[1]), {})[match[2]] = image.crop(trim)
    return plates


def inked(plate: Image.Image) -> Image.Image:
    """1-bit mask (255) of the pixels that carry ink."""
    return plate.point(lambda v: 255 if v < INKED else 0)


def count(mask: Image.Image) -> int:
    return mask.histogram()[255]


def outside(mask: Image.Image, region: Image.Image) -> int:
    """Pixels of ``mask`` not in ``region``."""
    return count(ImageChops.subtract(mask, region))


@pytest.fixture(scope="module")
def screen(sample_pdf) -> dict[int, dict[str, Image.Image]]:
    """Per page of the screen PDF: where it is red and where it is dark, at plate size."""
    document = pdfium.PdfDocument(str(sample_pdf.path))
    masks = {}
    for index in range(len(document)):
        image = document[index].render(scale=DPI / 72).to_pil().convert("RGB")
        trim = (210 * PX_PER_MM, 297 * PX_PER_MM)  # pdfium rounds the size up
        image = image.crop((0, 0, *trim))
        red_channel, green, blue = image.split()
        red = ImageChops.multiply(  # red, or the pink of an antialiased red hairline
            ImageChops.subtract(red_channel, green).point(lambda v: 255 if v > 50 else 0),
            ImageChops.subtract(red_channel, blue).point(lambda v: 255 if v > 50 else 0),
        )
        dark = image.convert("L").point(lambda v: 255 if v < 160 else 0)
        masks[index + 1] = {"red": red, "dark": ImageChops.subtract(dark, red)}
    document.close()
    return masks


@pytest.fixture(scope="module")
def two_colour(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two-colour")
    pdf = folder / "2c.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "--inks", "black,spot", "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    return pdf, separate(pdf, folder / "plates")


@pytest.fixture(scope="module")
def four_colour(tmp_path_factory):
    folder = tmp_path_factory.mktemp("four-colour")
    pdf = folder / "4c.pdf"
    result = run_cli("build", str(SAMPLE), "--press", "-o", str(pdf))
    assert result.returncode == 0, result.stderr
    return pdf, separate(pdf, folder / "plates")


def cells(mask: Image.Image) -> Image.Image:
    """The mask in 2 mm cells: a cell is set when any pixel in it is."""
    return mask.reduce(CELL).point(lambda v: 255 if v > 0 else 0)


def grown(mask: Image.Image, size: int = 1) -> Image.Image:
    return mask.filter(ImageFilter.MaxFilter(2 * size + 1))


def core(mask: Image.Image) -> Image.Image:
    return mask.filter(ImageFilter.MinFilter(3))


def test_two_colour_plates_are_black_and_the_spot_ink_only(two_colour, screen):
    _, plates = two_colour
    assert len(plates) == len(screen)
    for page, inks in plates.items():
        assert set(inks) == {*PROCESS, SPOT}, (page, sorted(inks))
        for ink in ("Cyan", "Magenta", "Yellow"):
            assert inks[ink].getextrema() == (255, 255), (page, ink)  # not one dot of ink


def test_two_colour_spot_plate_carries_the_red_and_nothing_else(two_colour, screen):
    _, plates = two_colour
    for page, inks in plates.items():
        spot, red = cells(inked(inks[SPOT])), cells(screen[page]["red"])
        # Within 4 mm: Ghostscript draws some glyphs as their em box today (see CELL).
        assert outside(spot, grown(red, 2)) == 0, page  # nothing but what is red on screen
        assert outside(red, grown(spot)) == 0, page  # and all of that
    assert sum(count(inked(inks[SPOT])) for inks in plates.values()) > 0


def test_two_colour_plates_are_the_four_colour_plates_with_red_on_the_spot_plate(
    two_colour, four_colour
):
    """Same renderer, same pages: the spot plate is exactly where the four-colour job put
    its red (M100 Y100), and the black plate is the four-colour one, pixel for pixel."""
    _, two = two_colour
    _, four = four_colour
    for page in four:
        assert ImageChops.difference(two[page][SPOT], four[page]["Magenta"]).getbbox() is None
        assert ImageChops.difference(four[page]["Yellow"], four[page]["Magenta"]).getbbox() is None
        assert ImageChops.difference(two[page]["Black"], four[page]["Black"]).getbbox() is None
        # Red and black never print on top of each other: the spot ink is alone.
        both = ImageChops.multiply(inked(two[page][SPOT]), inked(two[page]["Black"]))
        assert count(both) == 0, page


def test_two_colour_masthead_title_banners_and_rules_are_on_the_spot_plate(two_colour, sample_pdf):
    _, plates = two_colour
    with pdfplumber.open(sample_pdf.path) as pdf:
        first = pdf.pages[0]
        title = [c for c in first.chars if c["size"] > 40]
        assert "".join(c["text"] for c in title) == "火炬动态"
        box = tuple(
            round(v * PX_PER_MM * 25.4 / 72)
            for v in (
                min(c["x0"] for c in title),
                min(c["top"] for c in title),
                max(c["x1"] for c in title),
                max(c["bottom"] for c in title),
            )
        )
        # Banners: white text on a red band; find one by its white characters.
        banner_page = next(
            number
            for number, page in enumerate(pdf.pages, start=1)
            if any(c["non_stroking_color"] in ((1, 1, 1), [1, 1, 1]) for c in page.chars)
        )
        white = [
            c
            for c in pdf.pages[banner_page - 1].chars
            if c["non_stroking_color"] in ((1, 1, 1), [1, 1, 1])
        ]
    title_spot = inked(plates[1][SPOT].crop(box))
    title_black = inked(plates[1]["Black"].crop(box))
    assert count(title_spot) > 0.1 * title_spot.width * title_spot.height
    assert count(title_black) == 0
    # The band around the first white banner character: solid spot ink, the glyph left white.
    c = white[0]
    scale = PX_PER_MM * 25.4 / 72
    band = (
        round(c["x0"] * scale) - 6,
        round(c["top"] * scale),
        round(c["x0"] * scale) - 2,
        round(c["bottom"] * scale),
    )
    assert plates[banner_page][SPOT].crop(band).getextrema()[1] < 40  # full ink
    # The masthead's red double rule: a row under the title that is all spot ink.
    below = plates[1][SPOT].crop((box[0], box[3], box[2], box[3] + 40 * PX_PER_MM))
    rows = [
        y
        for y in range(below.height)
        if below.crop((0, y, below.width, y + 1)).getextrema()[1] < INKED
    ]
    assert rows, "no red rule under the masthead title"


def test_two_colour_black_plate_carries_the_text(two_colour, screen):
    _, plates = two_colour
    for page, inks in plates.items():
        text, black = cells(screen[page]["dark"]), cells(inked(inks["Black"]))
        assert count(text) > 0, page
        assert outside(black, grown(text, 2)) == 0, page  # nothing but the text
        # All of it, but for the inside of a few em boxes Ghostscript draws (see CELL).
        assert outside(text, grown(black)) <= 0.02 * count(text), page


def test_four_colour_has_no_spot_plate_and_text_on_black_only(four_colour, screen):
    _, plates = four_colour
    for page, inks in plates.items():
        assert set(inks) == set(PROCESS), (page, sorted(inks))  # no spot plate, no ink on one
        assert inks["Cyan"].getextrema() == (255, 255), page
        text, black = cells(screen[page]["dark"]), cells(inked(inks["Black"]))
        assert outside(text, grown(black)) <= 0.02 * count(text), page
        red = cells(screen[page]["red"])
        for ink in ("Magenta", "Yellow"):  # only the red (M100 Y100), never under text
            plate = cells(inked(inks[ink]))
            assert outside(plate, grown(red, 2)) == 0, (page, ink)
            assert outside(red, grown(plate)) == 0, (page, ink)
            assert count(ImageChops.multiply(inked(inks[ink]), inked(inks["Black"]))) == 0


def test_preflight_lists_the_inks_of_each_page(two_colour, four_colour):
    for (pdf, _), inks in ((two_colour, f"Black, {SPOT}"), (four_colour, "Magenta, Yellow, Black")):
        result = run_cli("preflight", str(pdf), "--press")
        assert result.returncode == 0, result.stdout
        assert re.search(rf"page 1:\s+{re.escape(inks)}$", result.stdout, re.M), result.stdout
