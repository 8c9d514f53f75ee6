"""Curly quotes in 楷体 text are drawn by the serif face (LXGW WenKai's are not full width)."""

from __future__ import annotations

import pdfplumber
from conftest import copy_mini, edit, embedded_font_families, run_cli

from compositor.fonts.fontset import load_fontset
from compositor.paths import FONTS_DIR


def names_of(role: str) -> set[str]:
    """The names an embedded copy of the shipped face for ``role`` can carry."""
    font = load_fontset(FONTS_DIR).by_role(role)
    return {font.family, font.postscript_name}


def test_quotes_in_a_kai_lead_come_from_the_body_face(tmp_path):
    issue = copy_mini(tmp_path)
    lead = 'lead = "大战略呼唤大担当，新起点瞄准新高度。"'
    edit(issue / "02.md", lead, 'lead = "“大战略”呼唤‘大担当’"')
    out = tmp_path / "quotes.pdf"
    result = run_cli("build", str(issue), "-o", str(out))
    assert result.returncode == 0, result.stderr

    family_of = {pdf_name.lstrip("/"): family for pdf_name, family in embedded_font_families(out)}
    with pdfplumber.open(out) as pdf:
        chars = [c for page in pdf.pages for c in page.chars]
    text = "".join(c["text"] for c in chars)
    start = text.index("“大战略”呼唤‘大担当’")
    lead_chars = chars[start : start + len("“大战略”呼唤‘大担当’")]

    body, kai = names_of("body"), names_of("kai")
    for char in lead_chars:
        family = family_of[char["fontname"]]
        if char["text"] in "“”‘’":
            assert family.split("+")[-1] in body, (char["text"], family)
            assert abs(char["width"] - 10.5) < 0.01, "a quote in Kai text must be full width"
        else:
            assert family.split("+")[-1] in kai, (char["text"], family)
