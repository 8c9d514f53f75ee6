from collections.abc import Callable
from typing import Any

# Replaced by assignment during page make-up (compositor.weasy.makeup), hence a variable
# holding a function: (context, box, bottom_space, skip_stack, containing_block, …) →
# (new box, resume_at, next_page, adjoining_margins, collapsing_through, max_lines).
block_level_layout: Callable[..., tuple[Any, ...]]
