"""A memo kept from one build of a session to the next."""

from __future__ import annotations

from collections.abc import Callable


class _LastBuild:
    """A memo that keeps, from one build of a session to the next, only what the last
    build used, so that a long ``watch`` does not grow it."""

    def __init__(self) -> None:
        self._current: dict = {}
        self._previous: dict = {}

    def next_build(self) -> None:
        self._previous, self._current = self._current, {}

    def find(self, key):
        """The value kept for ``key`` (kept for this build too), or ``None``."""
        found = self._current.get(key)
        if found is None:
            found = self._previous.get(key)
            if found is not None:
                self._current[key] = found
        return found

    def keep(self, key, value) -> None:
        self._current[key] = value

    def get(self, key, make: Callable):
        """The value kept for ``key``, or ``make()``'s, kept."""
        found = self.find(key)
        if found is None:
            found = self._current[key] = make()
        return found
