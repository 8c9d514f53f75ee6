"""Messages in the editor's language: Simplified Chinese or English (issue 24).

Every message an editor reads is written in English in the code, wrapped in ``_()``
with named placeholders filled in afterwards (``_("{path}: …").format(path=…)``), so
that a translation may put them in its own order. The Chinese is in the gettext
catalogue ``compositor/locale/zh_CN/LC_MESSAGES/compositor.po``, compiled to the
``.mo`` beside it that is committed (a fresh checkout needs no build step);
tests/test_i18n.py fails when a message has no translation, a translation loses or adds
a placeholder, or the ``.mo`` is older than the ``.po``. After changing messages:
``pybabel extract -F babel.cfg --no-location --sort-output -o /tmp/c.pot . &&
pybabel update -i /tmp/c.pot -d compositor/locale -D compositor --ignore-obsolete``, then
translate, and ``pybabel compile -d compositor/locale -D compositor`` (docs/developers.md).

The language is the process's: ``--lang zh|en`` puts it in ``COMPOSITOR_LANG`` (so
that worker processes of a batch speak it too); without it, ``LC_ALL``, then
``LC_MESSAGES``, then ``LANG`` decide as for any program (``zh_CN.UTF-8`` → Chinese).
"""

from __future__ import annotations

import functools
import gettext
import os
from pathlib import Path

DOMAIN = "compositor"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGE_VARIABLE = "COMPOSITOR_LANG"
# What --lang accepts, and the catalogue each names (English is the code's own text).
LANGUAGES = {"zh": "zh_CN", "en": "en"}


def language() -> str:
    """``zh`` or ``en``: --lang (COMPOSITOR_LANG), else the POSIX locale variables."""
    chosen = os.environ.get(LANGUAGE_VARIABLE, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "")
        if value:  # the first one set decides, as in setlocale(3)
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def use_language(code: str) -> None:
    """--lang: this process and the processes it starts speak ``code``."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r} (known: {', '.join(LANGUAGES)})")
    os.environ[LANGUAGE_VARIABLE] = code


@functools.cache
def catalogue(code: str) -> gettext.NullTranslations:
    """The compiled catalogue of one language, read once (English: the text as written)."""
    return gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[LANGUAGES[code]], fallback=True
    )


def _(message: str) -> str:
    """``message`` in the process's language."""
    return catalogue(language()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """``message`` in the sense ``context`` gives it (a word with two translations)."""
    return catalogue(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` (Chinese has one form)."""
    return catalogue(language()).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined (a table of messages built at
    import); ``_()`` translates it where it is used."""
    return message


__all__ = [
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "_",
    "catalogue",
    "language",
    "ngettext",
    "pgettext",
    "use_language",
]
