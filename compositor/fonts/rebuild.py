"""Regenerate ``fonts/`` from the upstream Debian font packages.

The shipped faces are subsets of SIL OFL fonts (Noto Serif/Sans CJK, LXGW WenKai):
cut to GB 2312 ∪ 通用规范汉字表 plus punctuation and Latin, so that the repository
stays small and a build never depends on whatever fonts a machine happens to have.
Each face is the SC member of its collection (a ``.ttc``'s member 0 is Japanese),
keeps the OpenType features Chinese layout needs, loses its hinting (print only) and
is renamed to a "Compositor …" family: a modified OFL font may not keep a Reserved
Font Name, and the new name lets tests tell our fonts from system ones.

The Noto CJK faces lack most of Latin Extended-A and the currency signs (Łódź, €);
those glyphs are copied in from Noto Serif or Noto Sans of the same weight (merge.py),
and LXGW WenKai gets the currency signs it lacks from Noto Sans. The manifest and
LICENSES/ record what came from which package.

The fallback face (补字) is Hanazono Mincho (fonts-hanazono, GlyphWiki), a Ming face
covering Extensions A–F, cut to the ideographs with a Mandarin reading that the other
faces lack (charsets.fallback_characters): HanaMinA's glyphs of the BMP, with those of
the supplementary planes lent by HanaMinB. Layouts put it last in every font stack.

The output is byte-identical on every run for the same package versions: no
timestamps are recalculated and the subsetter's options are fixed here.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
import subprocess
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from compositor.errors import FontError
from compositor.fonts.charsets import fallback_characters, subset_characters
from compositor.fonts.fontset import (
    LICENCE_DIR,
    MANIFEST,
    MANIFEST_KEYS,
    ShippedFont,
    is_visible,
)
from compositor.fonts.merge import LatinFace, Merged, merge_missing

NOTO = Path("/usr/share/fonts/opentype/noto")
LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai")
HANAZONO = Path("/usr/share/fonts/truetype/hanazono")
NOTO_LATIN = Path("/usr/share/fonts/truetype/noto")
SC_MEMBER = 2  # Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
# Upstream LICENSE files: noto-cjk reserves "Source" (from Source Han); the Debian
# copyright of fonts-lxgw-wenkai reserves "霞鹜" and "LXGW".
NOTO_RESERVED = ("Source",)
LXGW_RESERVED = ("LXGW", "霞鹜")
# fonts-hanazono's copyright: "Hanazono Font", "HanaMinA", "HanaMinB", "花園フォント",
# "花園明朝A", "花園明朝B".
HANAZONO_RESERVED = ("Hanazono", "HanaMin", "花園")
# The role of the face that draws what the others lack; it is cut differently.
FALLBACK_ROLE = "fallback"
# What each kind of face is cut to, and what its lender gives it, for its name table
# and its licence text.
CUTS = {
    "standard": "GB 2312, 通用规范汉字表, punctuation and Latin",
    FALLBACK_ROLE: "the ideographs with a Mandarin reading that the other faces lack",
}
LENT = {
    "standard": "Latin Extended-A, punctuation and currency signs",
    FALLBACK_ROLE: "Extensions B–F",
}
# Packages whose fonts come under a choice of licences: which one we take.
LICENCE_CHOICES = {
    "fonts-hanazono": (
        "The authors offer these fonts under the Hanazono Font License or the SIL Open Font\n"
        "License 1.1 (both below); the files here are derived under the SIL OFL 1.1."
    ),
}

# What HarfBuzz needs for Chinese: composition, locale forms, marks, kerning, the
# vertical forms, the East Asian spacing features (halt/palt/vhal/vpal; chws where a
# face has it) and full-width forms. Everything else (aalt, ruby, hwid, Hangul jamo…)
# only drags in glyphs no bulletin prints.
LAYOUT_FEATURES = (
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "liga",
    "calt",
    "kern",
    "vkrn",
    "vert",
    "vrt2",
    "halt",
    "palt",
    "vhal",
    "vpal",
    "chws",
    "vchw",
    "fwid",
)
# Keeping only the default and Chinese (ZHS) language systems drops the JAN/KOR/ZHT/ZHH
# `locl` substitutions and with them the Japanese, Korean and traditional glyph forms.
LAYOUT_SCRIPTS = ("DFLT",) + tuple(
    f"{script}.{language}"
    for script in ("hani", "latn", "kana", "grek", "cyrl")
    for language in ("dflt", "ZHS")
)
OFL_DESCRIPTION = (
    "This Font Software is licensed under the SIL Open Font License, Version 1.1. "
    "This license is available with a FAQ at: https://openfontlicense.org"
)
OFL_URL = "https://openfontlicense.org"
OS2_BOLD = 1 << 5
OS2_REGULAR = 1 << 6
MAC_BOLD = 1


@dataclass(frozen=True)
class Face:
    """One face to ship: where it comes from and what it is called here."""

    role: str  # the layout role it is made for (body, title, display, heading, kai)
    family: str  # unique per face: what layouts and CSS refer to
    typographic_family: str  # groups the weights of one design (nameID 16)
    style: str  # Regular, Bold, Black
    package: str  # Debian package that installs upstream_file
    upstream_file: Path
    upstream_name: str  # full name (nameID 4) expected in upstream_file / member
    member: int | None  # index in a .ttc collection; None for a single font
    reserved_names: tuple[str, ...]
    latin: LatinFace | None = None  # lends the glyphs of the cut this face lacks

    @property
    def postscript_name(self) -> str:
        return f"{self.typographic_family.replace(' ', '')}-{self.style}"


FACES = (
    Face(
        "body",
        "Compositor Song",
        "Compositor Song",
        "Regular",
        "fonts-noto-cjk",
        NOTO / "NotoSerifCJK-Regular.ttc",
        "Noto Serif CJK SC",
        SC_MEMBER,
        NOTO_RESERVED,
        LatinFace("fonts-noto-core", NOTO_LATIN / "NotoSerif-Regular.ttf", "Noto Serif Regular"),
    ),
    Face(
        "title",
        "Compositor Song Bold",
        "Compositor Song",
        "Bold",
        "fonts-noto-cjk",
        NOTO / "NotoSerifCJK-Bold.ttc",
        "Noto Serif CJK SC Bold",
        SC_MEMBER,
        NOTO_RESERVED,
        LatinFace("fonts-noto-core", NOTO_LATIN / "NotoSerif-Bold.ttf", "Noto Serif Bold"),
    ),
    Face(
        "display",
        "Compositor Song Black",
        "Compositor Song",
        "Black",
        "fonts-noto-cjk-extra",
        NOTO / "NotoSerifCJK-Black.ttc",
        "Noto Serif CJK SC Black",
        SC_MEMBER,
        NOTO_RESERVED,
        # fonts-noto-core has no Black: Noto Serif Black is in fonts-noto-extra.
        LatinFace("fonts-noto-extra", NOTO_LATIN / "NotoSerif-Black.ttf", "Noto Serif Black"),
    ),
    Face(
        "heading",
        "Compositor Hei Bold",
        "Compositor Hei",
        "Bold",
        "fonts-noto-cjk",
        NOTO / "NotoSansCJK-Bold.ttc",
        "Noto Sans CJK SC Bold",
        SC_MEMBER,
        NOTO_RESERVED,
        LatinFace("fonts-noto-core", NOTO_LATIN / "NotoSans-Bold.ttf", "Noto Sans Bold"),
    ),
    Face(
        "kai",
        "Compositor Kai",
        "Compositor Kai",
        "Regular",
        "fonts-lxgw-wenkai",
        LXGW / "LXGWWenKai-Regular.ttf",
        "LXGW WenKai",
        None,
        LXGW_RESERVED,
        # WenKai has all of Latin Extended-A and €, not ₹ ₺ ₸ …: a plain sans of its
        # weight suits its Latin better than a serif.
        LatinFace("fonts-noto-core", NOTO_LATIN / "NotoSans-Regular.ttf", "Noto Sans Regular"),
    ),
    Face(
        FALLBACK_ROLE,
        "Compositor Song Fallback",
        "Compositor Song Fallback",
        "Regular",
        "fonts-hanazono",
        HANAZONO / "HanaMinA.ttf",
        "HanaMinA Regular",
        None,
        HANAZONO_RESERVED,
        # HanaMinA holds the BMP (with Extension A), HanaMinB the supplementary planes.
        LatinFace("fonts-hanazono", HANAZONO / "HanaMinB.ttf", "HanaMinB Regular"),
    ),
)


def cut_of(role: str) -> str:
    return FALLBACK_ROLE if role == FALLBACK_ROLE else "standard"


def characters_for(role: str) -> frozenset[str]:
    """The characters the face of ``role`` is cut to."""
    return fallback_characters() if role == FALLBACK_ROLE else subset_characters()


def build_fonts(
    out_dir: Path, faces: Sequence[Face] = FACES, others_from: Path | None = None
) -> list[ShippedFont]:
    """Write the subset faces, ``manifest.toml`` and the licence texts into ``out_dir``.

    Faces are cut in parallel processes (about 15 s of CPU per Noto face). With
    ``others_from`` (a fonts folder), only ``faces`` are cut: the manifest keeps the
    other faces' entries from that folder's, so one face can be rebuilt from its
    package without installing every other one.
    """
    out_dir = Path(out_dir)
    kept = _kept_entries(others_from, faces) if others_from is not None else []
    for face in faces:
        require_upstream(face)
    packages = {f.package for f in faces} | {f.latin.package for f in faces if f.latin}
    versions = {package: package_version(package) for package in sorted(packages)}
    characters = {cut: characters_for(cut) for cut in {cut_of(face.role) for face in faces}}
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(faces), os.cpu_count() or 1))
    # spawn, not fork: the workers share nothing with the parent but their arguments.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        fonts = list(
            pool.map(
                subset_face,
                faces,
                [characters[cut_of(face.role)] for face in faces],
                [out_dir] * len(faces),
                [versions[face.package] for face in faces],
                [versions[face.latin.package] if face.latin else "" for face in faces],
            )
        )
    rebuilt = {font.package for font in fonts}
    write_licences(out_dir, fonts + [font for font in kept if font.package in rebuilt])
    by_family = {font.family: font for font in [*kept, *fonts]}
    write_manifest(out_dir, [by_family[face.family] for face in FACES if face.family in by_family])
    return fonts


def faces_of(roles: Iterable[str]) -> list[Face]:
    """The faces made for ``roles``, in the manifest's order."""
    wanted = set(roles)
    unknown = wanted - {face.role for face in FACES}
    if unknown:
        known = ", ".join(face.role for face in FACES)
        raise FontError(f"no face for role {', '.join(sorted(unknown))} (roles: {known})")
    return [face for face in FACES if face.role in wanted]


def _kept_entries(folder: Path, rebuilt: Sequence[Face]) -> list[ShippedFont]:
    from compositor.fonts.fontset import load_fontset

    families = {face.family for face in rebuilt}
    return [font for font in load_fontset(folder).fonts if font.family not in families]


def require_upstream(face: Face) -> None:
    needed = [(face.upstream_file, face.package)]
    if face.latin:
        needed.append((face.latin.file, face.latin.package))
    for path, package in needed:
        if not path.is_file():
            raise FontError(
                f"upstream font for {face.family} is missing: install the Debian package "
                f"{package} (apt-get install {package})",
                path,
            )


def package_version(package: str) -> str:
    """The installed version of a Debian package, recorded in the manifest."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            check=False,
        )
    except FileNotFoundError:
        raise FontError(
            f"dpkg-query not found: the fonts are built from Debian packages ({package})"
        ) from None
    if result.returncode != 0 or not result.stdout.strip():
        raise FontError(f"Debian package {package} is not installed (apt-get install {package})")
    return result.stdout.strip()


def subset_face(
    face: Face,
    characters: Iterable[str],
    out_dir: Path,
    package_version: str,
    latin_package_version: str = "",
) -> ShippedFont:
    """Cut one upstream face to ``characters``, lend it the glyphs of ``characters`` it
    lacks from its Latin face, rename it and save it into ``out_dir``."""
    require_upstream(face)
    characters = sorted(set(characters))
    font = _open(face.upstream_file, face.upstream_name, face.member)
    upstream_version = _version_of(font)
    copyright_notice = font["name"].getDebugName(0) or ""

    subsetter = subset.Subsetter(_subset_options())
    subsetter.populate(unicodes=[ord(c) for c in characters])
    subsetter.subset(font)
    if "CFF " in font:
        font = identity_cids(font)
    merged, latin = Merged(()), None
    if face.latin:
        latin = _open(face.latin.file, face.latin.name, None)
        merged = merge_missing(font, latin, [ord(c) for c in characters if is_visible(c)])
        font = _reopened(font)
    _rename(font, face, upstream_version, package_version, merged, latin)
    _refuse_reserved_names(font, face)

    extension = ".otf" if "CFF " in font else ".ttf"
    target = Path(out_dir) / f"{face.postscript_name}{extension}"
    partial = target.with_name(target.name + ".partial")
    font.save(partial)
    partial.replace(target)
    return ShippedFont(
        file=target.name,
        family=face.family,
        role=face.role,
        style=face.style,
        weight=font["OS/2"].usWeightClass,
        postscript_name=face.postscript_name,
        glyphs=font["maxp"].numGlyphs,
        outlines=_outlines(font),
        sha256=hashlib.sha256(target.read_bytes()).hexdigest(),
        upstream_family=face.upstream_name,
        upstream_version=upstream_version,
        upstream_file=str(face.upstream_file),
        upstream_member=face.member if face.member is not None else -1,
        package=face.package,
        package_version=package_version,
        copyright=copyright_notice,
        licence=f"{LICENCE_DIR}/{face.package}.txt",
        **_merged_fields(face, latin, merged, latin_package_version),
        path=target,
    )


def _merged_fields(
    face: Face, latin: TTFont | None, merged: Merged, package_version: str
) -> dict[str, str]:
    """The manifest's record of the lent glyphs: all empty when nothing was lent."""
    if not merged.code_points or latin is None or face.latin is None:
        return {key: "" for key in MANIFEST_KEYS if key.startswith("merged_")}
    return {
        "merged_characters": merged.ranges(),
        "merged_family": latin["name"].getDebugName(4) or face.latin.name,
        "merged_version": _version_of(latin),
        "merged_file": str(face.latin.file),
        "merged_package": face.latin.package,
        "merged_package_version": package_version,
        "merged_copyright": latin["name"].getDebugName(0) or "",
        "merged_licence": f"{LICENCE_DIR}/{face.latin.package}.txt",
    }


def _open(path: Path, expected_name: str, member: int | None) -> TTFont:
    """An upstream font, after checking it is the face we mean (nameID 4)."""
    font = TTFont(path, fontNumber=member if member is not None else -1, recalcTimestamp=False)
    name = font["name"].getDebugName(4)
    if name != expected_name:
        where = f"member {member} of " if member is not None else ""
        raise FontError(f"{where}this file is {name!r}, expected {expected_name!r}", path)
    return font


def _reopened(font: TTFont) -> TTFont:
    """The font saved and read back: every table compiled from the edited state."""
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return TTFont(buffer, recalcTimestamp=False)


def identity_cids(font: TTFont) -> TTFont:
    """The same font with each glyph's CID equal to its glyph id (CID n at glyph n).

    The subsetter renumbers glyphs but keeps their upstream CIDs in the CFF charset
    (科 became glyph 5886 with CID 28965). WeasyPrint embeds the face as a CIDFontType0
    and writes glyph ids as the character codes; MuPDF, Ghostscript and Acrobat read
    those codes as CIDs through the charset (ISO 32000-1 §9.7.4.2), pdfium and poppler
    as glyph ids. Only an identity charset satisfies both. fontTools names the glyphs
    of a CID-keyed CFF "cidNNNNN" after their CID, so renaming glyph n to cid n before
    any other table is read gives every table the new names with unchanged glyph ids.
    """
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    renamed = TTFont(buffer, recalcTimestamp=False, lazy=False)
    top = renamed["CFF "].cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        return renamed  # name-keyed: codes are glyph ids already
    old_order = renamed.getGlyphOrder()
    new_order = [".notdef"] + [f"cid{gid:05d}" for gid in range(1, len(old_order))]
    char_strings = top.CharStrings.charStrings
    top.CharStrings.charStrings = {
        new: char_strings[old] for old, new in zip(old_order, new_order, strict=True)
    }
    top.charset = new_order
    renamed.setGlyphOrder(new_order)
    # The tables in the file (not GlyphOrder); a font read from bytes has a reader.
    tables = renamed.reader.keys() if renamed.reader else ()
    for tag in tables:
        renamed[tag]  # decompile every table now, so its glyph ids get the new names
    buffer = io.BytesIO()
    renamed.save(buffer)
    buffer.seek(0)
    return TTFont(buffer, recalcTimestamp=False)


def _outlines(font: TTFont) -> str:
    if "CFF " not in font:
        return "TrueType"
    if hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
        return "CFF, CID-keyed, CID = glyph id"
    return "CFF, name-keyed"


def _subset_options() -> subset.Options:
    options = subset.Options()
    options.layout_features = list(LAYOUT_FEATURES)
    options.layout_scripts = list(LAYOUT_SCRIPTS)
    options.hinting = False  # print at 300+ dpi; saves ~15 % on the Noto faces
    options.name_IDs = ["*"]  # keep copyright, licence and designer records
    options.name_languages = [0x0409]  # drops the localised upstream names (霞鹜文楷)
    options.notdef_outline = True  # a visible box if a check is ever bypassed
    options.glyph_names = False
    options.recalc_timestamp = False
    return options


def _version_of(font: TTFont) -> str:
    match = re.match(r"Version\s+([0-9.]+)", font["name"].getDebugName(5) or "")
    return match.group(1) if match else f"{font['head'].fontRevision:.3f}"


def _rename(
    font: TTFont,
    face: Face,
    upstream_version: str,
    package_version: str,
    merged: Merged | None = None,
    latin: TTFont | None = None,
) -> None:
    """Give the face its Compositor name everywhere a renderer or PDF may show it.

    Each face is the only member of its legacy family (nameID 1/2 = family/Regular),
    so a layout names it without weights; nameID 16/17 still group the Song weights.
    Glyphs lent by a Latin face add its name to the description and its copyright
    notice to nameID 0, as the OFL asks of a derived font.
    """
    upstream = f"{face.upstream_name} {upstream_version}"
    name = font["name"]
    kept = {
        record.nameID: record.toUnicode()
        for record in name.names
        if record.platformID == 3 and record.langID == 0x409
    }
    description = (
        f"{face.family}: {upstream} from the Debian package {face.package} "
        f"{package_version}, cut to {CUTS[cut_of(face.role)]} by "
        f"`compositor fonts build`, and renamed as a Modified Version under the SIL Open "
        f"Font License 1.1."
    )
    if merged and merged.code_points and latin is not None and face.latin is not None:
        lender = f"{latin['name'].getDebugName(4)} {_version_of(latin)}"
        description += (
            f" The glyphs it lacked of {LENT[cut_of(face.role)]} "
            f"({len(merged.code_points)}) are copied from {lender} (Debian package "
            f"{face.latin.package}), also under the SIL Open Font License 1.1."
        )
        lender_copyright = latin["name"].getDebugName(0)
        if lender_copyright and 0 in kept and lender_copyright not in kept[0]:
            kept[0] = f"{kept[0]}\n{lender_copyright}"
    # A face that does not say its licence (HanaMinA) gets the OFL's own records.
    kept.setdefault(13, OFL_DESCRIPTION)
    kept.setdefault(14, OFL_URL)
    records = {
        **{key: kept[key] for key in (0, 7, 8, 9, 11, 12, 13, 14) if key in kept},
        1: face.family,
        2: "Regular",
        3: f"{face.postscript_name};compositor;{upstream_version}",
        4: face.family,
        5: f"Version {upstream_version}; compositor subset of {upstream}",
        6: face.postscript_name,
        10: description,
        16: face.typographic_family,
        17: face.style,
    }
    name.names = []
    for name_id, text in sorted(records.items()):
        name.setName(text, name_id, 3, 1, 0x409)

    os2 = font["OS/2"]
    os2.fsSelection = (os2.fsSelection & ~OS2_BOLD) | OS2_REGULAR
    font["head"].macStyle &= ~MAC_BOLD

    if "CFF " in font:
        _rename_cff(font["CFF "].cff, face)


def _rename_cff(cff, face: Face) -> None:
    old = cff.fontNames[0]
    cff.fontNames[0] = face.postscript_name
    top = cff.topDictIndex[0]
    top.FullName = face.family
    top.FamilyName = face.family
    top.Weight = face.style
    # CID-keyed fonts name each font dict after the font ("…-Regular-Ideographs").
    for font_dict in getattr(top, "FDArray", ()):
        if hasattr(font_dict, "FontName"):
            font_dict.FontName = font_dict.FontName.replace(old, face.postscript_name)


def _refuse_reserved_names(font: TTFont, face: Face) -> None:
    """The OFL forbids Reserved Font Names as the primary name of a modified font."""
    names = [font["name"].getDebugName(i) or "" for i in (1, 4, 6, 16)]
    if "CFF " in font:
        cff = font["CFF "].cff
        names += [cff.fontNames[0], getattr(cff.topDictIndex[0], "FamilyName", "")]
    for reserved in face.reserved_names:
        for text in names:
            if reserved.casefold() in text.casefold():
                raise FontError(
                    f"{face.family}: name {text!r} uses the Reserved Font Name {reserved!r}",
                    face.upstream_file,
                )


def write_manifest(out_dir: Path, fonts: Sequence[ShippedFont]) -> Path:
    lines = [
        "# The shipped fonts. Generated by `compositor fonts build`: do not edit by hand.",
        "# sha256 is checked when the fonts are loaded; licences are under LICENSES/.",
    ]
    for font in fonts:
        lines += ["", "[[font]]"]
        lines += [f"{key} = {_toml_value(getattr(font, key))}" for key in MANIFEST_KEYS]
    path = Path(out_dir) / MANIFEST
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_value(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    # A TOML basic string: escape backslash, quote and control characters.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'


def write_licences(out_dir: Path, fonts: Sequence[ShippedFont]) -> list[Path]:
    """One text per upstream package: what we derived from it, then its copyright file.

    A package that only lent glyphs (fonts-noto-core) gets a text saying which glyphs
    went into which face.
    """
    licence_dir = Path(out_dir) / LICENCE_DIR
    licence_dir.mkdir(exist_ok=True)
    written = []
    packages = {font.package for font in fonts} | {f.merged_package for f in fonts}
    for package in sorted(packages - {""}):
        mine = [font for font in fonts if font.package == package]
        lent = [font for font in fonts if font.merged_package == package]
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if not copyright_file.is_file():
            raise FontError(f"no copyright file: reinstall {package}", copyright_file)
        copyright_text = copyright_file.read_text()
        if mine:
            text = _licence_text(package, mine, copyright_text)
        else:
            text = _lender_licence_text(package, lent, copyright_text)
        path = licence_dir / f"{package}.txt"
        path.write_text(text, "utf-8")
        written.append(path)
    return written


def _licence_text(package: str, fonts: Sequence[ShippedFont], copyright_text: str) -> str:
    derived = [
        f"  {font.file}  ({font.family})  from {font.upstream_family} "
        f"{font.upstream_version}, {Path(font.upstream_file).name}"
        + (f" member {font.upstream_member}" if font.upstream_member >= 0 else "")
        + (
            f"\n    with glyphs from {font.merged_family} {font.merged_version} "
            f"(see {Path(font.merged_licence).name})"
            if font.merged_characters
            else ""
        )
        for font in fonts
    ]
    notices = sorted({font.copyright for font in fonts if font.copyright})
    choice = [LICENCE_CHOICES[package], ""] if package in LICENCE_CHOICES else []
    return "\n".join(
        [
            f"Fonts derived from the Debian package {package} {fonts[0].package_version}",
            "",
            "These files are Modified Versions under the SIL Open Font License 1.1 (full text",
            f"below): subset to {CUTS[cut_of(fonts[0].role)]}, hinting removed,",
            "and renamed, as the licence requires where it reserves the original names.",
            "",
            *choice,
            *derived,
            "",
            *_notices_and_copyright(package, notices, copyright_text),
        ]
    )


def _notices_and_copyright(package: str, notices: list[str], copyright_text: str) -> list[str]:
    """The end of every licence text: the fonts' own notices, then the package's file."""
    return [
        "Copyright notices in the original fonts:",
        *(f"  {line}" for notice in notices for line in notice.splitlines()),
        "",
        f"The package's copyright file (/usr/share/doc/{package}/copyright) follows.",
        "",
        "-" * 72,
        copyright_text.rstrip("\n"),
        "",
    ]


def _lender_licence_text(package: str, fonts: Sequence[ShippedFont], copyright_text: str) -> str:
    lent = [
        f"  {font.file}  ({font.family})  from {font.merged_family} {font.merged_version}, "
        f"{Path(font.merged_file).name}:\n    {font.merged_characters}"
        for font in fonts
    ]
    notices = sorted({font.merged_copyright for font in fonts if font.merged_copyright})
    return "\n".join(
        [
            f"Glyphs copied from the Debian package {package} {fonts[0].merged_package_version}",
            "",
            "The shipped faces below lacked these characters (Latin Extended-A, punctuation,",
            "currency signs); `compositor fonts build` copied their outlines and advance widths",
            "from the named font of matching design and weight, converted to the face's outline",
            "format. The glyphs are used under the SIL Open Font License 1.1 (full text below).",
            "",
            *lent,
            "",
            *_notices_and_copyright(package, notices, copyright_text),
        ]
    )
