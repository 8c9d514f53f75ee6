"""Regenerate ``fonts/`` from the upstream Debian font packages.

The shipped faces are subsets of SIL OFL fonts (Noto Serif/Sans CJK, LXGW WenKai):
cut to GB 2312 ∪ 通用规范汉字表 plus punctuation and Latin, so that the repository
stays small and a build never depends on whatever fonts a machine happens to have.
Each face is the SC member of its collection (a ``.ttc``'s member 0 is Japanese),
keeps the OpenType features Chinese layout needs, loses its hinting (print only) and
is renamed to a "Compositor …" family: a modified OFL font may not keep a Reserved
Font Name, and the new name lets tests tell our fonts from system ones.

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
from compositor.fonts.charsets import subset_characters
from compositor.fonts.fontset import LICENCE_DIR, MANIFEST, MANIFEST_KEYS, ShippedFont

NOTO = Path("/usr/share/fonts/opentype/noto")
LXGW = Path("/usr/share/fonts/truetype/lxgw-wenkai")
SC_MEMBER = 2  # Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK
# Upstream LICENSE files: noto-cjk reserves "Source" (from Source Han); the Debian
# copyright of fonts-lxgw-wenkai reserves "霞鹜" and "LXGW".
NOTO_RESERVED = ("Source",)
LXGW_RESERVED = ("LXGW", "霞鹜")

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
    ),
)


def build_fonts(out_dir: Path, faces: Sequence[Face] = FACES) -> list[ShippedFont]:
    """Write the subset faces, ``manifest.toml`` and the licence texts into ``out_dir``.

    Faces are cut in parallel processes (about 15 s of CPU per Noto face).
    """
    out_dir = Path(out_dir)
    for face in faces:
        require_upstream(face)
    versions = {package: package_version(package) for package in {f.package for f in faces}}
    characters = subset_characters()
    out_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(len(faces), os.cpu_count() or 1))
    # spawn, not fork: the workers share nothing with the parent but their arguments.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        fonts = list(
            pool.map(
                subset_face,
                faces,
                [characters] * len(faces),
                [out_dir] * len(faces),
                [versions[face.package] for face in faces],
            )
        )
    write_licences(out_dir, fonts)
    write_manifest(out_dir, fonts)
    return fonts


def require_upstream(face: Face) -> None:
    if not face.upstream_file.is_file():
        raise FontError(
            f"upstream font for {face.family} is missing: install the Debian package "
            f"{face.package} (apt-get install {face.package})",
            face.upstream_file,
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
    face: Face, characters: Iterable[str], out_dir: Path, package_version: str
) -> ShippedFont:
    """Cut one upstream face to ``characters``, rename it and save it into ``out_dir``."""
    require_upstream(face)
    font = TTFont(
        face.upstream_file,
        fontNumber=face.member if face.member is not None else -1,
        recalcTimestamp=False,
    )
    upstream_name = font["name"].getDebugName(4)
    if upstream_name != face.upstream_name:
        where = f"member {face.member} of " if face.member is not None else ""
        raise FontError(
            f"{where}this file is {upstream_name!r}, expected {face.upstream_name!r}",
            face.upstream_file,
        )
    upstream_version = _version_of(font)
    copyright_notice = font["name"].getDebugName(0) or ""

    subsetter = subset.Subsetter(_subset_options())
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    subsetter.subset(font)
    if "CFF " in font:
        font = identity_cids(font)
    _rename(font, face, upstream_version, package_version)
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
        path=target,
    )


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
    tables = renamed.reader.keys()  # the tables in the file (not GlyphOrder)
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


def _rename(font: TTFont, face: Face, upstream_version: str, package_version: str) -> None:
    """Give the face its Compositor name everywhere a renderer or PDF may show it.

    Each face is the only member of its legacy family (nameID 1/2 = family/Regular),
    so a layout names it without weights; nameID 16/17 still group the Song weights.
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
        f"{package_version}, cut to GB 2312, 通用规范汉字表, punctuation and Latin by "
        f"`compositor fonts build`, and renamed as a Modified Version under the SIL Open "
        f"Font License 1.1."
    )
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
    """One text per upstream package: what we derived from it, then its copyright file."""
    licence_dir = Path(out_dir) / LICENCE_DIR
    licence_dir.mkdir(exist_ok=True)
    written = []
    for package in sorted({font.package for font in fonts}):
        mine = [font for font in fonts if font.package == package]
        copyright_file = Path("/usr/share/doc") / package / "copyright"
        if not copyright_file.is_file():
            raise FontError(f"no copyright file: reinstall {package}", copyright_file)
        path = licence_dir / f"{package}.txt"
        path.write_text(_licence_text(package, mine, copyright_file.read_text()), "utf-8")
        written.append(path)
    return written


def _licence_text(package: str, fonts: Sequence[ShippedFont], copyright_text: str) -> str:
    derived = [
        f"  {font.file}  ({font.family})  from {font.upstream_family} "
        f"{font.upstream_version}, {Path(font.upstream_file).name}"
        + (f" member {font.upstream_member}" if font.upstream_member >= 0 else "")
        for font in fonts
    ]
    notices = sorted({font.copyright for font in fonts if font.copyright})
    return "\n".join(
        [
            f"Fonts derived from the Debian package {package} {fonts[0].package_version}",
            "",
            "These files are Modified Versions under the SIL Open Font License 1.1 (full text",
            "below): subset to GB 2312, 通用规范汉字表, punctuation and Latin, hinting removed,",
            "and renamed, as the licence requires where it reserves the original names.",
            "",
            *derived,
            "",
            "Copyright notices in the original fonts:",
            *(f"  {line}" for notice in notices for line in notice.splitlines()),
            "",
            f"The package's copyright file (/usr/share/doc/{package}/copyright) follows.",
            "",
            "-" * 72,
            copyright_text.rstrip("\n"),
            "",
        ]
    )
