"""What the legacy reader is made of: numbered lines, warnings, the line walker, and the
measures the rules share (see parse.py for the rules themselves)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from compositor.errors import ContentError
from compositor.i18n import _
from compositor.text.normalize import fold_for_comparison

SUBHEAD_MAX = 20
# A line longer than a subhead, without final punctuation, is a paragraph a page broke; up to
# this length and with no punctuation inside it could also be a long subhead: say so.
SUBHEAD_GUESS_MAX = 40
INNER_MARKS = frozenset("，、；：。,;:")
LEAD_MAX = 20
# A TOC line longer than this, or one ending a sentence, is body text: the TOC has ended.
TOC_TITLE_MAX = 60
# How alike a TOC entry and a body title must be to pair them when they differ.
FUZZY_TITLE_RATIO = 0.6

ISSUE_LINE = re.compile(
    r"^(?P<year>\d{4})\s*年\s*第\s*(?P<number>\d+)\s*期\s*[(（]\s*总\s*第\s*(?P<cumulative>\d+)"
    r"\s*期\s*[)）]\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日$"
)
TOC_SECTION = re.compile(r"^【(?P<title>[^】]*)】\s*(?P<rest>.*)$")
SUBTITLE_DASHES = re.compile(r"^——")
COLOPHON_ENTRY = re.compile(r"^(?P<key>[^:：\s]+)\s*[:：]\s*(?P<value>.*)$")
EDITOR_SEPARATORS = re.compile(r"[\s、，,;；]+")

# Sentence-final marks, checked after stripping closing quotes and brackets.
SENTENCE_END = set("。！？!?…；;.")
CLOSERS = "”’」』）)》〉]\"'"
QUESTION_EXCLAMATION = set("！？!?")
# Marks after which a sentence must go on.
CONTINUES = set("，,、：:—–-“‘「『（(《〈")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line in the legacy file
    text: str  # stripped, not yet normalised


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer decided on a guess, or a difference it resolved."""

    path: Path
    line: int  # in the legacy text (0: none)
    message: str
    # Ambiguities become errors under --strict; resolved differences never do.
    ambiguous: bool = True
    page: int = 0  # when the legacy text was read from a PDF: the page, not the line

    def __str__(self) -> str:
        if self.page:
            template = _("{path}: page {page}: warning: {message}")
        elif self.line:
            template = _("{path}:{line}: warning: {message}")
        else:
            template = _("{path}: warning: {message}")
        return template.format(path=self.path, page=self.page, line=self.line, message=self.message)


@dataclass
class TocSection:
    title: str
    line: int
    subtitle: str = ""
    entries: list[Line] = field(default_factory=list)


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def ends_statement(text: str) -> bool:
    """Ends a sentence, and not with ？ or ！, which end titles too (为什么是高新区？)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return ends_sentence(text) and stripped[-1] not in QUESTION_EXCLAMATION


def title_key(text: str) -> str:
    """Titles compare equal whatever their spacing and punctuation width."""
    return fold_for_comparison(text)


class LineReader:
    """Walks the lines of one legacy file, collecting warnings on the way; the structure,
    title anchoring and block heuristics (structure.py, anchors.py, blocks.py) build on it."""

    def __init__(self, lines: list[Line], path: Path) -> None:
        self.lines = lines
        self.path = path
        self.warnings: list[ImportWarning] = []
        self.subtitles: list[Line] = []  # ——subtitle lines found in the body

    def warn(self, line: int, message: str, *, ambiguous: bool = True) -> None:
        self.warnings.append(ImportWarning(self.path, line, message, ambiguous))

    def error(self, line: int, message: str) -> ContentError:
        return ContentError(message, self.path, line)

    def nonblank(self, start: int, stop: int | None = None) -> list[int]:
        """Indices of non-blank lines in [start, stop)."""
        stop = len(self.lines) if stop is None else stop
        return [i for i in range(start, stop) if self.lines[i].text]


def is_ascii_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


def line_ranges(numbers: list[int]) -> str:
    """[3, 4, 5, 9] → '3–5, 9'."""
    parts = []
    start = previous = numbers[0]
    for number in numbers[1:] + [None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        parts.append(str(start) if start == previous else f"{start}–{previous}")
        if number is not None:
            start = previous = number
    return ", ".join(parts)
