"""Tagged PDF: the structure tree WeasyPrint writes, told what each part of the page is.

WeasyPrint 70 tags a document from its HTML elements (``pdf_tags``, or a PDF/UA or
PDF/A level-A variant). This module is the one place where compositor corrects that
tree, through WeasyPrint internals; it is separate from the layout modules of this package because
it acts only while the PDF is written, after layout and make-up. ``tagged_structure``
swaps the functions in for one ``write_pdf`` and restores them after.

What it adds:

- **Structure types the HTML cannot say.** An element with ``data-pdf-role="TOCI"``
  (the layout's template writes them) becomes that structure type: the contents as
  TOC/TOCI, notes as Note (with the ID PDF/UA asks of a Note), the masthead and the
  colophon as Sect. ``data-pdf-role="Artifact"`` makes an element's drawing an artifact
  (spacers and empty anchors), and so is everything in a page-margin box (running
  heads, folios: ``/Artifact /Pagination``) and a contents leader's dots.
- **Header cells with scope**: a TH gets ``/Scope /Column`` (or ``/Row`` for
  ``scope="row"``), beside the IDs and Headers WeasyPrint writes.
- **Links that say where they go**: a link's ``/Contents`` is its text (an article's
  title), not the anchor's id.
- **PDF/UA beside PDF/A**: WeasyPrint writes one variant's XMP identification
  (its issue 2783); ``ua_part`` adds ``pdfuaid:part`` to a PDF/A file's XMP, with the
  extension schema PDF/A-2 requires for a property outside its predefined schemas.

Internals used (checked by ``check_tags_internals``, tests/test_accessible.py):

- ``weasyprint.pdf.tags._get_pdf_tag(tag)``: the HTML tag → structure type mapping,
  wrapped: a box whose ``element_tag`` we set to ``pdf:TYPE`` gets TYPE.
- ``weasyprint.pdf.tags._build_box_tree(box, parent, pdf, page_number, nums,
  annotations, tags)``, called by that global name for every box: wrapped, to skip
  artifact boxes and complete the element it yields (TH scope, Note ID, Link text).
- ``weasyprint.pdf.stream.Stream.marked(self, box, tag)``: wrapped, to draw an artifact
  box's text as ``/Artifact`` instead of registering a marked-content id for it.
- Boxes: ``element``, ``element_tag`` (set before drawing), ``children``,
  ``is_leader``, ``link_annotation``; ``MarginBox``, ``ParentBox``, ``TextBox``,
  ``ReplacedBox``, ``AbsolutePlaceholder._box``; ``Page._page_box``.
- ``DocumentMetadata.generate_rdf_metadata(variant, version, conformance)``: its
  ``rdf:RDF`` bytes, wrapped on the one document's metadata object.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree import ElementTree

ROLE_ATTRIBUTE = "data-pdf-role"
ARTIFACT = "Artifact"
PREFIX = "pdf:"  # an element_tag of ours: the structure type follows

INTERNALS = (  # (module, name, parameters)
    ("weasyprint.pdf.tags", "_get_pdf_tag", ["tag"]),
    (
        "weasyprint.pdf.tags",
        "_build_box_tree",
        ["box", "parent", "pdf", "page_number", "nums", "annotations", "tags"],
    ),
    ("weasyprint.pdf.tags", "add_tags", ["pdf", "document", "pdf_version", "page_streams"]),
)

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFUAID = "http://www.aiim.org/pdfua/ns/id/"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"


@dataclass
class _Marks:
    """What one write must tag differently: boxes drawn as artifacts (with the kind of
    artifact), and the boxes under which everything is an artifact."""

    drawn: dict = field(default_factory=dict)  # text or replaced box → "Pagination"/"Layout"
    skipped: set = field(default_factory=set)  # boxes with no structure element at all


@contextmanager
def tagged_structure(document, ua_part: int | None = None) -> Iterator[None]:
    """While WeasyPrint writes ``document`` tagged, the structure types, artifacts and
    attributes above; ``ua_part`` adds PDF/UA's identification to a PDF/A file's XMP."""
    from weasyprint.pdf import stream as weasy_stream
    from weasyprint.pdf import tags as weasy_tags

    problems = check_tags_internals()
    if problems:
        raise RuntimeError("WeasyPrint internals changed:\n" + "\n".join(problems))
    marks = _Marks()
    for page in document.pages:
        _mark(page._page_box, None, marks, artifact=None)
    original_tag = weasy_tags._get_pdf_tag
    original_tree = weasy_tags._build_box_tree
    original_marked = weasy_stream.Stream.marked
    weasy_tags._get_pdf_tag = _mapped_tag(original_tag)
    weasy_tags._build_box_tree = _tree_builder(original_tree, marks)
    weasy_stream.Stream.marked = _marker(original_marked, marks)
    metadata = document.metadata
    if ua_part is not None:
        rdf = metadata.generate_rdf_metadata
        metadata.generate_rdf_metadata = lambda *a: with_pdfua(rdf(*a), ua_part)
    try:
        yield
    finally:
        weasy_tags._get_pdf_tag = original_tag
        weasy_tags._build_box_tree = original_tree
        weasy_stream.Stream.marked = original_marked
        if ua_part is not None:
            del metadata.generate_rdf_metadata  # the class's method again


def _mapped_tag(original):
    """WeasyPrint's tag mapping, which gives our ``pdf:TYPE`` element tags their TYPE."""

    def get_pdf_tag(tag):
        if tag and tag.startswith(PREFIX):
            return tag[len(PREFIX) :]
        return original(tag)

    return get_pdf_tag


def _mark(box, parent, marks: _Marks, artifact: str | None) -> None:
    """Walk one page's boxes: give role-bearing elements their structure type and
    collect what is drawn as an artifact."""
    from weasyprint.formatting_structure import boxes

    element = box.element
    role = element.get(ROLE_ATTRIBUTE) if element is not None else None
    principal = parent is None or parent.element is not element
    if artifact is None:
        if isinstance(box, boxes.MarginBox):
            artifact = "Pagination"
        elif role == ARTIFACT or box.is_leader:
            artifact = "Layout"
        if artifact is not None:
            marks.skipped.add(box)
    if role and role != ARTIFACT and principal and not box.element_tag.count("::"):
        box.element_tag = PREFIX + role
    elif role and not principal and isinstance(box, boxes.BlockBox):
        box.element_tag = PREFIX + "NonStruct"  # an anonymous block of a role's element
    if artifact is not None and isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
        marks.drawn[box] = artifact
    if isinstance(box, boxes.ParentBox):
        for child in box.children:
            _mark(getattr(child, "_box", child), box, marks, artifact)


def _tree_builder(original, marks: _Marks):
    from weasyprint.formatting_structure import boxes

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        real = getattr(box, "_box", box)  # an AbsolutePlaceholder's box
        if real in marks.skipped:
            _link_to(parent, real, pdf, page_number, annotations)
            return
        elements = original(box, parent, pdf, page_number, nums, annotations, tags)
        passing = real.element_tag in ("html", "body") or isinstance(real, boxes.PageBox)
        for element in elements:
            if not passing:
                if _empty(element):
                    continue  # an inline element with no text (an empty fraction span)
                _complete(element, real)
            yield element

    return build_box_tree


def _empty(element) -> bool:
    return element["S"] in ("/Span", "/NonStruct") and not element["K"]


def _link_to(parent, box, pdf, page_number, annotations) -> None:
    """An artifact inside a link (a contents leader) still has the link's annotation:
    it belongs to the Link element around it (PDF/UA: every link annotation in one)."""
    import pydyf

    annotation = box.link_annotation
    if annotation is None or parent["S"] != "/Link":
        return
    reference = pydyf.Dictionary(
        {"Type": "/OBJR", "Obj": annotation.reference, "Pg": pdf.page_references[page_number]}
    )
    pdf.add_object(reference)
    parent["K"].append(reference.reference)
    annotations.append((parent.reference, annotation))
    annotation["Contents"] = pydyf.String("".join(box.element.itertext()).strip())


def _complete(element, box) -> None:
    """What WeasyPrint's element for ``box`` lacks."""
    import pydyf

    kind = element["S"]
    if kind == "/TH":
        scope = "/Row" if box.element.get("scope") == "row" else "/Column"
        element["A"]["Scope"] = scope
    elif kind == "/Note":
        element["ID"] = pydyf.String(f"note-{element.number}")
    elif kind == "/Link" and box.link_annotation is not None and box.element is not None:
        text = "".join(box.element.itertext()).strip()
        if text:
            box.link_annotation["Contents"] = pydyf.String(text)


def _marker(original, marks: _Marks):
    import pydyf

    @contextmanager
    def marked(self, box, tag):
        kind = marks.drawn.get(box)
        if kind is None or self._tags is None:
            with original(self, box, tag):
                yield
            return
        properties = pydyf.Dictionary({"Type": f"/{kind}"})
        pydyf.Stream.begin_marked_content(self, "Artifact", properties)
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)

    return marked


def with_pdfua(rdf: bytes, part: int) -> bytes:
    """WeasyPrint's ``rdf:RDF`` with ``pdfuaid:part`` and, as PDF/A-2 requires for a
    property outside its predefined schemas, the pdfuaid extension schema."""
    ElementTree.register_namespace("pdfuaid", PDFUAID)
    ElementTree.register_namespace("pdfaExtension", PDFA_EXTENSION)
    ElementTree.register_namespace("pdfaSchema", PDFA_SCHEMA)
    ElementTree.register_namespace("pdfaProperty", PDFA_PROPERTY)
    root = ElementTree.fromstring(rdf)
    description = ElementTree.SubElement(root, f"{{{RDF}}}Description")
    description.set(f"{{{RDF}}}about", "")
    description.set(f"{{{PDFUAID}}}part", str(part))
    root.append(_pdfua_schema())
    return ElementTree.tostring(root, encoding="utf-8")


def _pdfua_schema():
    def sub(parent, namespace, name, text=None, **attributes):
        child = ElementTree.SubElement(parent, f"{{{namespace}}}{name}", attributes)
        child.text = text
        return child

    description = ElementTree.Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    schemas = sub(sub(description, PDFA_EXTENSION, "schemas"), RDF, "Bag")
    schema = sub(schemas, RDF, "li", **{f"{{{RDF}}}parseType": "Resource"})
    sub(schema, PDFA_SCHEMA, "schema", "PDF/UA Universal Accessibility Schema")
    sub(schema, PDFA_SCHEMA, "namespaceURI", PDFUAID)
    sub(schema, PDFA_SCHEMA, "prefix", "pdfuaid")
    properties = sub(sub(schema, PDFA_SCHEMA, "property"), RDF, "Seq")
    entry = sub(properties, RDF, "li", **{f"{{{RDF}}}parseType": "Resource"})
    sub(entry, PDFA_PROPERTY, "name", "part")
    sub(entry, PDFA_PROPERTY, "valueType", "Integer")
    sub(entry, PDFA_PROPERTY, "category", "internal")
    sub(entry, PDFA_PROPERTY, "description", "Part of ISO 14289 the file conforms to")
    return description


def check_tags_internals() -> list[str]:
    """Everything ``tagged_structure`` relies on that a WeasyPrint upgrade could change."""
    import importlib

    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import metadata as weasy_metadata
    from weasyprint.pdf import stream as weasy_stream
    from weasyprint.pdf import tags as weasy_tags

    problems = []
    for module_name, name, parameters in INTERNALS:
        function = getattr(importlib.import_module(module_name), name, None)
        if function is None:
            problems.append(f"{module_name}.{name} is gone")
        elif list(inspect.signature(function).parameters) != parameters:
            problems.append(f"{module_name}.{name}: parameters changed, expected {parameters}")
    marked = getattr(weasy_stream.Stream, "marked", None)
    if marked is None or list(inspect.signature(marked).parameters) != ["self", "box", "tag"]:
        problems.append("weasyprint.pdf.stream.Stream.marked(self, box, tag) changed")
    source = inspect.getsource(weasy_tags)
    if source.count("_build_box_tree(") < 4:  # the recursion goes through the global name
        problems.append("weasyprint.pdf.tags no longer recurses through _build_box_tree")
    for used in (
        "tag = _get_pdf_tag(element_tag)",
        "kid = tags.pop(child)",
        "elif isinstance(box, boxes.MarginBox):",
    ):
        if used not in source:
            problems.append(f"weasyprint.pdf.tags no longer has {used.split()[0]!r} as expected")
    for name in ("MarginBox", "ParentBox", "TextBox", "ReplacedBox", "BlockBox", "PageBox"):
        if not hasattr(boxes, name):
            problems.append(f"weasyprint.formatting_structure.boxes.{name} is gone")
    if not hasattr(boxes.Box, "is_leader"):
        problems.append("Box.is_leader is gone")
    rdf = getattr(weasy_metadata.DocumentMetadata, "generate_rdf_metadata", None)
    if rdf is None or list(inspect.signature(rdf).parameters) != [
        "self",
        "variant",
        "version",
        "conformance",
    ]:
        problems.append("DocumentMetadata.generate_rdf_metadata(variant, version, …) changed")
    elif "self.generate_rdf_metadata(" not in inspect.getsource(
        weasy_metadata.DocumentMetadata.include_in_pdf
    ):
        problems.append("DocumentMetadata.include_in_pdf no longer calls generate_rdf_metadata")
    return problems
