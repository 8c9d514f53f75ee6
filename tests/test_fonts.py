"""The shipped fonts: manifest integrity, coverage, features, names, the coverage check,
the CLI, and a deterministic rebuild.

The full rebuild from the Debian packages takes about 30 s and is checked by hand with
``compositor fonts build --verify``; here determinism is checked on small subsets.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import tomllib
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA, ROOT, copy_mini, edit, run_cli, shipped_as_upstream
from fontTools.ttLib import TTFont

from compositor.content import read_issue
from compositor.errors import FontError
from compositor.fonts.charsets import gb2312_hanzi
from compositor.fonts.fontset import check_issue_coverage, load_fontset, uncovered_characters
from compositor.fonts.rebuild import Face, build_fonts, subset_face

FONTS = ROOT / "fonts"
ROLES = {"body", "title", "display", "heading", "kai"}
NOTO_ROLES = ("body", "title", "display", "heading")
FALLBACK_ROLE = "fallback"  # the 补字 face: rare ideographs only (tests/test_buzi.py)


@pytest.fixture(scope="module")
def fontset():
    return load_fontset(FONTS)


@pytest.fixture
def issue(tmp_path: Path) -> Path:
    return copy_mini(tmp_path)


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def gpos_adjustment(font: TTFont, feature: str, char: str) -> int | None:
    """The XAdvance a single-adjustment GPOS feature applies to ``char``'s glyph."""
    glyph = font.getBestCmap()[ord(char)]
    gpos = font["GPOS"].table
    for record in gpos.FeatureList.FeatureRecord:
        if record.FeatureTag != feature:
            continue
        for index in record.Feature.LookupListIndex:
            for sub in gpos.LookupList.Lookup[index].SubTable:
                if sub.Format == 1 and glyph in sub.Coverage.glyphs:
                    return sub.Value.XAdvance
                if sub.Format == 2 and glyph in sub.Coverage.glyphs:
                    return sub.Value[sub.Coverage.glyphs.index(glyph)].XAdvance
    return None


# --- what is shipped ---------------------------------------------------------------


def test_manifest_sha256_and_glyph_count_match_the_files():
    manifest = tomllib.loads((FONTS / "manifest.toml").read_text(encoding="utf-8"))
    assert {entry["role"] for entry in manifest["font"]} == ROLES | {FALLBACK_ROLE}
    for entry in manifest["font"]:
        data = (FONTS / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file"]
        assert TTFont(io.BytesIO(data))["maxp"].numGlyphs == entry["glyphs"]
        assert (FONTS / entry["licence"]).is_file()
        assert entry["file"].endswith((".otf", ".ttf"))  # never .ttc, never WOFF2


def test_every_role_covers_all_gb2312_hanzi(fontset):
    for role in ROLES:
        font = fontset.by_role(role)
        cmap = TTFont(font.path)["cmap"].getBestCmap()
        missing = [c for c in gb2312_hanzi() if ord(c) not in cmap]
        assert missing == [], f"{font.file} lacks {''.join(missing[:20])}"


def test_faces_are_subsets_small_enough_to_ship(fontset):
    for font in fontset.fonts:
        size = font.path.stat().st_size
        if font.role == FALLBACK_ROLE:  # ~33,000 rare ideographs of HanaMinA/B's ~100,000
            assert 10_000_000 < size < 20_000_000, f"{font.file}: {size} bytes"
            assert 25_000 < font.glyphs < 40_000
            continue
        assert 1_000_000 < size < 6_000_000, f"{font.file}: {size} bytes"
        assert font.glyphs < 12_000  # upstream Noto faces have 65,535


def test_faces_carry_project_names_not_upstream_or_reserved_ones(fontset):
    for font in fontset.fonts:
        tt = TTFont(font.path)
        primary = [tt["name"].getDebugName(i) for i in (1, 4, 6, 16)]
        assert primary[0] == font.family
        assert primary[2] == font.postscript_name
        assert all(name.startswith("Compositor") for name in primary), primary
        for reserved in ("LXGW", "霞鹜", "Source", "Noto", "Hanazono", "HanaMin", "花園"):
            assert not any(reserved in name for name in primary)
        assert tt["name"].getDebugName(0), "the copyright notice must be kept"
        assert "Open Font License" in tt["name"].getDebugName(13)
        if "CFF " in tt:
            assert tt["CFF "].cff.fontNames == [font.postscript_name]


def test_noto_faces_keep_working_halt_and_vertical_features(fontset):
    for role in NOTO_ROLES:
        tt = TTFont(fontset.by_role(role).path)
        gpos = {r.FeatureTag for r in tt["GPOS"].table.FeatureList.FeatureRecord}
        gsub = {r.FeatureTag for r in tt["GSUB"].table.FeatureList.FeatureRecord}
        assert {"halt", "palt", "vhal", "vpal", "kern"} <= gpos, role
        assert {"vert", "vrt2", "locl"} <= gsub, role
        # halt still reaches our glyphs: a full-width comma loses half its 1000-unit advance.
        assert gpos_adjustment(tt, "halt", "，") == -500, role


def test_japanese_korean_and_traditional_variants_are_dropped(fontset):
    tt = TTFont(fontset.by_role("body").path)
    languages = {
        lang.LangSysTag.strip()
        for script in tt["GSUB"].table.ScriptList.ScriptRecord
        for lang in script.Script.LangSysRecord
    }
    assert languages <= {"ZHS"}


def test_kai_face_keeps_vertical_forms(fontset):
    tt = TTFont(fontset.by_role("kai").path)
    assert "vert" in {r.FeatureTag for r in tt["GSUB"].table.FeatureList.FeatureRecord}


def test_only_our_fonts_are_embedded_when_an_issue_is_rendered(tmp_path):
    """Every font program in the PDF is one of ours (no system fallback, no tofu)."""
    out = tmp_path / "mini.pdf"
    result = run_cli("build", str(DATA / "mini" / "2023-01"), "-o", str(out))
    assert result.returncode == 0, result.stderr
    names = set()
    with pikepdf.open(out) as pdf:
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descriptor = (
                    font.DescendantFonts[0].FontDescriptor
                    if "/DescendantFonts" in font
                    else font.FontDescriptor
                )
                program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
                embedded = TTFont(io.BytesIO(program.read_bytes()))
                names.add(embedded["name"].getDebugName(6))
    assert names == {
        "CompositorSong-Regular",
        "CompositorSong-Bold",
        "CompositorSong-Black",
        "CompositorHei-Bold",
        "CompositorKai-Regular",
    }


# --- the coverage check ------------------------------------------------------------


def test_uncovered_character_is_an_error_naming_it_and_where_it_is_typed(issue, fontset):
    article = issue / "01.md"
    edit(article, "总结2022年工作", "总结2022年𰀀工作")
    edit(article, 'title = "科技部火炬中心', 'title = "\ue000科技部火炬中心')
    model = read_issue(issue)
    with pytest.raises(FontError) as caught:
        check_issue_coverage(model, fontset)
    error = caught.value
    title_line = line_of(article, "\ue000")
    assert (error.path, error.line) == (article, title_line)
    assert "U+E000" in str(error) and "title font Compositor Song Bold" in str(error)
    assert f"{article}:{line_of(article, '𰀀')}: '𰀀' (U+30000)" in str(error)

    found = {(u.code_point, u.role, u.source.line) for u in uncovered_characters(model, fontset)}
    assert found == {
        ("U+E000", "title", title_line),
        ("U+30000", "body", line_of(article, "𰀀")),
    }


def test_kai_text_is_checked_against_the_kai_face_alone(issue, fontset):
    # 〚〛 exist in the serif face but not in Kai. The CSS names role-body after role-kai
    # for leads, but WeasyPrint does not take that fallback for one character: it sets
    # the run in a machine font (issue 18, defect 7). So a lead is Kai only, like a
    # section subtitle; only the curly quotes come from body (a declared unicode-range face).
    edit(issue / "02.md", 'lead = "大战略', 'lead = "“〚大战略〛”')
    edit(issue / "issue.toml", 'subtitle = "国家', 'subtitle = "“〚国家')
    findings = uncovered_characters(read_issue(issue), fontset)
    assert [(u.char, u.role, u.source.path.name) for u in findings] == [
        ("〚", "kai", "issue.toml"),
        ("〚", "kai", "02.md"),
        ("〛", "kai", "02.md"),
    ]


def test_missing_characters_ignores_what_is_never_drawn(fontset):
    assert fontset.missing_characters("中文\n\t \u3000\u200b\ufe0f") == set()
    assert fontset.missing_characters("“〚中〛”", roles=["kai"]) == {"〚", "〛"}
    assert fontset.missing_characters("〚〛", roles=["body"]) == set()
    with pytest.raises(FontError, match="no font for role 'fangsong'"):
        fontset.missing_characters("中", roles=["fangsong"])


def test_a_font_that_does_not_match_the_manifest_is_refused(tmp_path):
    shutil.copytree(FONTS, tmp_path / "fonts")
    body = tmp_path / "fonts" / "CompositorSong-Regular.otf"
    data = bytearray(body.read_bytes())
    data[-1] ^= 0xFF
    body.write_bytes(bytes(data))
    fontset = load_fontset(tmp_path / "fonts")
    with pytest.raises(FontError, match="does not match its sha256") as caught:
        fontset.by_role("body").covers("中")
    assert caught.value.path == body
    assert fontset.by_role("kai").covers("中")  # the others still load


def test_missing_manifest_says_how_to_rebuild(tmp_path):
    with pytest.raises(FontError, match="compositor fonts build"):
        load_fontset(tmp_path)


# --- the command line --------------------------------------------------------------


def test_fonts_command_lists_faces_and_coverage():
    result = run_cli("fonts")
    assert result.returncode == 0, result.stderr
    for family, role in [("Compositor Song", "body"), ("Compositor Kai", "kai")]:
        line = next(line for line in result.stdout.splitlines() if line.startswith(family + " "))
        assert role in line and "6763/6763 100.0%" in line


def test_fonts_check_lists_uncovered_characters(issue):
    clean = run_cli("fonts", "check", str(issue))
    assert clean.returncode == 0, clean.stderr
    edit(issue / "01.md", "总结2022年工作", "总结2022年𰀀工作")
    result = run_cli("fonts", "check", str(issue))
    assert result.returncode == 2
    line = line_of(issue / "01.md", "𰀀")
    assert f"01.md:{line}: '𰀀' (U+30000) is not in the body font" in result.stdout


# --- building ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["body", "kai"])  # a CFF face and a TrueType face
def test_subsetting_is_byte_identical_on_every_run(role, fontset, tmp_path):
    face = shipped_as_upstream(role, fontset)
    characters = "中华人民共和国，。、“”《》——…ABC123"
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = subset_face(face, characters, tmp_path / "one", "1")
    second = subset_face(face, characters, tmp_path / "two", "1")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == second.sha256
    rebuilt = TTFont(first.path)
    assert {chr(c) for c in rebuilt.getBestCmap()} == set(characters)
    assert rebuilt["name"].getDebugName(1) == "Rebuilt Face"
    if role == "body":
        assert gpos_adjustment(rebuilt, "halt", "，") == -500


def test_a_reserved_name_is_refused(fontset, tmp_path):
    face = shipped_as_upstream("kai", fontset)
    face = dataclasses.replace(face, family="Compositor Again")
    with pytest.raises(FontError, match="Reserved Font Name 'Compositor'"):
        subset_face(face, "中", tmp_path, "1")


def test_missing_upstream_font_names_the_debian_package(tmp_path):
    face = Face(
        role="body",
        family="Test Song",
        typographic_family="Test Song",
        style="Regular",
        package="fonts-noto-cjk",
        upstream_file=tmp_path / "NotoSerifCJK-Regular.ttc",
        upstream_name="Noto Serif CJK SC",
        member=2,
        reserved_names=(),
    )
    with pytest.raises(FontError, match=r"apt-get install fonts-noto-cjk"):
        build_fonts(tmp_path / "out", faces=[face])
