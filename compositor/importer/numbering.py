"""Word's automatic list numbers (numbering.xml) → the enumerator Word prints before an item.

Word does not store a list item's number in its text: a paragraph names a numbering
instance (``w:numId``) and a level (``w:ilvl``), the instance names an abstract
definition, and each level of it says how the number looks (``w:numFmt``: decimal,
chineseCounting …), what surrounds it (``w:lvlText``: ``%1.``, ``（%1）``) and where it
starts (``w:start``). The number itself is the item's position: Word counts the items
of one abstract list in document order (instances of the same abstract list continue
each other unless an instance restarts a level with ``w:startOverride``), and an item
restarts the counts of the levels below its own.

``Numbering.marker`` follows those rules for the paragraphs in the order they are
asked about. The content format's lists (content/lists.py) know a fixed set of
enumerators; a number Word prints in a form they do not know (a. i. 1.1.) becomes a
decimal one and is reported, so that what prints is still one item per line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compositor.content.lists import split_enumerator
from compositor.importer.ooxml import W, nodes

BULLET = "-"  # a bullet of any glyph is written as the content format's bullet
CIRCLED_MAX = 20  # ① … ⑳
_HAN_DIGITS = "零一二三四五六七八九"
# numFmt values that print Chinese numbers 一 二 三 (Word and WPS use all of these).
CHINESE_FORMATS = frozenset(
    {
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "ideographDigital",
        "japaneseCounting",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    }
)
CIRCLED_FORMATS = frozenset({"decimalEnclosedCircle", "decimalEnclosedCircleChinese"})
DECIMAL_FORMATS = frozenset({"decimal", "decimalZero", "decimalFullWidth", "decimalHalfWidth"})


@dataclass(frozen=True)
class Level:
    """One level of a list definition: how its number looks and where it starts."""

    number_format: str  # w:numFmt
    text: str  # w:lvlText, e.g. "%1." or "（%1）"
    start: int = 1


@dataclass(frozen=True)
class Marker:
    """The enumerator for one item, and a note when it is not what Word prints."""

    text: str  # "" for a numbered paragraph whose number is switched off (numFmt none)
    note: str = ""


@dataclass
class Numbering:
    """The document's list definitions and the counts so far, per abstract list."""

    levels: dict[str, dict[int, Level]]  # abstractNumId → ilvl → level
    instances: dict[str, str]  # numId → abstractNumId
    overrides: dict[tuple[str, int], int]  # (numId, ilvl) → start override
    counts: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[tuple[str, int]] = field(default_factory=set)  # overrides applied

    @classmethod
    def from_document(cls, document) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering.xml: nothing is numbered
            return cls({}, {}, {})
        return cls.from_xml(root)

    @classmethod
    def from_xml(cls, root) -> Numbering:
        levels = {
            abstract.get(f"{{{W}}}abstractNumId"): _levels(abstract)
            for abstract in _xpath(root, "./w:abstractNum")
        }
        instances, overrides = {}, {}
        for instance in _xpath(root, "./w:num"):
            number = instance.get(f"{{{W}}}numId")
            instances[number] = _value(instance, "./w:abstractNumId") or ""
            for override in _xpath(instance, "./w:lvlOverride"):
                start = _value(override, "./w:startOverride")
                if start is not None:
                    overrides[(number, int(override.get(f"{{{W}}}ilvl", "0")))] = int(start)
        return cls(levels, instances, overrides)

    def marker(self, number_id: str, level: int) -> Marker:
        """The enumerator Word prints for the next item of list ``number_id`` at ``level``."""
        abstract = self.instances.get(number_id, "")
        definition = self.levels.get(abstract, {})
        counts = self.counts.setdefault(abstract, {})
        if (number_id, level) in self.overrides and (number_id, level) not in self.started:
            self.started.add((number_id, level))
            counts[level] = self.overrides[(number_id, level)] - 1
        own = definition.get(level, Level("decimal", f"%{level + 1}."))
        counts[level] = counts.get(level, own.start - 1) + 1
        for deeper in [key for key in counts if key > level]:
            del counts[deeper]  # an item restarts the numbers of the levels below it
        if own.number_format == "bullet":
            return Marker(BULLET)
        if own.number_format == "none":
            return Marker("")
        printed = _fill(own.text, definition, counts)
        if split_enumerator(printed + "文") == (printed, "文"):
            return Marker(printed)
        plain = f"{counts[level]}."
        return Marker(
            plain,
            f"Word numbers this item {printed!r}; the content format's lists have no such "
            f"enumerator, so it is written {plain!r}",
        )


def _levels(abstract) -> dict[int, Level]:
    found = {}
    for level in _xpath(abstract, "./w:lvl"):
        found[int(level.get(f"{{{W}}}ilvl", "0"))] = Level(
            number_format=_value(level, "./w:numFmt") or "decimal",
            text=_value(level, "./w:lvlText") or "",
            start=int(_value(level, "./w:start") or 1),
        )
    return found


def _fill(text: str, definition: dict[int, Level], counts: dict[int, int]) -> str:
    """``%1``…``%9`` in a level's text replaced by those levels' numbers, each in its format."""
    out = text
    for level in range(9):
        placeholder = f"%{level + 1}"
        if placeholder in out:
            style = definition.get(level, Level("decimal", "")).number_format
            number = counts.get(level, definition.get(level, Level("", "")).start)
            out = out.replace(placeholder, format_number(number, style))
    return out.strip()


def format_number(number: int, number_format: str) -> str:
    """A count as Word prints it in ``number_format``; unknown formats as decimal."""
    if number_format in CHINESE_FORMATS and 0 < number < 100:
        return chinese_number(number)
    if number_format in CIRCLED_FORMATS and 0 < number <= CIRCLED_MAX:
        return chr(0x2460 + number - 1)
    if number_format == "decimalZero" and number < 10:
        return f"0{number}"
    if number_format in ("lowerLetter", "upperLetter") and 0 < number <= 26:
        letter = chr(ord("a") + number - 1)
        return letter if number_format == "lowerLetter" else letter.upper()
    if number_format in ("lowerRoman", "upperRoman") and 0 < number < 40:
        roman = "x" * (number // 10) + ROMAN_ONES[number % 10]
        return roman if number_format == "lowerRoman" else roman.upper()
    return str(number)


ROMAN_ONES = ("", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix")


def chinese_number(number: int) -> str:
    """1–99 as counted in Chinese: 一 … 十 十一 … 二十 二十一 … 九十九."""
    tens, ones = divmod(number, 10)
    if tens == 0:
        return _HAN_DIGITS[ones]
    head = "" if tens == 1 else _HAN_DIGITS[tens]
    return head + "十" + (_HAN_DIGITS[ones] if ones else "")


def _value(element, path: str) -> str | None:
    found = _xpath(element, path)
    return found[0].get(f"{{{W}}}val") if found else None


def _xpath(element, path: str) -> list[Any]:
    return nodes(element, path)
