"""Rare characters print (补字, issue 24 point 5).

㵘 (Extension A), 𠀀 𡈼 (Extension B) and 龘 (a BMP ideograph the subsets leave out) in a
title, body text and a credit are printed from the shipped fallback face, and every PDF
engine draws them; a publication's own 补字 font draws a private-use character; `check`
names each fallback character with its code point; an emoji is still refused.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
import pytest
from conftest import copy_mini, edit, run_cli
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from PIL import Image

from compositor.fonts.fontset import load_fontset

RARE = "㵘𠀀𡈼龘"
OWN = "\ue000"  # a private-use character only the publication's 补字 font has
FALLBACK = "Compositor Song Fallback"
DPI = 150
# An engine has drawn the glyph when its box is this dark on average, and drawn the
# same glyph as pdfium when the two drawings correlate this well: a .notdef box or
# another glyph correlates far less.
MIN_INK = 0.04
MIN_LIKENESS = 0.7


def own_font(path: Path) -> Path:
    """A one-glyph TrueType font: U+E000 drawn as a filled triangle (no .notdef box)."""
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "uniE000"])
    builder.setupCharacterMap({0xE000: "uniE000"})
    pen = TTGlyphPen(None)
    pen.moveTo((100, -100))
    pen.lineTo((500, 800))
    pen.lineTo((900, -100))
    pen.closePath()
    glyphs = {".notdef": TTGlyphPen(None).glyph(), "uniE000": pen.glyph()}
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({".notdef": (1000, 0), "uniE000": (1000, 100)})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Office Buzi", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(path)
    return path


def rare_issue(tmp_path: Path, *, own: bool) -> Path:
    folder = copy_mini(tmp_path)
    article = folder / "01.md"
    edit(article, 'title = "科技部火炬中心召开', f'title = "{RARE}科技部火炬中心召开')
    edit(article, 'credit = "科技部火炬中心"', f'credit = "科技部火炬中心{RARE}"')
    edit(article, "1月5日，", f"1月5日，{RARE}{OWN if own else ''}，")
    if own:
        own_font(folder.parent / "补字.ttf")
        publication = folder.parent / "publication.toml"
        edit(publication, 'layout = "torch"', 'layout = "torch"\nbuzi_font = "补字.ttf"')
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = rare_issue(tmp_path_factory.mktemp("buzi"), own=True)
    target = folder.parent.parent / "rare.pdf"
    result = run_cli("build", str(folder), "-o", str(target))
    assert result.returncode == 0, result.stderr
    return target


@pytest.fixture(scope="module")
def boxes(built) -> dict[str, list[tuple[float, float, float, float]]]:
    """Each rare character's boxes on page 1 (points, from the top-left corner)."""
    found: dict[str, list[tuple[float, float, float, float]]] = {c: [] for c in RARE + OWN}
    with pdfplumber.open(built) as pdf:
        for char in pdf.pages[0].chars:
            if char["text"] in found:
                found[char["text"]].append((char["x0"], char["top"], char["x1"], char["bottom"]))
    return found


def engine_drawings(pdf: Path, folder: Path) -> dict[str, np.ndarray]:
    """Page 1 in grey, drawn by pdfium, poppler, MuPDF and Ghostscript at DPI."""
    drawings = {}
    page = pdfium.PdfDocument(str(pdf))[0]
    drawings["pdfium"] = np.asarray(page.render(scale=DPI / 72, grayscale=True).to_pil())
    commands = {
        "poppler": ["pdftoppm", "-r", str(DPI), "-f", "1", "-l", "1", "-gray", "-png",
                    str(pdf), str(folder / "poppler")],
        "mupdf": ["mutool", "draw", "-q", "-r", str(DPI), "-c", "gray",
                  "-o", str(folder / "mupdf.png"), str(pdf), "1"],
        "ghostscript": ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray",
                        f"-r{DPI}", "-dFirstPage=1", "-dLastPage=1",
                        f"-sOutputFile={folder / 'ghostscript.png'}", str(pdf)],
    }  # fmt: skip
    for name, command in commands.items():
        subprocess.run(command, check=True, capture_output=True)
        (drawn,) = sorted(folder.glob(f"{name}*.png"))
        drawings[name] = np.asarray(Image.open(drawn).convert("L"))
    return drawings


@pytest.fixture(scope="module")
def drawings(built, tmp_path_factory) -> dict[str, np.ndarray]:
    return engine_drawings(built, tmp_path_factory.mktemp("engines"))


def ink(drawing: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The darkness (0–1) in and around a character's box, softened over 3 × 3 pixels
    so that anti-aliased and hard-edged drawings of one glyph compare alike."""
    x0, top, x1, bottom = box
    margin = (bottom - top) * 0.25  # a face's ink may stand above its box (ascent)
    left, upper, right, lower = (
        round(v * DPI / 72) for v in (x0, top - margin, x1, bottom + margin)
    )
    dark = 1 - drawing[upper:lower, left:right].astype(float) / 255
    padded = np.pad(dark, 1, mode="edge")
    return (
        sum(
            padded[1 + dy : 1 + dy + dark.shape[0], 1 + dx : 1 + dx + dark.shape[1]]
            for dy in (-1, 0, 1)
            for dx in (-1, 0, 1)
        )
        / 9
    )


def likeness(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two drawings of one box: 1 for the same glyph."""
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


def test_the_fallback_face_is_shipped_and_covers_the_rare_characters():
    face = load_fontset().by_family(FALLBACK)
    assert face.role == "fallback"
    assert face.path.stat().st_size < 20_000_000  # what the repository can carry
    assert all(face.covers(char) for char in RARE)
    licence = (face.path.parent / face.licence).read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence and "Hanazono" in licence


def test_the_text_layer_holds_every_rare_character(built):
    text = pdfium.PdfDocument(str(built))[0].get_textpage().get_text_range()
    for char in RARE + OWN:
        assert char in text, f"{char!r} missing from the text layer"
    # title, contents line, body text and credit
    assert text.count(RARE) >= 4


def test_the_fallback_and_own_fonts_are_embedded(built):
    result = subprocess.run(["pdffonts", str(built)], capture_output=True, text=True, check=True)
    assert "role-fallback" in result.stdout
    assert "role-buzi" in result.stdout


def test_pdftotext_and_mutool_read_the_rare_characters(built):
    poppler = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(built), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    mupdf = subprocess.run(
        ["mutool", "draw", "-q", "-F", "txt", "-o", "-", str(built), "1"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    for text in (poppler, mupdf):
        assert RARE in text


@pytest.mark.parametrize("engine", ["pdfium", "poppler", "mupdf", "ghostscript"])
def test_every_engine_draws_each_rare_glyph(engine, drawings, boxes):
    drawing, reference = drawings[engine], drawings["pdfium"]
    for char in RARE + OWN:
        assert boxes[char], f"{char!r} not on page 1"
        for box in boxes[char]:
            drawn = ink(drawing, box)
            assert drawn.mean() > MIN_INK, f"{engine}: {char!r} is blank at {box}"
            alike = likeness(drawn, ink(reference, box))
            assert alike > MIN_LIKENESS, f"{engine}: {char!r} is not pdfium's glyph ({alike:.2f})"
    # And each is its own glyph, not one shape (a .notdef box) for all: it resembles
    # pdfium's drawing of its own character more than pdfium's drawing of any other.
    first = {char: boxes[char][0] for char in RARE}
    for char, box in first.items():
        own = likeness(ink(drawing, box), ink(reference, box))
        for other, elsewhere in first.items():
            theirs = ink(reference, elsewhere)
            if other != char and theirs.shape == ink(drawing, box).shape:
                assert likeness(ink(drawing, box), theirs) < own, f"{engine}: {char} ~ {other}"


def test_check_names_each_fallback_character_with_its_code_point(tmp_path):
    folder = rare_issue(tmp_path, own=False)
    result = run_cli("check", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    article = folder / "01.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    for char in RARE:
        number = next(n for n, line in enumerate(lines, 1) if char in line)
        column = lines[number - 1].index(char) + 1
        assert (
            f"{article}:{number}:{column}: warning: {char!r} (U+{ord(char):04X}) is printed "
            f"from the fallback face {FALLBACK}"
        ) in result.stdout
    body_line = next(n for n, line in enumerate(lines, 1) if line.startswith("1月5日"))
    assert f"{article}:{body_line}:" in result.stdout  # the body text's own use


def test_check_names_each_character_the_publications_own_font_prints(tmp_path):
    folder = rare_issue(tmp_path, own=True)
    result = run_cli("check", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "'\\ue000' (U+E000) is printed from the fallback face 补字.ttf" in result.stdout


def test_a_private_character_without_a_buzi_font_is_an_error(tmp_path):
    folder = rare_issue(tmp_path, own=False)
    edit(folder / "01.md", "1月5日，", f"1月5日，{OWN}")
    result = run_cli("check", str(folder))
    assert result.returncode == 2
    assert "(U+E000) is not in the body font" in result.stdout
    assert "buzi_font" in result.stdout  # what to do


def test_a_buzi_font_outside_the_publication_folder_is_refused(tmp_path):
    folder = copy_mini(tmp_path)
    own_font(tmp_path / "elsewhere.ttf")
    edit(folder.parent / "publication.toml", 'layout = "torch"',
         'layout = "torch"\nbuzi_font = "../elsewhere.ttf"')  # fmt: skip
    result = run_cli("check", str(folder))
    assert result.returncode == 2
    assert "publication.toml:4:" in result.stdout
    assert "inside the publication folder" in result.stdout


def test_an_emoji_is_still_refused_with_where_and_what_to_do(tmp_path):
    folder = copy_mini(tmp_path)
    article = folder / "01.md"
    edit(article, "1月5日，", "1月5日，😀")
    lines = article.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "😀" in line)
    column = lines[number - 1].index("😀") + 1
    result = run_cli("check", str(folder))
    assert result.returncode == 2
    assert (
        f"{article}:{number}:{column}: error: '😀' (U+1F600) is an emoji: a bulletin does "
        "not print emoji; delete it or say it in words"
    ) in result.stdout
    build = run_cli("build", str(folder), "-o", str(tmp_path / "out.pdf"))
    assert build.returncode == 2
    assert f"{article}:{number}" in build.stderr and "emoji" in build.stderr
    assert not (tmp_path / "out.pdf").exists()
