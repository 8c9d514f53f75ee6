from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pydyf

from ..formatting_structure.boxes import Box

class Stream(pydyf.Stream):
    # Wrapped by assignment while a tagged PDF is written (compositor.weasy.tags).
    marked: Callable[[Stream, Box, str], AbstractContextManager[Any]]
