"""Box sizes read from a layout's own CSS, so that estimates follow the designer's changes.

This is not a CSS engine: it reads the declarations of plain selectors (as written,
e.g. ``.a-title`` or ``.a-part + .a-part``) and of ``@page`` rules, in order,
later ones winning, and computes font size, line height, margins, paddings and
border widths in points. Inheritance is explicit: the caller names the parent box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tinycss2

PT_PER_UNIT = {"pt": 1.0, "px": 0.75, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pc": 12.0}
Declarations = list[tuple[str, list]]  # (property, value tokens), in source order


@dataclass(frozen=True)
class Sides:
    top: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    left: float = 0.0

    @property
    def vertical(self) -> float:
        return self.top + self.bottom


@dataclass(frozen=True)
class Box:
    """What one selector's element measures, in points."""

    em: float  # font size
    line_factor: float  # line height as a multiple of the font size (inherited as such)
    margin: Sides = Sides()
    padding: Sides = Sides()
    border: Sides = Sides()

    @property
    def line(self) -> float:
        return self.em * self.line_factor

    def height(self, lines: int = 1) -> float:
        """Outer height of a block holding ``lines`` lines of its own text."""
        return (
            lines * self.line + self.margin.vertical + self.padding.vertical + self.border.vertical
        )


class StyleSheet:
    def __init__(self, rules: dict[str, Declarations], pages: dict[str, Declarations]) -> None:
        self.rules = rules  # selector → declarations
        self.pages = pages  # @page selector ("" or ":first") → declarations

    @classmethod
    def read(cls, paths: tuple[Path, ...]) -> StyleSheet:
        rules: dict[str, Declarations] = {}
        pages: dict[str, Declarations] = {}
        for path in paths:
            for rule in tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), True, True):
                if rule.type == "qualified-rule":
                    for selector in _selectors(rule.prelude):
                        rules.setdefault(selector, []).extend(_declarations(rule.content))
                elif rule.type == "at-rule" and rule.lower_at_keyword == "page" and rule.content:
                    name = tinycss2.serialize(rule.prelude).strip()
                    pages.setdefault(name, []).extend(_declarations(rule.content))
        return cls(rules, pages)

    def keyword(self, selector: str, prop: str) -> str:
        value = _last(self.rules.get(selector, []), prop)
        return tinycss2.serialize(value).strip() if value else ""

    def box(self, selector: str, parent: Box) -> Box:
        """The box of ``selector``, inheriting font size and line height from ``parent``."""
        declarations = self.rules.get(selector, [])
        em = _length(_last(declarations, "font-size"), parent.em) or parent.em
        factor = _line_factor(_last(declarations, "line-height"), em) or parent.line_factor
        return Box(
            em=em,
            line_factor=factor,
            margin=_sides(declarations, "margin", em),
            padding=_sides(declarations, "padding", em),
            border=_border(declarations, em),
        )

    def length(self, selector: str, prop: str, parent: Box) -> float:
        """A length property such as ``height`` (0 if not set)."""
        em = self.box(selector, parent).em
        return _length(_last(self.rules.get(selector, []), prop), em) or 0.0

    def page_margins(self, name: str = "") -> Sides:
        """Margins of ``@page`` (name "") or ``@page :first`` (name ":first"), over the base."""
        declarations = self.pages.get("", []) + (self.pages.get(name, []) if name else [])
        return _sides(declarations, "margin", 0.0)


def _selectors(prelude: list) -> list[str]:
    text = re.sub(r"\s+", " ", tinycss2.serialize(prelude)).strip()
    return [part.strip() for part in text.split(",")]


def _declarations(content: list) -> Declarations:
    found = []
    for item in tinycss2.parse_blocks_contents(content, True, True):
        if item.type == "declaration":
            found.append((item.lower_name, [t for t in item.value if t.type != "whitespace"]))
    return found


def _last(declarations: Declarations, prop: str) -> list | None:
    for name, value in reversed(declarations):
        if name == prop:
            return value
    return None


def _length(tokens: list | None, em: float) -> float | None:
    """The first length among ``tokens``, in points (``em`` resolves em units)."""
    for token in tokens or []:
        if token.type == "dimension":
            unit = token.lower_unit
            if unit == "em":
                return token.value * em
            if unit in PT_PER_UNIT:
                return token.value * PT_PER_UNIT[unit]
        elif token.type == "number" and token.value == 0:
            return 0.0
    return None


def _line_factor(tokens: list | None, em: float) -> float | None:
    if not tokens:
        return None
    token = tokens[0]
    if token.type == "number":
        return token.value
    length = _length(tokens, em)
    return length / em if length is not None and em else None


def _sides(declarations: Declarations, prop: str, em: float) -> Sides:
    """``margin``/``padding`` shorthand (1–4 values) and longhands, later ones winning."""
    sides = {"top": 0.0, "right": 0.0, "bottom": 0.0, "left": 0.0}
    for name, value in declarations:
        if name == prop:
            lengths = [_length([token], em) or 0.0 for token in value]
            if lengths:
                top, right, bottom, left = _expand(lengths)
                sides = {"top": top, "right": right, "bottom": bottom, "left": left}
        elif name.startswith(prop + "-") and name[len(prop) + 1 :] in sides:
            sides[name[len(prop) + 1 :]] = _length(value, em) or 0.0
    return Sides(**sides)


def _border(declarations: Declarations, em: float) -> Sides:
    sides = {"top": 0.0, "right": 0.0, "bottom": 0.0, "left": 0.0}
    for name, value in declarations:
        if name == "border":
            width = _length(value, em) or 0.0
            sides = dict.fromkeys(sides, width)
        elif name.startswith("border-") and name[7:] in sides:
            sides[name[7:]] = _length(value, em) or 0.0
    return Sides(**sides)


def _expand(values: list[float]) -> tuple[float, float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0], values[0]
    if len(values) == 2:
        return values[0], values[1], values[0], values[1]
    if len(values) == 3:
        return values[0], values[1], values[2], values[1]
    return values[0], values[1], values[2], values[3]
