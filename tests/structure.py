"""A tagged PDF read as a screen reader reads it: the structure tree in order, each
element with the text of its marked content (pdfplumber's characters by MCID)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf


@dataclass
class Node:
    kind: str  # the structure type, without the slash
    parts: list = field(default_factory=list)  # its marked text (str) and children, in order
    alt: str = ""
    scope: str = ""
    ident: str = ""
    link_contents: list[str] = field(default_factory=list)  # /Contents of its annotations

    @property
    def children(self) -> list[Node]:
        return [part for part in self.parts if isinstance(part, Node)]

    @property
    def text(self) -> str:
        return self.text_without(set())

    def text_without(self, kinds: set[str]) -> str:
        """The text, leaving out the elements of ``kinds`` (and everything in them)."""
        if self.kind in kinds:
            return ""
        return "".join(
            part.text_without(kinds) if isinstance(part, Node) else part for part in self.parts
        )

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def all(self, kind: str) -> list[Node]:
        return [node for node in self.walk() if node.kind == kind]


def marked_text(path: Path) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text drawn in that marked-content sequence."""
    found: dict[tuple[int, int], str] = defaultdict(str)
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    found[index, char["mcid"]] += char["text"]
    return found


def untagged_characters(path: Path) -> list[str]:
    """Characters drawn neither in tagged content nor as an artifact."""
    with pdfplumber.open(path) as pdf:
        return [
            char["text"]
            for page in pdf.pages
            for char in page.chars
            if char.get("mcid") is None and char.get("tag") != "Artifact"
        ]


def artifact_text(path: Path) -> list[str]:
    """The text drawn as artifacts, page by page."""
    with pdfplumber.open(path) as pdf:
        return [
            "".join(c["text"] for c in page.chars if c.get("tag") == "Artifact")
            for page in pdf.pages
        ]


def read_structure(path: Path) -> Node:
    """The document's structure tree (its /Document element) with every element's text."""
    texts = marked_text(path)
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        root = pdf.Root.StructTreeRoot.K
        root = root[0] if isinstance(root, pikepdf.Array) else root
        return _node(root, None, pages, texts)


def _node(element, page, pages, texts) -> Node:
    if "/Pg" in element:
        page = pages[element.Pg.objgen]
    node = Node(kind=str(element.S)[1:])
    node.alt = str(element.get("/Alt", ""))
    node.ident = str(element.get("/ID", ""))
    attributes = element.get("/A")
    if isinstance(attributes, pikepdf.Dictionary) and "/Scope" in attributes:
        node.scope = str(attributes.Scope)[1:]
    kids = element.get("/K")
    kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
    for kid in kids:
        if isinstance(kid, int):
            node.parts.append(texts.get((page, kid), ""))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            node.link_contents.append(str(kid.Obj.get("/Contents", "")))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            mcr_page = pages[kid.Pg.objgen] if "/Pg" in kid else page
            node.parts.append(texts.get((mcr_page, int(kid.MCID)), ""))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            node.parts.append(_node(kid, page, pages, texts))
    return node
