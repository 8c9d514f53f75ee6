"""Lending a face the glyphs it lacks (compositor/fonts/merge.py) and the build step that
uses it, on the shipped faces themselves, so that no Debian font package is needed:
a cut of the CFF Song face borrows from the TrueType Kai face and the other way round.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from conftest import ROOT, shipped_as_upstream
from fontTools import subset
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from compositor.fonts.fontset import load_fontset
from compositor.fonts.merge import LatinFace, Merged, design_scale, merge_missing
from compositor.fonts.rebuild import identity_cids, subset_face

FONTS = ROOT / "fonts"
SONG = FONTS / "CompositorSong-Regular.otf"
KAI = FONTS / "CompositorKai-Regular.ttf"
CUT = "中文ABCHLxé，"


def cut(path, characters: str) -> TTFont:
    font = TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    return identity_cids(font) if "CFF " in font else reopen(font)


def reopen(font: TTFont) -> TTFont:
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return TTFont(buffer)


def outline(font: TTFont, char: str):
    glyphs = font.getGlyphSet()
    pen = DecomposingRecordingPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.value


def test_lent_glyphs_are_scaled_to_the_faces_cap_and_x_height():
    song, kai = TTFont(SONG), TTFont(KAI)
    scale = design_scale(kai, song)  # Song's Latin into Kai
    heights = {letter: (bounds(kai, letter)[3], bounds(song, letter)[3]) for letter in "xH"}
    ratios = [own / theirs for own, theirs in heights.values()]
    assert min(ratios) <= scale <= max(ratios)
    assert scale == pytest.approx((ratios[0] * ratios[1]) ** 0.5, abs=0.001)


def area(font: TTFont, char: str) -> float:
    glyphs = font.getGlyphSet()
    pen = AreaPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return pen.value


def bounds(font: TTFont, char: str):
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord(char)]].draw(pen)
    return tuple(round(v) for v in pen.bounds)


@pytest.mark.parametrize(("target", "donor"), [(SONG, KAI), (KAI, SONG)], ids=["cff", "ttf"])
def test_missing_glyphs_are_appended_with_the_donors_outline_and_width(target, donor):
    font = cut(target, CUT)
    before = {char: outline(font, char) for char in CUT}
    count = font["maxp"].numGlyphs
    lender = TTFont(donor)
    scale = design_scale(font, lender)
    assert 0.85 < scale < 1.15 and scale != 1  # Kai's Latin is smaller than Song's

    merged = merge_missing(font, lender, [ord(c) for c in "ŁA€中"])
    font = reopen(font)

    assert merged == Merged((ord("Ł"), ord("€")))  # A and 中 were there already
    assert merged.ranges() == "U+0141 U+20AC"
    assert font["maxp"].numGlyphs == count + 2
    cmap = font.getBestCmap()
    assert [font.getGlyphID(cmap[ord(c)]) for c in "Ł€"] == [count, count + 1]
    assert {char: outline(font, char) for char in CUT} == before  # nothing else moved
    for char in "Ł€":
        width = lender["hmtx"][lender.getBestCmap()[ord(char)]][0]
        assert font["hmtx"][cmap[ord(char)]][0] == round(width * scale)
        scaled = [v * scale for v in bounds(lender, char)]
        assert bounds(font, char) == pytest.approx(scaled, abs=1.5)
        # contours turn the way the face's own do (TrueType clockwise, CFF counter-clockwise)
        assert (area(font, char) > 0) == (area(font, "L") > 0)
        assert font["vmtx"][cmap[ord(char)]][0] == 1000
    if "CFF " in font:
        top = font["CFF "].cff.topDictIndex[0]
        assert top.charset[count : count + 2] == [f"cid{count:05d}", f"cid{count + 1:05d}"]
        latin = top.FDSelect[font.getGlyphID(cmap[ord("A")])]
        assert top.FDSelect[count] == top.FDSelect[count + 1] == latin


def test_a_built_face_records_what_it_borrowed_and_from_where(tmp_path):
    latin = LatinFace("lender-package", KAI, "Compositor Kai")
    face = shipped_as_upstream("body", load_fontset(FONTS), latin=latin)
    characters = "中华人民共和国，。ABCŁ€Ⅼ∼"  # the body face lacks Ⅼ and ∼, Kai has them
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = subset_face(dataclasses.replace(face, latin=None), "中华", tmp_path / "one", "1")
    assert first.merged_characters == "" and first.merged_package == ""

    built = subset_face(face, characters, tmp_path / "one", "1", "2.0")
    again = subset_face(face, characters, tmp_path / "two", "1", "2.0")
    assert built.path.read_bytes() == again.path.read_bytes()  # reproducible
    assert built.merged_package == "lender-package"
    assert built.merged_package_version == "2.0"
    assert built.merged_family == "Compositor Kai"
    assert built.merged_characters == "U+216C U+223C"  # Ł and € are the body face's own
    tt = TTFont(built.path)
    assert {chr(c) for c in tt.getBestCmap()} >= set(characters)
    assert "Compositor Kai" in tt["name"].getDebugName(10)
    kai_copyright = TTFont(KAI)["name"].getDebugName(0)
    assert kai_copyright.splitlines()[0] in tt["name"].getDebugName(0)
