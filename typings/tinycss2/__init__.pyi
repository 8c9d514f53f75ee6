# What compositor.layout.cssboxes reads of tinycss2's nodes. tinycss2 nodes are told apart
# by ``type``; the attributes below exist on the kinds the comment names.
from collections.abc import Iterable

class Node:
    type: str
    prelude: list[Node]  # qualified-rule, at-rule
    content: list[Node]  # qualified-rule, at-rule (empty or absent: no block)
    lower_at_keyword: str  # at-rule
    lower_name: str  # declaration
    value: list[Node]  # declaration (tokens carry a value of their own: see cssboxes)

def parse_stylesheet(
    css: str, skip_comments: bool = ..., skip_whitespace: bool = ...
) -> list[Node]: ...
def parse_blocks_contents(
    input: str | list[Node], skip_comments: bool = ..., skip_whitespace: bool = ...
) -> list[Node]: ...
def serialize(nodes: Iterable[Node]) -> str: ...
