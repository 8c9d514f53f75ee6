from typing import Any

class CounterLookupItem:
    missing_counters: set[str]
    missing_target_counters: dict[str, set[str]]
    def __init__(
        self, parse_again: Any, missing_counters: Any, missing_target_counters: Any
    ) -> None: ...
