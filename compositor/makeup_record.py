"""The make-up record: what a build's page make-up did, carried in the PDF for preflight.

``weasy.makeup.page_makeup`` writes it into the PDF's Info dictionary (key ``KEY``) and
``preflight.typography.read_makeup`` reads it back: one dataclass, one JSON form, so
writer and reader cannot drift apart. A PDF without it was not made by compositor.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

KEY = "CompositorMakeup"  # the Info key, without PDF's leading slash (alphanumeric only)
RELAXED = "orphans and widows 1 for 齐底"  # what the record says of a relaxed page


@dataclass
class MakeupRecord:
    """``pitch`` is None for a PDF that is not ours (nothing recorded)."""

    pitch: float | None = None  # the line grid's pitch in points ("pitch_pt")
    reasons: dict[int, str] = field(default_factory=dict)  # page → why it is short ("short")
    spaced: dict[int, dict[str, int]] = field(default_factory=dict)  # page → lines by gap kind
    # Pages where 齐底 took a 1-line orphan or widow; None: no paragraph was relaxed
    # (an empty set: paragraphs were relaxed, but none now breaks across pages).
    relaxed: frozenset[int] | None = None

    @property
    def ours(self) -> bool:
        return self.pitch is not None

    def to_json(self) -> str:
        data: dict[str, object] = {
            "pitch_pt": self.pitch,
            "short": {str(page): reason for page, reason in self.reasons.items()},
        }
        if self.spaced:
            data["spaced"] = {str(page): kinds for page, kinds in self.spaced.items()}
        if self.relaxed is not None:
            data["relaxed"] = {str(page): RELAXED for page in sorted(self.relaxed)}
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> MakeupRecord:
        """The record in ``text``; ValueError when it is not one."""
        try:
            data = json.loads(text)
            relaxed = data.get("relaxed")
            return cls(
                float(data["pitch_pt"]),
                {int(page): str(reason) for page, reason in data.get("short", {}).items()},
                {
                    int(page): {str(kind): int(lines) for kind, lines in kinds.items()}
                    for page, kinds in data.get("spaced", {}).items()
                },
                None if relaxed is None else frozenset(int(page) for page in relaxed),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a make-up record: {error}") from None
