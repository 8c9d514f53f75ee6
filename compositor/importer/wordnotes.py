"""Word's footnotes and endnotes → the article's notes (注释, content/notes.py).

A reference (``w:footnoteReference``/``w:endnoteReference``) stands in a run; the note's
text is in footnotes.xml or endnotes.xml under the same id. Footnotes and endnotes are
numbered together, in the order their references appear, as the content format
numbers notes (① ② ③). While the article is assembled a reference is one private-use
character (``PLACEHOLDERS``) in the paragraph's text, so that normalising the text moves
it with the characters around it; the writer turns it into ``[^1]``
(importer/write.py), and the read-back check into the mark the build prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from compositor.content.notes import MARKS
from compositor.importer.ooxml import W, nodes

FIRST_PLACEHOLDER = 0xE000
PLACEHOLDERS = tuple(chr(FIRST_PLACEHOLDER + n) for n in range(len(MARKS)))
TO_MARKS = {ord(placeholder): mark for placeholder, mark in zip(PLACEHOLDERS, MARKS, strict=True)}
# A note's or a reference's (kind, w:id). The id is required, but lxml reads a missing
# one as None: such a note is kept under None, where a reference without an id finds it.
NoteKey = tuple[str, str | None]
KINDS = {"footnoteReference": "footnote", "endnoteReference": "endnote"}
# Footnote ids Word keeps for its separator lines: no note of the author's.
SEPARATOR_TYPES = frozenset({"separator", "continuationSeparator", "continuationNotice"})


@dataclass
class NoteTexts:
    """The notes' raw texts by (kind, id), and the references met so far, in order."""

    texts: dict[NoteKey, str]
    order: list[NoteKey] = field(default_factory=list)

    @classmethod
    def from_document(cls, document) -> NoteTexts:
        texts: dict[NoteKey, str] = {}
        for relation in document.part.rels.values():
            kind = relation.reltype.rsplit("/", 1)[-1]  # …/footnotes, …/endnotes
            if kind not in ("footnotes", "endnotes") or relation.is_external:
                continue
            root = etree.fromstring(relation.target_part.blob)
            for note in root.iterchildren(f"{{{W}}}{kind[:-1]}"):
                if note.get(f"{{{W}}}type") in SEPARATOR_TYPES:
                    continue
                texts[(kind[:-1], note.get(f"{{{W}}}id"))] = _note_text(note)
        return cls(texts)

    def reference(self, run) -> str:
        """The placeholder for the note ``run`` refers to ("" when it refers to none)."""
        for child in run.iterchildren():
            kind = KINDS.get(etree.QName(child).localname)
            if kind is None:
                continue
            key: NoteKey = (kind, child.get(f"{{{W}}}id"))
            if key not in self.order:
                self.order.append(key)
            index = self.order.index(key)
            return PLACEHOLDERS[index] if index < len(PLACEHOLDERS) else ""
        return ""

    def in_order(self) -> list[tuple[str, str | None]]:
        """(where, raw text) of each note referred to, in order of reference; None for a
        reference to a note the document does not hold."""
        return [(f"{kind} {number}", self.texts.get((kind, number))) for kind, number in self.order]


def _note_text(note) -> str:
    """A note's text, its paragraphs joined; the run that prints its own number is left out."""
    paragraphs = []
    for paragraph in note.iterchildren(f"{{{W}}}p"):
        runs = _xpath(
            paragraph, ".//w:r[not(w:footnoteRef) and not(w:endnoteRef) and not(ancestor::w:del)]"
        )
        paragraphs.append("".join(_run_text(run) for run in runs))
    return "\n".join(text for text in paragraphs if text.strip())


def _xpath(element, path: str) -> list[Any]:
    return nodes(element, path)


def _run_text(run) -> str:
    out = []
    for child in run.iterchildren():
        name = etree.QName(child).localname
        if name == "t":
            out.append(child.text or "")
        elif name == "tab":
            out.append("\t")
    return "".join(out)


def as_marks(text: str) -> str:
    """Placeholders → the marks the build prints for them."""
    return text.translate(TO_MARKS)


def as_references(text: str) -> str:
    """Placeholders → ``[^1]`` references in written Markdown."""
    for index, placeholder in enumerate(PLACEHOLDERS):
        text = text.replace(placeholder, f"[^{index + 1}]")
    return text
