"""Content reader: an issue folder (TOML + Markdown) → ``model.Issue``.

This package is the only one that knows the on-disk format (see docs/content-format.md):
this module decodes and parses the files and holds the schemas; ``validate`` applies
every rule and builds the model. ``read_issue`` raises ``ContentError`` with the file
and line of the first problem, so an editor can go straight to it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compositor.content import blocks as content_blocks
from compositor.content import lists, notes
from compositor.errors import ContentError
from compositor.i18n import N_, _
from compositor.model import (
    Block,
    Issue,
    ItemList,
    Paragraph,
    Publication,
    Source,
    Subhead,
)

PUBLICATION_FILE = "publication.toml"
ISSUE_FILE = "issue.toml"
FRONT_MATTER_FENCE = "+++"
# What `compositor new` writes where an editor still has to write text (check warns about it).
PLACEHOLDER = "待填写"
# A layout is chosen by name; a path here would let content pick templates (which are code).
LAYOUT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
# The only Markdown parsed: paragraphs (always on), `## ` subheads, line breaks, \-escapes,
# entities and lists (content/lists.py, which also reads the Chinese enumerators CommonMark
# does not know). Everything else (emphasis, quotes, links, code, rules) prints as typed: the
# model has nowhere to keep it, and parsing it would silently drop the characters that mark it
# up, or whole lines (an indented paragraph would become unprinted "code"). Images (figures)
# and pipe tables are read by content/blocks.py.
MARKDOWN_RULES = ["heading", "newline", "escape", "entity", "image", "list", "emphasis"]
# Emphasis (issue 25): ``**…**`` in a paragraph prints in the layout's emphasis face; every
# other emphasis mark (``*…*``, and ``**`` outside paragraphs) prints as typed, as it did
# before the rule was on: Chinese text has no italics, and ``*注`` is text.
EMPHASIS_TOKENS = ("em_open", "em_close", "strong_open", "strong_close")
SUBHEAD_MARK = "##"

PUBLICATION_KEYS = {
    "title": str,
    "publisher": str,
    "layout": str,
    "colophon": dict,
    "buzi_font": str,
    "distribution": dict,
}
PUBLICATION_OPTIONAL = {"buzi_font", "distribution"}
# A brief's 版记 (issue 26): whom it goes to — 报 (up), 送 (across), 发 (down) — and how
# many copies are printed; a layout that prints a 版记 (layouts/jianbao) reads them.
DISTRIBUTION_KEYS = {"report_to": list, "send_to": list, "issue_to": list, "copies": int}
DISTRIBUTION_OPTIONAL = {"report_to", "send_to", "issue_to", "copies"}
# A publication's own 补字 font: a TrueType or OpenType file in the publication folder.
BUZI_FONT_SUFFIXES = (".ttf", ".otf")
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
# A title is one string, or a list of its lines where the author breaks it (issue 25).
ARTICLE_KEYS: dict[str, type | tuple[type, ...]] = {
    "section": str,
    "title": (str, list),
    "lead": str,
    "credit": str,
}
ARTICLE_OPTIONAL = {"lead", "credit"}


def read_issue(folder: Path) -> Issue:
    """Read and validate one issue folder and its publication's facts; raise the first
    error the validator (content/validate.py) finds."""
    from compositor.content.validate import read_findings

    reading = read_findings(folder)
    if reading.errors:
        raise reading.errors[0].error()
    assert reading.issue is not None
    return reading.issue


def article_files(folder: Path) -> list[Path]:
    """An issue's article files in reading (file-name) order. Hidden files are not
    articles: ``._01.md`` (macOS) and ``.#01.md`` (Emacs, while a file is being edited)."""
    return sorted(p for p in folder.glob("*.md") if not p.name.startswith("."))


def require_directory(folder: Path) -> None:
    """Refuse an issue path that is not a folder, before anything looks inside it."""
    if folder.is_dir():
        return
    if folder.exists():
        raise ContentError(
            _("is a file, not an issue folder: give the folder that holds it"), folder
        )
    raise ContentError(_("is not an issue folder (no such directory)"), folder)


def publication_folder(issue_folder: Path) -> Path:
    """The folder holding an issue folder (and its publication.toml). ``.`` and ``..``
    have no parent as written (``Path(".").parent`` is ``.`` again), so an editor who
    runs ``compositor build .`` inside the issue gets its real parent."""
    if issue_folder.name in ("", ".."):
        return issue_folder.resolve().parent
    return issue_folder.parent


def read_publication(root: Path) -> Publication:
    """publication.toml alone, validated; raises its first error."""
    from compositor.content.validate import publication_findings

    publication, findings = publication_findings(root)
    errors = [f for f in findings if f.level == "error"]
    if errors:
        raise errors[0].error()
    assert publication is not None
    return publication


@dataclass(frozen=True)
class ArticleParts:
    """An article file split but not yet validated: its front matter and its body."""

    meta: dict[str, Any]
    blocks: tuple[Block, ...]
    body_line: int  # 1-based line of the first body line, after the closing +++
    # Blocks that could not be read (a picture that may not be placed, see
    # content/blocks.py; a # heading), each left out with its error: all are reported.
    problems: tuple[ContentError, ...] = ()


def parse_article(path: Path, text: str | None = None) -> ArticleParts:
    """Split an article into front matter and blocks; raises if it cannot be read or its
    front matter cannot be parsed, never for a bad key, and keeps the errors of the blocks
    it cannot read in ``problems``. ``text``: the file's text when the caller has read it
    (the validator reads each file once, for the model and for its positions)."""
    if text is None:
        text = read_text(path)
    meta, body, body_line = _split_front_matter(text, path)
    problems: list[ContentError] = []
    blocks = _parse_body(body, path, body_line, problems)
    return ArticleParts(meta, blocks, body_line, tuple(problems))


def read_body(body: str, path: Path) -> tuple[Block, ...]:
    """The blocks of an article body's Markdown, as ``parse_article`` reads them (the
    importer asks whether what it writes reads back); raises its first error."""
    problems: list[ContentError] = []
    blocks = _parse_body(body, path, 1, problems)
    if problems:
        raise problems[0]
    return blocks


def _split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise ContentError(
            _("an article starts with a {fence} line, then title/section, then {fence}").format(
                fence=FRONT_MATTER_FENCE
            ),
            path,
            1,
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FRONT_MATTER_FENCE:
            meta = _parse_toml("\n".join(lines[1:index]), path, line_offset=1)
            return meta, "\n".join(lines[index + 1 :]), index + 2
    raise ContentError(
        _("the front matter is never closed with a {fence} line").format(fence=FRONT_MATTER_FENCE),
        path,
        1,
    )


def _parse_body(
    body: str, path: Path, first_line: int, problems: list[ContentError]
) -> tuple[Block, ...]:
    """Markdown → paragraphs, subheads, lists, figures and tables. Raw HTML and other
    markup stay text. A block that cannot be read is left out, its error added to
    ``problems``, and reading goes on, so that one check names every mistake."""
    md = notes.use_notes(content_blocks.markdown(MARKDOWN_RULES))  # "zero" preset, HTML off
    blocks: list[Block] = []
    env: dict = {}  # the notes' labels and numbers, shared by every inline parse
    tokens = md.parse(body, env)
    notes.refuse_unreferenced(env, body, path, first_line)
    notes.mark_references(tokens, path, first_line)
    _emphasis_as_typed(tokens)
    parse_inline = _parser(md, env, path, first_line)
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "footnote_block_open":  # issue 25: the notes, after every block
            found_notes = notes.read_notes(tokens, index, parse_inline, body, path, first_line)
            blocks.extend([found_notes] if found_notes else [])
            break
        if token.type in LIST_OPENERS:  # issue 23: lists are read in content/lists.py
            found = lists.read_commonmark(tokens, index, parse_inline, path, first_line)
            blocks.extend(_commonmark_blocks(found, tokens, index, body, path, first_line))
            index = found.end
            continue
        index += 1
        # Issue 14: figures and tables are read in content/blocks.py (its only call site).
        try:
            special = content_blocks.read_block(tokens, index - 1, path, first_line)
        except ContentError as error:
            problems.append(error)
            continue
        if special is not None:
            blocks.extend(special)
            continue
        if token.type != "inline" or index == 1:
            continue
        opener = tokens[index - 2]
        line = first_line + (token.map[0] if token.map else 0)
        if opener.type == "heading_open":
            text = _inline_text(token, path, line)
            if text:
                try:
                    _refuse_other_headings(opener.markup, path, line)
                except ContentError as error:
                    problems.append(error)
                    continue
                blocks.append(Subhead(text, Source(path, line)))
        elif opener.type == "paragraph_open":
            blocks.extend(_paragraph_blocks(token, parse_inline, path, line))
    return tuple(blocks)


LIST_OPENERS = ("bullet_list_open", "ordered_list_open")


def _paragraph_blocks(token, parse_inline, path: Path, line: int) -> list[Block]:
    """A paragraph, or the list its lines are typed as (with the prose before it)."""
    split = lists.split_paragraph(token.content)
    if not split.items:
        text, emphasis, references = _emphasised_text(token, path, line)
        return [Paragraph(text, Source(path, line), emphasis, references)] if text else []
    found: list[Block] = []
    lead = parse_inline(split.lead)
    if lead:
        found.append(Paragraph(lead, Source(path, line)))
    found.append(lists.paragraph_list(split, parse_inline, path, line))
    return found


def _commonmark_blocks(found, tokens, index: int, body: str, path: Path, first_line: int):
    """A CommonMark list's block: the list, or a paragraph as typed for one numbered item
    (``1. 总体情况``, ``2022. …`` alone printed so before lists existed)."""
    if not found.items:
        return []
    if found.ordered and len(found.items) == 1:
        item = found.items[0]
        typed = body.split("\n")[tokens[index].map[0]].lstrip()
        after = typed[len(item.marker) :]
        space = after[: len(after) - len(after.lstrip())]  # as typed after the marker
        return [Paragraph(item.marker + space + item.text, item.source)]
    return [ItemList(found.items, found.items[0].source)]


def _parser(md, env: dict, path: Path, line: int):
    """Source text → its plain text, read as a paragraph's inline content is (``env``
    holds the notes' numbers, so that ``[^1]`` reads the same everywhere)."""

    def parse(source: str) -> str:
        if not source.strip():
            return ""
        return _inline_text(md.parseInline(source, env)[0], path, line)

    return parse


def _refuse_other_headings(markup: str, path: Path, line: int) -> None:
    """Only ``## `` starts a subhead (docs/content-format.md); a ``# `` or ``### `` line
    would silently become one too, or print its #s if kept as text, so say so."""
    if markup != SUBHEAD_MARK:
        raise ContentError(
            _(
                "a subhead is written '{mark} ' (two #), not '{markup} ': write '{mark} ' for a "
                "subhead, or '\\{hash}' to print a # at the start of a paragraph"
            ).format(mark=SUBHEAD_MARK, markup=markup, hash=markup[0]),
            path,
            line,
        )


def _emphasis_as_typed(tokens: list) -> None:
    """Every emphasis mark keeps its characters as its text (captions and table cells
    read tokens' text); only a paragraph's ``**`` is read as emphasis (_emphasised_text)."""
    for token in tokens:
        for child in token.children or []:
            if child.type in EMPHASIS_TOKENS:
                child.content = child.markup


def _emphasised_text(
    token, path: Path, line: int
) -> tuple[str, tuple[tuple[int, int], ...], tuple[int, ...]]:
    """A paragraph's plain text, its ``**…**`` stretches (start, end) in it and where its
    notes' reference marks stand in it."""
    text, ranges, start, depth, marks = "", [], 0, 0, []
    for child in token.children or []:
        if child.type == "footnote_ref":
            marks.append(len(text))
        if child.type == "strong_open" and child.markup == "**":
            depth += 1
            start = len(text) if depth == 1 else start
        elif child.type == "strong_close" and child.markup == "**":
            depth -= 1
            if depth == 0 and len(text) > start:
                ranges.append((start, len(text)))
        else:
            text += _inline_text_of(child, path, line)
    stripped = text.lstrip()
    shift, length = len(text) - len(stripped), len(stripped.rstrip())
    spans = ((max(a - shift, 0), min(b - shift, length)) for a, b in ranges)
    references = tuple(at - shift for at in marks)  # a mark is never stripped space
    return stripped.rstrip(), tuple((a, b) for a, b in spans if a < b), references


def _inline_text_of(child, path: Path, line: int) -> str:
    if child.type in ("softbreak", "hardbreak"):
        return ""
    if child.type in EMPHASIS_TOKENS:
        return child.markup
    if child.type == "footnote_ref":  # read again by a list item's inline parse
        child.content = notes.mark(child.meta["id"], path, line)
    return child.content


def _inline_text(token, path: Path, line: int) -> str:
    """Plain text of an inline token; soft line breaks join without a space (Chinese);
    a note's reference is its mark (content/notes.py)."""
    return "".join(_inline_text_of(child, path, line) for child in token.children or []).strip()


@dataclass(frozen=True)
class KeyProblem:
    """One problem with the keys of a TOML table. A missing key has no line of its own."""

    key: str
    message: str
    missing: bool = False


def key_problems(
    data: dict, schema: Mapping[str, type | tuple[type, ...]], optional: set[str], what: str
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
                    _("unknown key {key!r} in {what}{did_you_mean} (known: {known})").format(
                        key=key,
                        what=_(what),
                        did_you_mean=_did_you_mean(key, schema),
                        known=", ".join(schema),
                    ),
                )
            )
    for key, kind in schema.items():
        if key not in data:
            if key not in optional:
                message = _("{what} is missing the required key {key!r}").format(
                    what=_(what), key=key
                )
                problems.append(KeyProblem(key, message, missing=True))
            continue
        value = data[key]
        # bool is an int in Python; a year of `true` is still wrong.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            problems.append(
                KeyProblem(
                    key,
                    _("{key!r} must be {kind}, not {type} ({value!r})").format(
                        key=key, kind=_kind_name(kind), type=type(value).__name__, value=value
                    ),
                )
            )
        elif kind is str and isinstance(value, str) and key not in optional and not value.strip():
            message = _("{key!r} is empty: write the text between the quotes").format(key=key)
            problems.append(KeyProblem(key, message))
    return problems


def _did_you_mean(key: str, schema: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.6)
    return _("; did you mean {key!r}?").format(key=close[0]) if close else ""


def _kind_name(kind: type | tuple) -> str:
    if isinstance(kind, tuple):
        return _(" or ").join(_kind_name(one) for one in kind)
    return _(KIND_NAMES[kind])


KIND_NAMES = {
    str: N_('a "string"'),
    int: N_("a whole number"),
    list: N_("a list [ ... ]"),
    dict: N_("a table"),
    dt.date: N_("a date like 2022-10-18 (no quotes)"),
}


def load_toml(path: Path) -> dict[str, Any]:
    return parse_toml(read_text(path), path)


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """A TOML file's text (read by ``read_text``) parsed, with advice for its errors."""
    return _parse_toml(text, path)


# What to do about tomllib's commonest complaints, keyed by the start of its message.
TOML_HINTS = {
    "Invalid value": N_(': text goes in "double quotes"; numbers and dates go without'),
    "Invalid date": N_(": a date is written like 2022-10-18 (no quotes) and must exist"),
    "Cannot overwrite": N_(": this key is set twice; keep one"),
    "Cannot declare": N_(": this table is declared twice; keep one"),
    "Unterminated string": N_(': close the "quote" on the same line'),
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
        message = _("malformed TOML: {reason}{hint}").format(
            reason=reason, hint=_(hint) if hint else ""
        )
        raise ContentError(message, path, line) from None
    except ValueError as error:  # e.g. an impossible date such as 2022-02-30
        message = _("malformed TOML value: {error}").format(error=error)
        raise ContentError(message, path, 0) from None
    except RecursionError:  # tomllib recurses once per level of [[[…]]] or {a={…}}
        message = _("malformed TOML: values are nested too deeply")
        raise ContentError(message, path, 0) from None


def read_text(path: Path) -> str:
    """The one file decoder: UTF-8 (a BOM dropped), any line ending read as \\n; raises
    ContentError with advice for folders, devices, binary and non-UTF-8 files."""
    if path.is_dir():
        message = _("this is a folder, not a file: rename or move it out of the way")
        raise ContentError(message, path)
    if path.exists() and not path.is_file():  # reading a pipe or /dev/zero would never end
        raise ContentError(_("this is a device or pipe, not a file: use a text file"), path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ContentError(
            _(
                "cannot read the file ({reason}): check that it exists and that you may read "
                "it (ls -l)"
            ).format(reason=error.strerror),
            path,
        ) from None
    if b"\0" in data:
        line = data[: data.index(b"\0")].count(b"\n") + 1
        message = _("this is a binary file, not text: save it as UTF-8 text")
        raise ContentError(message, path, line)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a BOM from Windows editors is harmless
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ContentError(
            _("the file is not UTF-8 (perhaps GBK): re-save it as UTF-8 in your editor"),
            path,
            line,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
