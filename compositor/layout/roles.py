"""The make-up vocabulary a layout's [grid] speaks: kinds of gap and roles of block.

The layout validates layout.toml against it; ``typeset.makeup`` plans with it. It lives
with the layout (the lower layer) so that loading a layout needs nothing of typeset.
"""

# Gap kinds, from the make-up's point of view, in the order a typesetter opens them:
# first between articles and sections, then above subheads, then around figures and
# tables. Only these take a short page's slack.
SPACED = (
    ("before-banner", "before-title"),
    ("before-subhead",),
    ("before-figure", "after-figure"),
)
# Kinds of gap that hold a fixed space: what a heading or credit keeps with its text.
# They take no slack; the colophon's copyfitting may close them to the layout's minimum.
FIXED = ("after-banner", "after-title", "after-subhead", "before-credit")
KINDS = tuple(kind for group in SPACED for kind in group) + FIXED
# What a block is to the make-up (layout.toml [grid] blocks maps CSS classes to these).
# "block": a figure, "table": a table with its caption: each takes whole lines, no more.
ROLES = (
    "banner",
    "title",
    "lead",
    "subhead",
    "credit",
    "block",
    "table",
    "colophon",
    "colophon-space",
)
