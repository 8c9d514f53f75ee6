"""Layouts are data (issue 26): Python knows no layout's class names.

The class names of every shipped layout are collected from its CSS (the selectors) and
its templates (class="…"), and no string literal in compositor/**/*.py may be one of
them, or hold one as a selector (``.name``). A layout is free to name a class after one
of Python's own words — a make-up role, a block kind, a front-matter key — which the
layout maps its classes onto; those words are Python's vocabulary, read from the code.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import tinycss2
from conftest import ROOT

from compositor import model
from compositor.content import ARTICLE_KEYS, MARKDOWN_RULES
from compositor.content.blocks import TABLE_RULES
from compositor.errors import LayoutError
from compositor.layout import load_layout
from compositor.typeset.makeup import KINDS, ROLES

LAYOUTS = sorted(p.parent for p in (ROOT / "layouts").glob("*/layout.toml"))
CLASS_ATTRIBUTE = re.compile(r'class="([^"]*)"')
JINJA = re.compile(r"\{[{%#].*?[}%#]\}", re.S)
# A class in a selector: .name after the start, a space or a combinator, not inside a word
# ("x.py") or a number.
SELECTOR_CLASS = re.compile(r"(?:^|(?<=[\s,>+~(\"'*\]]))\.([A-Za-z_][\w-]*)(?![\w-])")


def css_classes(path: Path) -> set[str]:
    names = set()
    rules = tinycss2.parse_stylesheet(path.read_text("utf-8"), skip_comments=True)
    for rule in rules:
        if rule.type == "qualified-rule":
            names |= set(SELECTOR_CLASS.findall(tinycss2.serialize(rule.prelude)))
    return names


def template_classes(path: Path) -> set[str]:
    """The classes written as text in class="…" (those a Jinja expression makes are the
    CSS's too)."""
    plain = JINJA.sub(" ", path.read_text("utf-8"))
    return {name for value in CLASS_ATTRIBUTE.findall(plain) for name in value.split()}


def layout_classes(folder: Path) -> set[str]:
    names = set()
    for css in folder.glob("*.css"):
        names |= css_classes(css)
    for template in folder.glob("*.j2"):
        names |= template_classes(template)
    return names


def python_vocabulary() -> set[str]:
    """Words Python owns, onto which a layout maps its classes."""
    kinds = {
        getattr(kind, "kind", None)
        for kind in vars(model).values()
        if isinstance(kind, type) and isinstance(getattr(kind, "kind", None), str)
    }
    return (
        set(ROLES) | set(KINDS) | kinds | set(ARTICLE_KEYS) | set(MARKDOWN_RULES) | set(TABLE_RULES)
    )


def string_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_both_layouts_ship():
    assert {folder.name for folder in LAYOUTS} >= {"torch", "jianbao"}


def test_the_class_names_are_found():
    """The collector sees real classes in both layouts (or the test below proves nothing)."""
    torch, jianbao = (
        layout_classes(ROOT / "layouts/torch"),
        layout_classes(ROOT / "layouts/jianbao"),
    )
    assert {"colophon-space", "three-line", "masthead-title", "toc-entries"} <= torch
    assert len(jianbao) >= 15
    assert not torch & jianbao - python_vocabulary(), "jianbao has class names of its own"


def test_no_python_file_names_a_layout_class():
    classes = set().union(*(layout_classes(folder) for folder in LAYOUTS))
    own = python_vocabulary()
    found = []
    for path in sorted((ROOT / "compositor").rglob("*.py")):
        for line, text in string_literals(path):
            named = {text} & classes - own
            named |= set(SELECTOR_CLASS.findall(text)) & classes
            if named:
                found.append(f"{path.relative_to(ROOT)}:{line}: {sorted(named)} in {text[:60]!r}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('article = ".piece"', 'articles = ".piece"', "selectors: unknown name(s) ['articles']"),
        ('article = ".piece"', "article = 3", "selectors.article must be a CSS selector"),
        ('credit = "（供稿：{}）"', 'credit = "供稿"', "marks.credit must be a text with one"),
    ],
)
def test_a_wrong_selector_or_mark_is_a_layout_error(tmp_path, old, new, message):
    folder = tmp_path / "brief"
    shutil.copytree(ROOT / "layouts" / "jianbao", folder)
    manifest = folder / "layout.toml"
    manifest.write_text(manifest.read_text("utf-8").replace(old, new), "utf-8")
    with pytest.raises(LayoutError, match=re.escape(message)):
        load_layout(folder)


def test_the_layouts_say_where_python_measures():
    torch, brief = load_layout(ROOT / "layouts/torch"), load_layout(ROOT / "layouts/jianbao")
    assert torch.selector("picture") == ".figure img"
    assert brief.selector("picture") == ".brief-figure img"
    assert brief.selector("contents") is None
    assert (torch.class_of("colophon-space"), brief.class_of("colophon-space")) == (
        "colophon-space",
        "record-space",
    )
