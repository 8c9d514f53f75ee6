"""Spacing of one line of Chinese text: Han–Latin space, punctuation compression, justification.

Pure functions of the text and of each character's natural advance (as the font
shapes it): the WeasyPrint seam measures the advances, asks here how the line is
set, and turns the answer into Pango attributes. Lengths are in the unit of the
advances (CSS px inside WeasyPrint); ``em`` is the font size in the same unit.

How a plan becomes Pango attributes, and why it looks the way it does: Pango's
letter-spacing adds half of a character's value before it and half after it, and
drops the outer halves at the two ends of a line. That suits justification (every
stretchable character gets the same value, so every gap between two of them grows
by exactly that value) but cannot put space on one side only. One-sided space —
the quarter em between Han and Latin, the half em removed between two marks — is
carried by an invisible separator (U+2063) inserted at that boundary, whose
letter-spacing is its whole width. Pango draws it as no glyph at all, so the PDF's
text stays the editor's text (checked by tests/test_typesetting.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from compositor.layout import Typesetting
from compositor.text.classes import (
    han_latin_boundaries,
    is_closing,
    is_opening,
    justification_flags,
    pair_boundaries,
)

SPACER = "\u2063"  # INVISIBLE SEPARATOR: zero width, no glyph in the PDF, never typed in prose
FULL_WIDTH = 0.9  # an advance of at least this many em is a full-width glyph
HALF_EM = 0.5


@dataclass(frozen=True)
class LinePlan:
    """How one line is set.

    ``gaps[i]`` is the space added before ``text[i]`` (negative: removed);
    ``gaps[0]`` is at the line start. ``stretch[i]`` says whether character ``i``
    takes justification. ``end_trim`` is the blank half of a closing mark that
    ends the line: it hangs past the line end, so the line is that much shorter.

    ``starts_line``/``ends_line`` are False at an edge where the text runs on from or
    into another text run on the line (an emphasis, a note mark): there it keeps its
    half of the justification gap it shares with that run, so that the gap is as wide
    as between two characters of one run.
    """

    text: str
    gaps: tuple[float, ...]
    stretch: tuple[bool, ...]
    end_trim: float = 0.0
    starts_line: bool = True
    ends_line: bool = True

    @property
    def opportunities(self) -> float:
        """How many justification spaces the line has (a line end counts half)."""
        if not self.text:
            return 0.0
        edges = self.stretch[0] * self.starts_line + self.stretch[-1] * self.ends_line
        return sum(self.stretch) - edges / 2

    def width(self, advances: list[float], justification: float = 0.0) -> float:
        """The line's width as laid out (natural advances plus the plan's spacing)."""
        return sum(advances) + sum(self.gaps) - self.end_trim + justification * self.opportunities

    @cached_property
    def pango_text(self) -> str:
        """The text Pango shapes: the line with a spacer at every one-sided gap.

        A run that does not start or end the line also has a spacer at that edge, for
        Pango drops the outer half of the letter-spacing of a layout's first and last
        characters: the spacer takes that place, and the character keeps its half.
        """
        parts = []
        for index, (char, gap) in enumerate(zip(self.text, self.gaps, strict=True)):
            if gap or (index == 0 and not self.starts_line):
                parts.append(SPACER)
            parts.append(char)
        if self.text and not self.ends_line:
            parts.append(SPACER)
        return "".join(parts)

    def letter_spacing(
        self, justification: float = 0.0, spacer_scale: float = 1.0
    ) -> list[tuple[int, int, float]]:
        """Letter-spacing runs ``(start, end, value)`` over ``pango_text`` (character indices).

        Runs of equal value are merged and zero runs left out. ``spacer_scale``
        multiplies the spacers' values (for a renderer that draws them out of scale).
        """
        values: list[float] = []
        for index, (gap, stretches) in enumerate(zip(self.gaps, self.stretch, strict=True)):
            own = justification if stretches else 0.0
            if index == 0 and not self.starts_line:
                # Pango drops the outer half of the first run: the spacer keeps half
                # its value; the first character's leading half follows it (the half
                # of the gap this run shares with the one before it).
                values.append(2 * gap * spacer_scale)
            elif gap and index == 0:
                # At the line start the character's leading half is not wanted.
                values.append((2 * gap - own) * spacer_scale)
            elif gap:
                values.append(gap * spacer_scale)
            values.append(own)
        if self.text and not self.ends_line:
            values.append(0.0)  # the closing spacer: only there for the character's half
        return _runs(values)


def _runs(values: list[float]) -> list[tuple[int, int, float]]:
    runs: list[tuple[int, int, float]] = []
    for index, value in enumerate(values):
        if runs and runs[-1][1] == index and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], index + 1, value)
        elif value:
            runs.append((index, index + 1, value))
    return runs


def interior_gaps(
    text: str, advances: list[float], em: float, settings: Typesetting
) -> list[float]:
    """The space before each character from its neighbour alone (``[0]`` is always 0).

    A quarter em (``han_latin_space``) between Han and a Latin letter or digit; half an
    em less between two full-width marks whose blank halves meet (GB style).
    """
    gaps = [0.0] * len(text)
    if settings.han_latin_space:
        for index in han_latin_boundaries(text):
            gaps[index] = settings.han_latin_space * em
    if settings.punctuation == "gb":
        for index in pair_boundaries(text):
            if _full_width(advances[index - 1], em) and _full_width(advances[index], em):
                gaps[index] = -HALF_EM * em
    return gaps


def start_gap(text: str, advances: list[float], em: float, settings: Typesetting) -> float:
    """An opening mark that starts a line loses its blank leading half (GB style)."""
    if not text or settings.punctuation != "gb":
        return 0.0
    return -HALF_EM * em if is_opening(text[0]) and _full_width(advances[0], em) else 0.0


def end_trim(text: str, advances: list[float], em: float, settings: Typesetting) -> float:
    """A closing mark that ends a line is set half width (GB style)."""
    if not text or settings.punctuation != "gb":
        return 0.0
    return HALF_EM * em if is_closing(text[-1]) and _full_width(advances[-1], em) else 0.0


def plan_line(
    text: str,
    advances: list[float],
    em: float,
    settings: Typesetting,
    *,
    at_line_start: bool,
    at_line_end: bool,
    gaps: list[float] | None = None,
    joined_before: bool = False,
    joined_after: bool = False,
) -> LinePlan:
    """The plan for ``text`` set as one line (or the part of a line that one text run fills).

    ``at_line_start``/``at_line_end`` say whether the text touches the line's edges, where
    the edge rules apply. ``gaps`` may pass precomputed ``interior_gaps`` of this text; its
    ``[0]``, for text that does not start the line, is the gap between the character
    before (in another text run: an emphasis, a note mark) and this text's first.
    ``joined_before``/``joined_after``: the text runs on from or into another run on the
    same line, which shares the justification gap at that edge (``LinePlan``).
    """
    gaps = list(gaps if gaps is not None else interior_gaps(text, advances, em, settings))
    if text and at_line_start:
        gaps[0] = start_gap(text, advances, em, settings)
    return LinePlan(
        text=text,
        gaps=tuple(gaps),
        stretch=tuple(justification_flags(text)),
        end_trim=end_trim(text, advances, em, settings) if at_line_end else 0.0,
        starts_line=not joined_before,
        ends_line=not joined_after,
    )


def _full_width(advance: float, em: float) -> bool:
    return advance >= FULL_WIDTH * em


__all__ = [
    "SPACER",
    "LinePlan",
    "end_trim",
    "interior_gaps",
    "plan_line",
    "start_gap",
]
