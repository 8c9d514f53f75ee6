"""Reading Word's XML (WordprocessingML) with lxml: the namespace and node queries the
Word importer's modules share (word.py, numbering.py, wordnotes.py)."""

from __future__ import annotations

from typing import Any

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_ONLY = {"w": W}


def nodes(element, path: str, namespaces: dict[str, str] = W_ONLY) -> list[Any]:
    """``element.xpath(path)`` with ``namespaces``' prefixes. Every path the importer asks
    selects nodes (elements, attribute values, texts), so the result is a list; lxml types
    it as any XPath result (a count is a float, a test a bool)."""
    found = etree._Element.xpath(element, path, namespaces=namespaces)
    if not isinstance(found, list):
        raise TypeError(f"the XPath {path!r} selects no nodes")
    return found
