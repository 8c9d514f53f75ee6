"""Content reader: an issue folder (TOML + Markdown) → ``model.Issue``.

This is the only module that knows the on-disk format (see docs/content-format.md).
It validates as it reads and raises ``ContentError`` with the file and line of the
first problem, so an editor can go straight to it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compositor import content_blocks
from compositor.errors import ContentError
from compositor.model import (
    Article,
    Block,
    Colophon,
    Issue,
    Paragraph,
    Publication,
    Section,
    Source,
    Subhead,
)

PUBLICATION_FILE = "publication.toml"
ISSUE_FILE = "issue.toml"
FRONT_MATTER_FENCE = "+++"
# A layout is chosen by name; a path here would let content pick templates (which are code).
LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# The only Markdown parsed: paragraphs (always on), `## ` subheads, line breaks, \-escapes and
# entities. Everything else (emphasis, lists, quotes, links, code, rules) prints as typed: the
# model has nowhere to keep it, and parsing it would silently drop the characters that mark it
# up, or whole lines (an indented paragraph would become unprinted "code"). Images (figures)
# and pipe tables are read by content_blocks.py.
MARKDOWN_RULES = ["heading", "newline", "escape", "entity", "image"]

PUBLICATION_KEYS = {"title": str, "publisher": str, "layout": str, "colophon": dict}
COLOPHON_KEYS = {
    "address": str,
    "postcode": str,
    "phone": str,
    "website": str,
    "editorial_address": str,
    "editorial_postcode": str,
    "editorial_phone": str,
    "editors": list,
}
ISSUE_KEYS = {
    "year": int,
    "number": int,
    "cumulative": int,
    "date": dt.date,
    "sections": list,
    "editors": list,
}
ISSUE_OPTIONAL = {"editors"}
SECTION_KEYS = {"title": str, "subtitle": str}
SECTION_OPTIONAL = {"subtitle"}
ARTICLE_KEYS = {"section": str, "title": str, "lead": str, "credit": str}
ARTICLE_OPTIONAL = {"lead", "credit"}


def read_issue(folder: Path) -> Issue:
    """Read and validate one issue folder and its publication's facts."""
    folder = Path(folder)
    issue_file = folder / ISSUE_FILE
    require_directory(folder)
    if not issue_file.exists():  # a folder or pipe of that name gets a message of its own
        raise ContentError(
            f"no {ISSUE_FILE} here: an issue folder needs one (see docs/content-format.md)",
            folder,
        )
    publication = read_publication(publication_folder(folder))
    data = load_toml(issue_file)
    _check_keys(data, ISSUE_KEYS, ISSUE_OPTIONAL, issue_file, "issue")
    editors = _string_list(data.get("editors", []), issue_file, "editors")
    section_specs = _read_section_specs(data["sections"], issue_file)
    articles = [_read_article(path) for path in sorted(folder.glob("*.md"))]
    sections = _group_articles(section_specs, articles, issue_file)
    return Issue(
        publication=publication,
        year=data["year"],
        number=data["number"],
        cumulative=data["cumulative"],
        date=data["date"],
        sections=sections,
        folder=folder,
        editors=editors,
    )


def require_directory(folder: Path) -> None:
    """Refuse an issue path that is not a folder, before anything looks inside it."""
    if folder.is_dir():
        return
    if folder.exists():
        raise ContentError("is a file, not an issue folder: give the folder that holds it", folder)
    raise ContentError("is not an issue folder (no such directory)", folder)


def publication_folder(issue_folder: Path) -> Path:
    """The folder holding an issue folder (and its publication.toml). ``.`` and ``..``
    have no parent as written (``Path(".").parent`` is ``.`` again), so an editor who
    runs ``compositor build .`` inside the issue gets its real parent."""
    if issue_folder.name in ("", ".."):
        return issue_folder.resolve().parent
    return issue_folder.parent


def read_publication(root: Path) -> Publication:
    path = root / PUBLICATION_FILE
    if not path.exists():
        raise ContentError(
            f"no {PUBLICATION_FILE} in the publication folder: it holds the masthead and colophon",
            root,
        )
    data = load_toml(path)
    _check_keys(data, PUBLICATION_KEYS, set(), path, "publication")
    if not LAYOUT_NAME.fullmatch(data["layout"]):
        raise ContentError(
            f"layout {data['layout']!r} must be the name of a folder under layouts/, not a path",
            path,
            _line_of(path, "layout"),
        )
    colophon = data["colophon"]
    _check_keys(colophon, COLOPHON_KEYS, set(), path, "[colophon]")
    fields = {k: v for k, v in colophon.items() if k != "editors"}
    editors = _string_list(colophon["editors"], path, "editors")
    return Publication(
        title=data["title"],
        publisher=data["publisher"],
        layout=data["layout"],
        colophon=Colophon(**fields, editors=editors),
        root=root,
    )


@dataclass(frozen=True)
class _SectionSpec:
    title: str
    subtitle: str
    source: Source


def _read_section_specs(raw: list, path: Path) -> list[_SectionSpec]:
    specs: list[_SectionSpec] = []
    for entry in raw:
        if not isinstance(entry, dict):
            raise ContentError("each [[sections]] entry must be a table", path)
        line = _line_of(path, entry.get("title", ""))
        _check_keys(entry, SECTION_KEYS, SECTION_OPTIONAL, path, "[[sections]]", line)
        if any(spec.title == entry["title"] for spec in specs):
            # Its articles would be printed twice (and the reading-order check would crash).
            raise ContentError(
                f"section {entry['title']!r} is declared twice; declare each section once", path
            )
        specs.append(_SectionSpec(entry["title"], entry.get("subtitle", ""), Source(path, line)))
    if not specs:
        raise ContentError("the issue declares no [[sections]]", path)
    return specs


def _group_articles(
    specs: list[_SectionSpec], articles: list[Article], issue_file: Path
) -> tuple[Section, ...]:
    known = {spec.title for spec in specs}
    for article in articles:
        if article.section not in known:
            raise ContentError(
                f"article is in section {article.section!r}, which {ISSUE_FILE} does not declare "
                f"(declared: {', '.join(sorted(known))})",
                article.source.path,
                _line_of(article.source.path, article.section),
            )
    sections = []
    for spec in specs:
        members = tuple(a for a in articles if a.section == spec.title)
        sections.append(Section(spec.title, members, spec.source, spec.subtitle))
    _check_reading_order(sections, articles, issue_file)
    return tuple(sections)


def _check_reading_order(sections: list[Section], articles: list[Article], issue_file: Path):
    """Files are read in name order; that order must agree with the section order."""
    expected = [a for s in sections for a in s.articles]
    for got, want in zip(articles, expected, strict=True):
        if got is not want:
            raise ContentError(
                f"article is out of order: files are read by name, and section "
                f"{got.section!r} comes after {want.section!r} in {ISSUE_FILE}; rename the file "
                f"so that articles of one section are together and in section order",
                got.source.path,
                1,
            )


@dataclass(frozen=True)
class ArticleParts:
    """An article file split but not yet validated: its front matter and its body."""

    meta: dict[str, Any]
    blocks: tuple[Block, ...]
    body_line: int  # 1-based line of the first body line, after the closing +++


def parse_article(path: Path) -> ArticleParts:
    """Split an article into front matter and blocks; raises if it cannot be read or parsed
    (a picture that may not be placed is refused here, see content_blocks.py), never for a
    bad key."""
    text = _read_text(path)
    meta, body, body_line = _split_front_matter(text, path)
    return ArticleParts(meta, _parse_body(body, path, body_line), body_line)


def _read_article(path: Path) -> Article:
    parts = parse_article(path)
    meta, blocks = parts.meta, parts.blocks
    _check_keys(meta, ARTICLE_KEYS, ARTICLE_OPTIONAL, path, "article front matter")
    if not any(isinstance(b, Paragraph) for b in blocks):
        raise ContentError("article has no paragraphs: write the text after the +++ block", path)
    return Article(
        title=meta["title"].strip(),
        section=meta["section"].strip(),
        blocks=blocks,
        source=Source(path, 1),
        lead=meta.get("lead", "").strip(),
        credit=meta.get("credit", "").strip(),
    )


def _split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError(
            f"an article starts with a {FRONT_MATTER_FENCE} line, then title/section, then "
            f"{FRONT_MATTER_FENCE}",
            path,
            1,
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER_FENCE:
            meta = _parse_toml("\n".join(lines[1:index]), path, line_offset=1)
            return meta, "\n".join(lines[index + 1 :]), index + 2
    raise ContentError(
        f"the front matter is never closed with a {FRONT_MATTER_FENCE} line", path, 1
    )


def _parse_body(body: str, path: Path, first_line: int) -> tuple[Block, ...]:
    """Markdown → paragraphs, subheads, figures and tables. Raw HTML and other markup stay
    text."""
    md = content_blocks.markdown(MARKDOWN_RULES)  # "zero" preset: no rules, HTML off
    blocks: list[Block] = []
    tokens = md.parse(body)
    for index, token in enumerate(tokens):
        # Issue 14: figures and tables are read in content_blocks.py (its only call site).
        special = content_blocks.read_block(tokens, index, path, first_line)
        if special is not None:
            blocks.extend(special)
            continue
        if token.type != "inline" or index == 0:
            continue
        opener = tokens[index - 1]
        line = first_line + (token.map[0] if token.map else 0)
        text = _inline_text(token)
        if not text:
            continue
        if opener.type == "heading_open":
            blocks.append(Subhead(text, Source(path, line)))
        elif opener.type == "paragraph_open":
            blocks.append(Paragraph(text, Source(path, line)))
    return tuple(blocks)


def _inline_text(token) -> str:
    """Plain text of an inline token; soft line breaks join without a space (Chinese)."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            continue
        parts.append(child.content)
    return "".join(parts).strip()


@dataclass(frozen=True)
class KeyProblem:
    """One problem with the keys of a TOML table. A missing key has no line of its own."""

    key: str
    message: str
    missing: bool = False


def key_problems(
    data: dict, schema: dict[str, type], optional: set[str], what: str
) -> list[KeyProblem]:
    """Every unknown, missing or mistyped key of one table.

    The reader raises the first of them; ``compositor check`` reports them all.
    """
    problems = []
    for key in data:
        if key not in schema:
            problems.append(
                KeyProblem(
                    key,
                    f"unknown key {key!r} in {what}{_did_you_mean(key, schema)} "
                    f"(known: {', '.join(schema)})",
                )
            )
    for key, kind in schema.items():
        if key not in data:
            if key not in optional:
                message = f"{what} is missing the required key {key!r}"
                problems.append(KeyProblem(key, message, missing=True))
            continue
        value = data[key]
        # bool is an int in Python; a year of `true` is still wrong.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(
                KeyProblem(
                    key,
                    f"{key!r} must be {_kind_name(kind)}, not {type(value).__name__} ({value!r})",
                )
            )
        elif kind is str and key not in optional and not value.strip():
            problems.append(KeyProblem(key, f"{key!r} is empty: write the text between the quotes"))
    return problems


def _did_you_mean(key: str, schema: dict[str, type]) -> str:
    close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_keys(
    data: dict,
    schema: dict[str, type],
    optional: set[str],
    path: Path,
    what: str,
    line: int = 0,
) -> None:
    for problem in key_problems(data, schema, optional, what):
        where = line if problem.missing else (line or _line_of(path, problem.key))
        raise ContentError(problem.message, path, where)


def _kind_name(kind: type) -> str:
    return {
        str: 'a "string"',
        int: "a whole number",
        list: "a list [ ... ]",
        dict: "a table",
        dt.date: "a date like 2022-10-18 (no quotes)",
    }[kind]


def _string_list(value: list, path: Path, key: str) -> tuple[str, ...]:
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ContentError(f"{key!r} must be a list of names in quotes", path, _line_of(path, key))
    return tuple(item.strip() for item in value)


def load_toml(path: Path) -> dict[str, Any]:
    return _parse_toml(_read_text(path), path)


# What to do about tomllib's commonest complaints, keyed by the start of its message.
TOML_HINTS = {
    "Invalid value": ': text goes in "double quotes"; numbers and dates go without',
    "Invalid date": ": a date is written like 2022-10-18 (no quotes) and must exist",
    "Cannot overwrite": ": this key is set twice; keep one",
    "Cannot declare": ": this table is declared twice; keep one",
    "Unterminated string": ': close the "quote" on the same line',
}


def _parse_toml(text: str, path: Path, line_offset: int = 0) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        line = int(match[1]) + line_offset if match else 0
        reason = re.sub(r"\s*\(at line.*\)$", "", message)
        hint = next((h for start, h in TOML_HINTS.items() if reason.startswith(start)), "")
        raise ContentError(f"malformed TOML: {reason}{hint}", path, line) from None
    except ValueError as error:  # e.g. an impossible date such as 2022-02-30
        raise ContentError(f"malformed TOML value: {error}", path, 0) from None
    except RecursionError:  # tomllib recurses once per level of [[[…]]] or {a={…}}
        raise ContentError("malformed TOML: values are nested too deeply", path, 0) from None


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise ContentError("this is a folder, not a file: rename or move it out of the way", path)
    if path.exists() and not path.is_file():  # reading a pipe or /dev/zero would never end
        raise ContentError("this is a device or pipe, not a file: use a text file", path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(
            f"cannot read the file ({error.strerror}): check that it exists and that you may "
            f"read it (ls -l)",
            path,
        ) from None
    if b"\0" in data:
        raise ContentError("this is a binary file, not text: save it as UTF-8 text", path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM from Windows editors is harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            "the file is not UTF-8 (perhaps GBK): re-save it as UTF-8 in your editor",
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_of(path: Path, needle: str) -> int:
    """Best-effort 1-based line of the first line containing ``needle`` (for messages)."""
    if not needle:
        return 0
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    pattern = re.compile(rf"^\s*\"?{re.escape(needle)}\"?\s*=")
    for number, line in enumerate(lines, start=1):
        if pattern.search(line):
            return number
    for number, line in enumerate(lines, start=1):
        if needle in line:
            return number
    return 0
