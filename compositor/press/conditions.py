"""Output conditions: which printing condition a CMYK profile characterises.

A PDF/X OutputIntent names its printing condition by an identifier. For a condition
registered with the ICC (color.org's registry of characterisation data) that is the
registered name — ``FOGRA39`` for ISO Coated v2, ``JC200103`` for Japan Color 2001
Coated, the conditions sheet-fed shops in China and Japan print to — and a shop's RIP
recognises it; any other profile is ``Custom``. A registered condition also comes
with the total ink (TAC) its paper takes. The profiles themselves are not
redistributable and are not shipped: the shop supplies them (``build --profile``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CUSTOM = "Custom"
TAC_IN_NAME = re.compile(r"(\d{3})\s*%")  # "ISO Coated v2 300% (ECI)": a lower TAC variant


@dataclass(frozen=True)
class OutputCondition:
    identifier: str  # the registered name, or "Custom"
    name: str  # what OutputCondition says, for people
    max_ink: float | None  # percent; None: not known (a custom profile)

    @property
    def registered(self) -> bool:
        return self.identifier != CUSTOM


# (words any of which in the profile's description identify it, the condition)
REGISTERED = (
    (
        ("fogra39", "iso coated v2", "isocoated_v2", "coated fogra39"),
        OutputCondition(
            "FOGRA39",
            "Offset printing, ISO 12647-2:2004/Amd 1, paper type 1 or 2 (ISO Coated v2, FOGRA39)",
            330.0,
        ),
    ),
    (
        ("japan color 2001 coated", "japancolor2001coated", "jc200103"),
        OutputCondition("JC200103", "Japan Color 2001 Coated (sheet-fed offset)", 350.0),
    ),
)


def output_condition(description: str) -> OutputCondition:
    """The printing condition of a profile whose description is ``description``."""
    lowered = description.lower()
    for words, condition in REGISTERED:
        if any(word in lowered for word in words):
            lower_tac = TAC_IN_NAME.search(description)
            if lower_tac:
                return OutputCondition(
                    condition.identifier, condition.name, float(lower_tac.group(1))
                )
            return condition
    return OutputCondition(CUSTOM, description, None)


def registered_limit(identifier: str) -> float | None:
    """The total ink limit of a registered condition named in a file, if known."""
    for _, condition in REGISTERED:
        if condition.identifier == identifier.strip():
            return condition.max_ink
    return None
