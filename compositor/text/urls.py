"""URLs and e-mail addresses in running text: where they are.

One pattern for every stage that must leave an address alone: the normaliser never
changes a character inside one (text/normalize.py), and line layout breaks one only at
its punctuation (typeset/linebreak.py).
"""

from __future__ import annotations

import re

# A URL (with a scheme, mailto: or www.) or an e-mail address; ASCII only, so that the
# Chinese text around it (，。) is never taken for part of it.
_URL_CHARS = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]"
URL_PATTERN = re.compile(
    rf"(?:(?<![A-Za-z0-9+.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*://|mailto:|www\.)){_URL_CHARS}+"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
URL_TRAILING = ".,;:!?'\")]"  # ends a sentence rather than the URL


def url_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every URL and e-mail address in ``text``."""
    spans = []
    for match in URL_PATTERN.finditer(text):
        end = match.end()
        while end > match.start() + 1 and text[end - 1] in URL_TRAILING:
            end -= 1
        spans.append((match.start(), end))
    return spans
