"""International news prints: Latin Extended-A names and currency signs (issue 18, defect 15).

The Noto CJK faces lack most of Latin Extended-A (Łódź, Škoda) and most currency signs
(₹); `compositor fonts build` copies them in from Noto Serif/Sans of the same weight
(compositor/fonts/merge.py). These tests build an issue that prints such names in each
role, read the PDF back and check that every one of them is drawn by the shipped face of
its role with a real glyph, that the checks call them covered and that the four PDF
engines draw the page alike.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from conftest import ROOT, copy_mini, edit, run_cli
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from compositor.fonts.fontset import load_fontset
from compositor.preflight.engines import compare_engines, format_engine_report

FOREIGN = "Łódź Škoda € 5 ₹"
NAMES = "ŁóźŠ€₹"  # what a CJK face lacks (ó is Latin-1, drawn as before)
LATIN_EXTENDED_A = [chr(c) for c in range(0x0100, 0x0180)]
CURRENCY = "€₹₽₩₺₴₦₫₱₪₸₼"
TYPOGRAPHIC = "‰‱′″‽⁄"
ROLE_FACES = {  # the face that draws each place, as layouts/torch/style.css sets it
    "title": "CompositorSong-Bold",
    "heading": "CompositorHei-Bold",
    "lead": "CompositorKai-Regular",
    "body": "CompositorSong-Regular",
}


@pytest.fixture(scope="module")
def issue(tmp_path_factory) -> Path:
    folder = copy_mini(tmp_path_factory.mktemp("international"))
    article = folder / "02.md"
    edit(article, 'title = "无锡高新区：构建新兴产业策源地"', f'title = "无锡高新区与{FOREIGN}"')
    edit(article, 'lead = "大战略呼唤大担当，新起点瞄准新高度。"', f'lead = "{FOREIGN}合作签约。"')
    edit(article, "## 强化规划引领", f"## 强化规划引领{FOREIGN}")
    edit(article, "十年来，无锡高新区", f"十年来，{FOREIGN}与无锡高新区")
    return folder


@pytest.fixture(scope="module")
def pdf(issue, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("international-pdf") / "international.pdf"
    result = run_cli("build", str(issue), "-o", str(target))
    assert result.returncode == 0, result.stderr
    return target


def test_every_shipped_face_has_latin_extended_a_and_common_currency_signs():
    for font in load_fontset(ROOT / "fonts").fonts:
        if font.role == FALLBACK:
            continue  # rare ideographs only, after every other face (tests/test_buzi.py)
        tt = TTFont(font.path)
        cmap, glyphs = tt.getBestCmap(), tt.getGlyphSet()
        for char in [*LATIN_EXTENDED_A, *CURRENCY, *TYPOGRAPHIC]:
            assert ord(char) in cmap, f"{font.file} lacks {char} (U+{ord(char):04X})"
            pen = BoundsPen(glyphs)
            glyphs[cmap[ord(char)]].draw(pen)
            assert pen.bounds is not None, f"{font.file}: {char} has an empty glyph"


def test_merged_glyphs_keep_cid_equal_to_glyph_id_and_sit_after_the_cut():
    for font in load_fontset(ROOT / "fonts").fonts:
        tt = TTFont(font.path)
        cmap, count = tt.getBestCmap(), tt["maxp"].numGlyphs
        merged = code_points(font.merged_characters)
        lacked = "Ł₹" if "CFF " in tt else "₹"  # WenKai has Latin Extended-A of its own
        if font.role == FALLBACK:  # HanaMinB lends HanaMinA's cut Extensions B–F
            lacked = "𠀁"  # U+20001
        assert {ord(c) for c in lacked} <= merged, font.file
        glyph_ids = sorted(tt.getGlyphID(cmap[cp]) for cp in merged)
        assert glyph_ids == list(range(count - len(merged), count)), font.file
        assert font.merged_package in ("fonts-noto-core", "fonts-noto-extra", "fonts-hanazono")
        assert font.merged_package in (ROOT / "fonts" / font.merged_licence).read_text()
        if "CFF " in tt:
            top = tt["CFF "].cff.topDictIndex[0]
            assert all(top.charset[gid] == f"cid{gid:05d}" for gid in glyph_ids)
            latin_dict = top.FDSelect[tt.getGlyphID(cmap[ord("A")])]
            assert {top.FDSelect[gid] for gid in glyph_ids} == {latin_dict}


FALLBACK = "fallback"


def code_points(runs: str) -> set[int]:
    """``U+0104–U+010F U+20AC`` (the manifest's merged_characters) as code points."""
    found = set()
    for run in runs.split():
        first, _, last = run.partition("–")
        found.update(range(int(first[2:], 16), int((last or first)[2:], 16) + 1))
    return found


def test_checks_call_foreign_names_covered(issue):
    fonts_check = run_cli("fonts", "check", str(issue))
    assert fonts_check.returncode == 0, fonts_check.stdout + fonts_check.stderr
    assert "every character is covered" in fonts_check.stdout
    check = run_cli("check", str(issue))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 errors, 0 warnings" in check.stdout
    for char in NAMES:
        assert char not in check.stdout, check.stdout


def test_foreign_names_print_in_the_face_of_each_role(pdf):
    programs = {name: program for name, (program, _) in shown_glyphs(pdf, by="BaseFont").items()}
    with pdfplumber.open(pdf) as document:
        chars = [c for page in document.pages for c in page.chars]
        text = "".join(page.extract_text() for page in document.pages)
    assert text.count("Łódź") >= 4 and text.count("₹") >= 4, text
    faces_drawing = {}
    for char in chars:
        if char["text"] in NAMES:
            program = programs[char["fontname"].split("+")[-1]]
            faces_drawing.setdefault(char["text"], set()).add(program["name"].getDebugName(6))
    for char in NAMES:
        assert faces_drawing.get(char, set()) >= set(ROLE_FACES.values()), (char, faces_drawing)
    assert all(face.startswith("Compositor") for found in faces_drawing.values() for face in found)


def test_foreign_names_are_drawn_with_real_glyphs_not_notdef(pdf):
    """Every code shown with a shipped face is a glyph with an outline (or a space), and
    the glyphs of Ł € ₹ are among those shown."""
    drawn = shown_glyphs(pdf)
    assert set(drawn) >= set(ROLE_FACES.values())
    for face, (program, codes) in drawn.items():
        assert 0 not in codes, f"{face} shows .notdef"
        glyph_set = program.getGlyphSet()
        order = program.getGlyphOrder()
        cmap = program.getBestCmap()
        for char in "Ł€₹" if face in ROLE_FACES.values() else "":
            assert cmap.get(ord(char)) in {order[code] for code in codes}, (face, char)
            pen = BoundsPen(glyph_set)
            glyph_set[cmap[ord(char)]].draw(pen)
            assert pen.bounds is not None, (face, char)


def test_the_four_engines_draw_foreign_names_alike(pdf):
    results = compare_engines(pdf)
    report = "\n".join(format_engine_report(results))
    for result in results:
        assert result.available, report
        assert not result.different_pages, report
        assert result.text_problems == [], report


def shown_glyphs(pdf: Path, by: str = "program") -> dict[str, tuple[TTFont, set[int]]]:
    """For each embedded face: its font program and the glyph codes the pages show, by
    the program's PostScript name (or by the PDF font's BaseFont without its subset tag).

    WeasyPrint writes Identity-H two-byte codes equal to glyph ids (CID = glyph id)."""
    shown: dict[str, tuple[TTFont, set[int]]] = {}
    with pikepdf.open(pdf) as document:
        for page in document.pages:
            fonts = page.Resources.get("/Font", {})
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if str(operator) == "Tf":
                    current = fonts[str(operands[0])]
                elif str(operator) in ("Tj", "TJ") and current is not None:
                    face, codes = _face(current, shown, by)
                    strings = operands[0] if str(operator) == "TJ" else [operands[0]]
                    for item in strings:
                        if isinstance(item, pikepdf.String):
                            data = bytes(item)
                            codes.update(
                                int.from_bytes(data[i : i + 2], "big")
                                for i in range(0, len(data), 2)
                            )
    return shown


def _face(font: pikepdf.Dictionary, shown: dict, by: str) -> tuple[str, set[int]]:
    descriptor = font.DescendantFonts[0].FontDescriptor
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    program = TTFont(io.BytesIO(stream.read_bytes()))
    name = program["name"].getDebugName(6)
    if by == "BaseFont":
        name = str(font.BaseFont).lstrip("/").split("+")[-1]
    shown.setdefault(name, (program, set()))
    return name, shown[name][1]
